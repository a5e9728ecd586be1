/**
 * GET /api/v1/search-index.json: the lunr clause index with its documents,
 * built at build time; the browser, other systems and the CLI query it with
 * src/lib/search (tokenizer shared).
 */
import type { APIRoute } from 'astro';
import { searchIndexOf } from '../../../lib/search/from-content.ts';
import { companyToday } from '../../../lib/calendar.ts';
import { config, sitePolicies } from '../../../site/model.ts';

export const GET: APIRoute = () => {
	const file = searchIndexOf(
		sitePolicies().map((p) => p.loaded),
		companyToday(),
		{ includeUnapproved: config.preview },
	);
	return new Response(JSON.stringify(file), { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
