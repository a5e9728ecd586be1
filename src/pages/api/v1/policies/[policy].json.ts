/** GET /api/v1/policies/:policy.json: a policy with its versions, states, dates and the changes between consecutive versions. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { policyDocument } from '../../../../lib/api/documents.ts';
import { json } from '../../../../site/api.ts';
import { config, sitePolicies } from '../../../../site/model.ts';

export const getStaticPaths = (() =>
	sitePolicies().map((p) => ({ params: { policy: p.id } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
	json(policyDocument(sitePolicies().find((p) => p.id === params.policy)!.loaded, config.today, config.preview));
