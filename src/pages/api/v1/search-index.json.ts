/**
 * GET /api/v1/search-index.json: the lunr clause index with its documents;
 * other systems and the CLI query it with src/lib/search (tokenizer shared).
 * Which versions it holds and their states depend on today, so it is made on
 * demand from the runtime catalog, once per day and catalog (it is large:
 * making it at build time was a seventh of the build).
 */
import type { APIRoute } from 'astro';
import { companyToday } from '../../../lib/calendar.ts';
import { catalog, catalogGeneration } from '../../../lib/catalog/index.ts';
import { searchIndexOf } from '../../../lib/search/from-content.ts';

export const prerender = false;

let made: { key: string; body: string } | undefined;

export const GET: APIRoute = () => {
	const today = companyToday();
	const key = `${catalogGeneration()}:${today}`;
	if (made?.key !== key) {
		const { policies, config } = catalog();
		made = { key, body: JSON.stringify(searchIndexOf(policies, today, { includeUnapproved: config.preview })) };
	}
	return new Response(made.body, {
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-cache' },
	});
};
