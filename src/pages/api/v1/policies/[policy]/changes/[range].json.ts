/** GET /api/v1/policies/:policy/changes/:from...:to.json: what changed between two consecutive versions, by clause id. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { changesDocument } from '#lib/api/documents.ts';
import { json } from '#site/api.ts';
import { sitePolicies } from '#site/model.ts';

export const getStaticPaths = (() =>
	sitePolicies().flatMap((p) =>
		p.versions
			.slice(1)
			.map((to, i) => ({ params: { policy: p.id, range: `${p.versions[i]!.number}...${to.number}` } })),
	)) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
	const policy = sitePolicies().find((p) => p.id === params.policy)!;
	const [from, to] = params.range!.split('...').map((n) => policy.versions.find((v) => v.number === n)!);
	return json(changesDocument(policy.loaded, from!.loaded, to!.loaded));
};
