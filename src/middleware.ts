/**
 * Identity and access for every on-demand route (pages and API), through the
 * one decision in src/server/access.ts. Under `npm start` the outer Node
 * layer (src/server/app.ts) has already resolved who is asking and hands it
 * in `locals.zhidu`; under `astro dev` this resolves it itself from the
 * session cookie or API token, on a store opened lazily from the
 * configuration, so the accounts and quiz pages work there too.
 * Prerendered pages are built without a request: nothing to decide.
 */
import { join } from 'node:path';
import { defineMiddleware } from 'astro:middleware';
import { decideAccess } from './server/access.ts';
import { policyOf } from './lib/catalog/index.ts';
import { reviewParticipation } from './lib/cms/review.ts';
import type { ZhiduLocals } from './server/app.ts';
import { readServerConfig } from './server/config.ts';
import { errorResponse } from './server/error-page.ts';
import { isFormLike } from './server/form-origin.ts';
import { clientAddress, resolveIdentity, type RequestLike } from './server/identity.ts';
import { normaliseRequestPath } from './server/request-path.ts';
import { openStore, type Store } from './lib/store/database.ts';

let devStore: Promise<Store> | undefined;

/** `astro dev` only: what the outer layer would have handed in. */
async function resolveLocals(request: Request, peer: string): Promise<ZhiduLocals | Response> {
	const config = readServerConfig();
	devStore ??= openStore({ databaseUrl: config.databaseUrl, sqliteFile: config.dbFile });
	const store = await devStore;
	const like: RequestLike = { headers: Object.fromEntries(request.headers), socket: { remoteAddress: peer } };
	const resolved = await resolveIdentity(config, store, like);
	const path = new URL(request.url).pathname;
	if (!resolved.ok)
		return errorResponse(resolved.status, resolved.reason, { path, accept: request.headers.get('accept') });
	return {
		store,
		config,
		identity: resolved.identity,
		clientAddress: clientAddress(config, like),
		https: new URL(request.url).protocol === 'https:',
		// The last build's static site (its Pagefind records), if there is one.
		clientDir: join(process.env['ZHIDU_DIST_DIR'] ?? join(process.cwd(), 'dist'), 'client'),
	};
}

export const onRequest = defineMiddleware(async (context, next) => {
	if (context.isPrerendered) return next();
	const url = new URL(context.request.url);
	const target = normaliseRequestPath(url.pathname + url.search);
	const accept = context.request.headers.get('accept');
	if (!target.ok) return errorResponse(400, `bad request path: ${target.reason}`, { path: url.pathname, accept: null });
	if (!context.locals.zhidu) {
		const locals = await resolveLocals(context.request, context.clientAddress);
		if (locals instanceof Response) return locals;
		context.locals.zhidu = locals;
	}
	const { identity, config } = context.locals.zhidu;
	// HR forms (and the review page's, posted by reviewers and approvers) are read once here: the action
	// is part of the access decision, and the `_csrf` field is checked below.
	const form =
		context.request.method === 'POST' &&
		target.path.startsWith('/hr/') &&
		identity?.kind === 'person' &&
		isFormLike(context.request.headers.get('content-type') ?? undefined)
			? await context.request.clone().formData()
			: undefined;
	const decision = decideAccess({
		path: target.path,
		target: target.encoded + target.search,
		method: context.request.method,
		accept,
		identity,
		config,
		formAction: String(form?.get('op') ?? form?.get('action') ?? ''),
		participation: (policyId) => {
			const policy = identity?.kind === 'person' ? policyOf(policyId) : undefined;
			return policy && identity?.kind === 'person' ? reviewParticipation(policy.meta, identity.person) : undefined;
		},
	});
	if (decision.kind === 'sign-in') {
		return new Response(null, {
			status: 303,
			headers: { location: decision.location, 'cache-control': 'private, no-store' },
		});
	}
	if (decision.kind === 'deny') return errorResponse(decision.status, decision.reason, { path: target.path, accept });
	context.locals.zhidu.review = decision.review;
	// HR forms carry the session's CSRF token as `_csrf` (their Origin was checked by the outer layer).
	if (
		form &&
		identity?.kind === 'person' &&
		identity.via === 'session' &&
		form.get('_csrf') !== identity.session.csrfToken
	)
		return errorResponse(403, 'missing or wrong CSRF token', { path: target.path, accept });
	return next();
});
