/** POST /api/v1/attempts/:id/submit { answers }: graded exactly once; a second submission gets 409 and the first grade. */
import { astroRoute, submitAttemptRoute } from '#server/api-routes.ts';

export const prerender = false;

// Under `npm start` the plain Node handler answers this path with the same function (src/server/plain-routes.ts).
export const POST = astroRoute(submitAttemptRoute);
