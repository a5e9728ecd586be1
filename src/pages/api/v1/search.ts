/**
 * GET /api/v1/search?q=&policy=&state=&limit=&offset=: clauses holding every
 * term of the query (src/lib/search), ranked, a page at a time, with counts
 * per policy and, when nothing matches, suggestions. Version states are the
 * catalog's today, not the build's.
 */
import type { APIRoute } from 'astro';
import { searchParams, searchResponse } from '#lib/api/route-schemas.ts';
import { stateLookup } from '#lib/search/from-content.ts';
import { searchHitJson } from '#lib/search/hit-json.ts';
import type { VersionState } from '#lib/versions.ts';
import { handle, HttpError, jsonResponse } from '#server/api.ts';
import { serverSearchIndex, versionStatesNow } from '#server/search.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

const statesFor: Record<string, VersionState[]> = {
	'in-force': ['in-force'],
	superseded: ['superseded'],
	scheduled: ['scheduled'],
	all: ['in-force', 'superseded', 'scheduled'],
};

export const GET: APIRoute = ({ url }) =>
	handle(async () => {
		const params = parseQuery(url, searchParams);
		const index = await serverSearchIndex();
		if (params.policy && !index.versions.some((v) => v.policyId === params.policy))
			throw new HttpError(400, `policy "${params.policy}": no such policy`, { policy: 'no such policy' });
		const { asOf, states } = versionStatesNow();
		const answer = index.search(params.q, stateLookup(states), {
			policy: params.policy,
			states: statesFor[params.state] ?? ['in-force'],
			limit: params.limit,
			offset: params.offset,
		});
		const body = searchResponse.parse({
			query: params.q,
			asOf,
			total: answer.total,
			offset: params.offset,
			limit: params.limit,
			byPolicy: answer.byPolicy,
			results: answer.hits.map(searchHitJson),
			suggestions: answer.suggestions,
		});
		return jsonResponse(200, body);
	});
