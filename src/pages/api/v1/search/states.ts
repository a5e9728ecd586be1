/**
 * GET /api/v1/search/states: each version's state today (policy@version →
 * state), which the browser search filters its Pagefind results by: the
 * Pagefind index holds no state, so results are right after midnight.
 */
import { astroRoute, searchStatesRoute } from '#server/api-routes.ts';

export const prerender = false;

// Under `npm start` the plain Node handler answers this path with the same function (src/server/plain-routes.ts).
export const GET = astroRoute(searchStatesRoute);
