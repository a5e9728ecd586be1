/** GET /api/v1/policies/:policy/current.json: a stable alias, the version in force today (rendered per request). */
import type { APIRoute } from 'astro';
import { versionDocument } from '#lib/api/documents.ts';
import { companyToday } from '#lib/calendar.ts';
import { json } from '#site/api.ts';
import { findSitePolicy } from '#site/model.ts';

export const prerender = false;

export const GET: APIRoute = ({ params }) => {
	const today = companyToday();
	const policy = findSitePolicy(params.policy ?? '', today);
	if (!policy?.inForce) return json404(`no version of ${params.policy} is in force on ${today}`);
	return json(versionDocument(policy.loaded, policy.inForce.loaded, today));
};

const json404 = (error: string) =>
	new Response(JSON.stringify({ error }), {
		status: 404,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
	});
