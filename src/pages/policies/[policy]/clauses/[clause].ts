/**
 * GET /policies/:policy/clauses/:id/: a permalink by clause id alone. One
 * on-demand route (not a page per clause) that forwards to the clause in the
 * version in force today, or, for a clause since removed, in the latest
 * version that has it.
 */
import type { APIRoute } from 'astro';
import { clauseTarget } from '#lib/catalog/index.ts';
import { findSitePolicy } from '#site/model.ts';

export const prerender = false;

export const GET: APIRoute = ({ params }) => {
	const policy = findSitePolicy(params.policy ?? '');
	const target = policy && clauseTarget(policy, params.clause ?? '');
	if (!target) {
		return new Response(`no clause ${params.clause} in ${params.policy}\n`, {
			status: 404,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
		});
	}
	// Today's answer: never cached, since it changes when a version takes effect.
	return new Response(null, { status: 302, headers: { location: encodeURI(target), 'cache-control': 'no-store' } });
};
