/** POST /api/v1/attempts { quiz }: start (or resume) an attempt; the server draws and records the questions. */
import { astroRoute, startAttemptRoute } from '#server/api-routes.ts';

export const prerender = false;

// Under `npm start` the plain Node handler answers this path with the same function (src/server/plain-routes.ts).
export const POST = astroRoute(startAttemptRoute);
