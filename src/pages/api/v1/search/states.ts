/**
 * GET /api/v1/search/states: each version's state today (policy@version →
 * state), which the browser search filters its Pagefind results by: the
 * Pagefind index holds no state, so results are right after midnight.
 */
import type { APIRoute } from 'astro';
import { searchStatesResponse } from '#lib/api/route-schemas.ts';
import { handle, jsonResponse } from '#server/api.ts';
import { versionStatesNow } from '#server/search.ts';

export const prerender = false;

export const GET: APIRoute = () =>
	handle(async () => {
		const { asOf, states } = versionStatesNow();
		return jsonResponse(200, searchStatesResponse.parse({ asOf, states: Object.fromEntries(states) }));
	});
