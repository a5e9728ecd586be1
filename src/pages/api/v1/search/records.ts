/**
 * GET /api/v1/search/records?ids=a,b,…: the Pagefind records (fragments) of a
 * page of browser search results in one request, from the build being
 * served: Pagefind would fetch a file per result (20 a page, four round trips
 * over a browser's six connections). Only what a result shows: the page URL,
 * the meta and the filters.
 */
import type { APIRoute } from 'astro';
import { searchRecordsParams, searchRecordsResponse } from '#lib/api/route-schemas.ts';
import { handle, jsonResponse, zhidu } from '#server/api.ts';
import { pagefindRecords } from '#server/search.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const { ids } = parseQuery(url, searchRecordsParams);
		const records = pagefindRecords(zhidu(locals).clientDir, ids.split(','));
		return jsonResponse(200, searchRecordsResponse.parse({ records }));
	});
