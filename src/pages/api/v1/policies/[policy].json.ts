/**
 * GET /api/v1/policies/:policy.json: a policy with its versions, their states
 * today, dates and the changes between consecutive versions (rendered per request).
 */
import type { APIRoute } from 'astro';
import { policyDocument } from '#lib/api/documents.ts';
import { companyToday } from '#lib/calendar.ts';
import { catalog, policyOf } from '#lib/catalog/index.ts';
import { json } from '#site/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ params }) => {
	const policy = policyOf(params.policy ?? '');
	if (!policy)
		return new Response(JSON.stringify({ error: `no policy ${params.policy}` }), {
			status: 404,
			headers: { 'content-type': 'application/json; charset=utf-8' },
		});
	return json(policyDocument(policy, companyToday(), catalog().config.preview));
};
