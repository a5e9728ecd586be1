/** GET /api/v1/policies/:policy/versions/:version.json: chapters → sections → clauses (id, number, title, text, HTML, URL). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { versionDocument } from '#lib/api/documents.ts';
import { json } from '#site/api.ts';
import { companyToday } from '#lib/calendar.ts';
import { sitePolicies } from '#site/model.ts';

export const getStaticPaths = (() =>
	sitePolicies().flatMap((p) =>
		p.versions.map((v) => ({ params: { policy: p.id, version: v.number } })),
	)) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
	const policy = sitePolicies().find((p) => p.id === params.policy)!;
	const version = policy.versions.find((v) => v.number === params.version)!;
	return json(versionDocument(policy.loaded, version.loaded, companyToday()));
};
