/**
 * The one request pipeline: every response (prerendered pages, static JSON,
 * assets, API routes) passes through here, so identity, read access, CSRF,
 * body limits and security headers apply to all of it. Astro renders the
 * on-demand routes (middleware mode); the prerendered site is served from
 * dist/client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../lib/store/database.ts';
import type { ServerConfig } from './config.ts';
import { decideAccess, wantsHtml } from './access.ts';
import type { ReviewParticipation } from '../lib/cms/review.ts';
import { errorHtml } from './error-page.ts';
import { isFormLike, isSameOrigin } from './form-origin.ts';
import { clientAddress, resolveIdentity, type Identity } from './identity.ts';
import { handBodyToAstro, readBodyWithin } from './request-body.ts';
import { normaliseRequestPath } from './request-path.ts';
import { plainRouteFor, servePlain } from './plain-routes.ts';
import { contentSecurityPolicy, setSecurityHeaders } from './security-headers.ts';
import { resolveStatic, sendNotFoundPage, sendStatic, type StaticCaching } from './static-files.ts';

export type AstroHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	next: () => void,
	locals: object,
) => Promise<void> | void;

/** What API routes and server pages find in `Astro.locals.zhidu`. */
export interface ZhiduLocals {
	store: Store;
	config: ServerConfig;
	identity: Identity | undefined;
	clientAddress: string;
	/** Whether cookies must be Secure (served over HTTPS). */
	https: boolean;
	/**
	 * Set by the access decision when a non-HR reviewer or approver reaches a version's review page: what
	 * they may do there. Undefined for HR (who may do everything) and everywhere else.
	 */
	review?: ReviewParticipation | undefined;
	/** The static site being served (client/ of the build; publishing swaps it). */
	clientDir: string;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Methods we answer; TRACE, CONNECT and the like get 405 (the WHATWG Request refuses some outright). */
const knownMethods = new Set(['GET', 'HEAD', 'OPTIONS', ...unsafeMethods]);

/** Answers from the server carry personal data or depend on who asks: never stored by any cache. */
const privateNoStore = 'private, no-store';

export function json(res: ServerResponse, status: number, body: unknown): void {
	res.statusCode = status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Cache-Control', privateNoStore);
	res.end(JSON.stringify(body));
}

/** An error for a person or a program: an HTML page in the UI language for a browser, JSON for an API client. */
export function sendError(
	req: IncomingMessage,
	res: ServerResponse,
	path: string,
	status: number,
	reason: string,
): void {
	if (!wantsHtml(path, req.headers.accept)) return json(res, status, { error: reason });
	res.statusCode = status;
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', privateNoStore);
	res.end(req.method === 'HEAD' ? undefined : errorHtml(status, reason));
}

export interface AppOptions {
	config: ServerConfig;
	store: Store;
	clientDir: string;
	astro: AstroHandler;
	scriptHashes: readonly string[];
}

/** The build being served: swapped whole (publication rebuilds it in the background). */
export interface ServedBuild {
	clientDir: string;
	astro: AstroHandler;
	scriptHashes: readonly string[];
}

export function createRequestHandler(options: AppOptions) {
	const { config, store } = options;
	const https = config.publicUrl?.startsWith('https://') ?? false;
	let site = { clientDir: options.clientDir, astro: options.astro, csp: contentSecurityPolicy(options.scriptHashes) };

	const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		// One build per request, taken at its start: a swap never mixes two builds in one answer.
		const { clientDir, astro, csp } = site;
		setSecurityHeaders(res, csp, https);
		// One decoding and check of the path; every decision below and the file lookup use it.
		const target = normaliseRequestPath(req.url);
		const path = target.ok ? target.path : (req.url ?? '');
		try {
			if (!knownMethods.has(req.method ?? '')) {
				res.setHeader('Allow', [...knownMethods].join(', '));
				return sendError(req, res, path, 405, `the ${req.method} method is not allowed`);
			}
			if (!target.ok) return sendError(req, res, path, 400, `bad request path: ${target.reason}`);
			req.url = target.encoded + target.search;
			const length = Number(req.headers['content-length'] ?? 0);
			if (length > config.bodyLimitBytes) return tooLarge(req, res, path, config.bodyLimitBytes);
			const resolved = await resolveIdentity(config, store, req);
			if (!resolved.ok) return sendError(req, res, path, resolved.status, resolved.reason);
			const identity = resolved.identity;

			if (unsafeMethods.has(req.method ?? '')) {
				// HTML forms (signed in or not: sign-in and setup too) must come from our own pages.
				if (identity?.kind !== 'token' && isFormLike(req.headers['content-type'])) {
					if (!isSameOrigin(req.headers, config.publicUrl)) {
						return sendError(
							req,
							res,
							path,
							403,
							'cross-site form submission refused (Origin does not match the site)',
						);
					}
				} else if (identity?.kind === 'person' && identity.via === 'session') {
					// Cookie-authenticated API writes need the session's CSRF token.
					if (req.headers['x-csrf-token'] !== identity.session.csrfToken) {
						return json(res, 403, { error: 'missing or wrong X-CSRF-Token header' });
					}
				}
			}

			let body: Buffer | undefined;
			if (req.method !== 'GET' && req.method !== 'HEAD') {
				const read = await readBodyWithin(req, config.bodyLimitBytes);
				if (!read.ok) return tooLarge(req, res, path, config.bodyLimitBytes);
				body = read.body;
				handBodyToAstro(req, body);
			}

			// Server-rendered pages and API answers: private unless a route says otherwise.
			res.setHeader('Cache-Control', privateNoStore);
			const locals: ZhiduLocals = {
				store,
				config,
				identity,
				clientAddress: clientAddress(config, req),
				https,
				clientDir,
			};
			// The hot API routes (attempts, acknowledgements): the same route functions, without Astro's conversions.
			const plain = plainRouteFor(req.method, path);
			if (plain)
				return await servePlain(req, res, plain, {
					path,
					target: target.encoded + target.search,
					url: new URL(target.encoded + target.search, 'http://zhidu.invalid'),
					locals,
					body,
				});
			// On-demand routes: the Astro middleware (src/middleware.ts) decides access. What no route answers is a
			// static file: decided here, by the same function, before the file is looked up.
			const staticFile = () => {
				const decision = decideAccess({
					path,
					target: target.encoded + target.search,
					method: req.method ?? 'GET',
					accept: req.headers.accept,
					identity,
					config,
				});
				if (decision.kind === 'sign-in') {
					res.statusCode = 303;
					res.setHeader('Location', decision.location);
					return void res.end();
				}
				if (decision.kind === 'deny') return sendError(req, res, path, decision.status, decision.reason);
				const caching: StaticCaching = path.startsWith('/_astro/')
					? 'immutable'
					: !decision.open && config.read === 'signed-in'
						? 'private'
						: 'public';
				serveStatic(req, res, clientDir, path, target.search, caching);
			};
			// A prerendered file answers its path (no on-demand route has one): served without Astro's request
			// handling, after the same access decision.
			if (req.method === 'GET' || req.method === 'HEAD') {
				const file = resolveStatic(clientDir, path);
				if (file && !('redirect' in file)) return staticFile();
			}
			await astro(req, res, staticFile, { zhidu: locals });
		} catch (error) {
			console.error(`${req.method} ${path}:`, error);
			if (!res.headersSent) sendError(req, res, path, 500, 'internal error');
			else res.destroy();
		}
	};
	return Object.assign(handler, {
		/** Serves another build from the next request on (atomic: one assignment). */
		swap(next: ServedBuild): void {
			site = { clientDir: next.clientDir, astro: next.astro, csp: contentSecurityPolicy(next.scriptHashes) };
		},
		served: () => site.clientDir,
	});
}

