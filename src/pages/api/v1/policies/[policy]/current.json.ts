/** GET /api/v1/policies/:policy/current.json: a stable alias, the version in force on the build date. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { versionDocument } from '../../../../../lib/api/documents.ts';
import { json } from '../../../../../site/api.ts';
import { config, sitePolicies } from '../../../../../site/model.ts';

export const getStaticPaths = (() =>
	sitePolicies()
		.filter((p) => p.inForce)
		.map((p) => ({ params: { policy: p.id } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
	const policy = sitePolicies().find((p) => p.id === params.policy)!;
	return json(versionDocument(policy.loaded, policy.inForce!.loaded, config.today));
};
