/**
 * The hot API routes answered by plain Node, before Astro: a graded attempt
 * or an acknowledgement is a few database statements, a browser search's
 * states or records a lookup in memory, and Astro's handling
 * (a web Request built from the Node request, routing, middleware, the
 * Response written back) cost as much CPU as the work itself. The routes are
 * the same functions the Astro endpoints call (src/server/api-routes.ts), and
 * the outer layer (app.ts) has already resolved identity, checked CSRF and
 * the body limit; access is decided here by the same function the Astro
 * middleware asks (decideAccess), with the same inputs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideAccess } from './access.ts';
import type { ZhiduLocals } from './app.ts';
import {
	acknowledgeRoute,
	searchRecordsRoute,
	searchStatesRoute,
	startAttemptRoute,
	submitAttemptRoute,
	type ApiRoute,
} from './api-routes.ts';
import { searchRecordsPath } from './search.ts';

interface PlainRoute {
	method: string;
	/** Matched on the normalised (decoded, checked) path; an optional final slash, as Astro (trailingSlash: ignore). */
	pattern: RegExp;
	route: ApiRoute;
}

const routes: PlainRoute[] = [
	{ method: 'POST', pattern: /^\/api\/v1\/attempts\/?$/, route: startAttemptRoute },
	{ method: 'POST', pattern: /^\/api\/v1\/attempts\/(?<id>[^/]+)\/submit\/?$/, route: submitAttemptRoute },
	{ method: 'POST', pattern: /^\/api\/v1\/acknowledgements\/?$/, route: acknowledgeRoute },
	// A browser search asks at every keystroke.
	{ method: 'GET', pattern: /^\/api\/v1\/search\/states\/?$/, route: searchStatesRoute },
	{ method: 'GET', pattern: searchRecordsPath, route: searchRecordsRoute },
];

export interface PlainMatch {
	route: ApiRoute;
	params: Record<string, string | undefined>;
}

/** The plain route answering a request, if any (anything else goes on to Astro). */
export function plainRouteFor(method: string | undefined, path: string): PlainMatch | undefined {
	if ((method !== 'POST' && method !== 'GET') || !path.startsWith('/api/v1/')) return undefined;
	for (const candidate of routes) {
		if (candidate.method !== method) continue;
		const match = candidate.pattern.exec(path);
		if (match) return { route: candidate.route, params: { ...match.groups } };
	}
	return undefined;
}

/** Decides access as the middleware does, runs the route and writes its JSON answer. */
export async function servePlain(
	req: IncomingMessage,
	res: ServerResponse,
	match: PlainMatch,
	request: { path: string; target: string; url: URL; locals: ZhiduLocals; body: Buffer | undefined },
): Promise<void> {
	const { locals } = request;
	const decision = decideAccess({
		path: request.path,
		target: request.target,
		method: req.method ?? 'POST',
		accept: req.headers.accept,
		identity: locals.identity,
		config: locals.config,
	});
	if (decision.kind === 'sign-in') {
		// API paths are never sent to sign in (wantsHtml); kept as the middleware would answer it.
		res.statusCode = 303;
		res.setHeader('Location', decision.location);
		res.setHeader('Cache-Control', 'private, no-store');
		return void res.end();
	}
	const answer =
		decision.kind === 'deny'
			? { status: decision.status, body: { error: decision.reason }, headers: undefined }
			: await match.route({
					locals: { zhidu: locals },
					params: match.params,
					url: request.url,
					contentType: req.headers['content-type'],
					body: async () => request.body ?? new Uint8Array(),
				});
	const text = JSON.stringify(answer.body);
	res.statusCode = answer.status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Cache-Control', 'private, no-store');
	for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
	res.setHeader('Content-Length', Buffer.byteLength(text));
	res.end(text);
}