function tooLarge(req: IncomingMessage, res: ServerResponse, path: string, limit: number): void {
	// The rest of the body is not read: close the connection after answering.
	res.setHeader('Connection', 'close');
	sendError(req, res, path, 413, `request body over the limit of ${limit} bytes (ZHIDU_BODY_LIMIT_KB)`);
}

function serveStatic(
	req: IncomingMessage,
	res: ServerResponse,
	clientDir: string,
	path: string,
	search: string,
	caching: StaticCaching,
): void {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return sendError(req, res, path, 405, `${req.method} is not allowed on ${path}`);
	}
	const notFound = () => {
		const page = resolveStatic(clientDir, '/404.html');
		if (page && !('redirect' in page) && !path.startsWith('/api/')) return sendNotFoundPage(req, res, page);
		sendError(req, res, path, 404, `nothing at ${path}`);
	};
	const file = resolveStatic(clientDir, path);
	if (!file) return notFound();
	if ('redirect' in file) {
		res.statusCode = 301;
		res.setHeader('Location', encodeURI(file.redirect) + search);
		return void res.end();
	}
	sendStatic(req, res, clientDir, file, caching, (error) => {
		if (res.headersSent) return void res.destroy();
		res.removeHeader('ETag');
		res.removeHeader('Last-Modified');
		res.removeHeader('Content-Encoding');
		if (error.status === 404) return notFound();
		sendError(req, res, path, error.status && error.status < 500 ? error.status : 500, `cannot serve ${path}`);
	});
}
