/**
 * GET /api/v1/search/records?ids=a,b,…: the Pagefind records (fragments) of a
 * page of browser search results in one request, from the build being
 * served: Pagefind would fetch a file per result (20 a page, four round trips
 * over a browser's six connections). Only what a result shows: the page URL,
 * the meta and the filters.
 */
import { astroRoute, searchRecordsRoute } from '#server/api-routes.ts';

export const prerender = false;

// Under `npm start` the plain Node handler answers this path with the same function (src/server/plain-routes.ts).
export const GET = astroRoute(searchRecordsRoute);
