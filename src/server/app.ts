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
import { isFormLike, isSameOrigin } from './form-origin.ts';
import { clientAddress, resolveIdentity, type Identity } from './identity.ts';
import { handBodyToAstro, readBodyWithin } from './request-body.ts';
import { normaliseRequestPath } from './request-path.ts';
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
}

/**
 * Reachable without signing in: the sign-in and first-setup pages, health, the
 * assets they need, and certificate verification (the unguessable code is the key).
 */
const openPaths = [
	/^\/login\/?$/,
	/^\/verify\/[a-z2-7-]+\/?$/i,
	/^\/setup\/?$/,
	/^\/api\/health$/,
	/^\/api\/v1\/auth\/login$/,
	/^\/_astro\//,
	/^\/favicon\./,
	/^\/apple-touch-icon\.png$/,
	/^\/robots\.txt$/,
];
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

const wantsHtml = (req: IncomingMessage, path: string) =>
	!path.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');

export interface AppOptions {
	config: ServerConfig;
	store: Store;
	clientDir: string;
	astro: AstroHandler;
	scriptHashes: readonly string[];
}

export function createRequestHandler(options: AppOptions) {
	const { config, store, clientDir, astro } = options;
	const csp = contentSecurityPolicy(options.scriptHashes);
	const https = config.publicUrl?.startsWith('https://') ?? false;

	return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		setSecurityHeaders(res, csp, https);
		// One decoding and check of the path; every decision below and the file lookup use it.
		const target = normaliseRequestPath(req.url);
		const path = target.ok ? target.path : (req.url ?? '');
		try {
			if (!knownMethods.has(req.method ?? '')) {
				res.setHeader('Allow', [...knownMethods].join(', '));
				return json(res, 405, { error: `the ${req.method} method is not allowed` });
			}
			if (!target.ok) return json(res, 400, { error: `bad request path: ${target.reason}` });
			req.url = target.encoded + target.search;
			const length = Number(req.headers['content-length'] ?? 0);
			if (length > config.bodyLimitBytes) return tooLarge(res, config.bodyLimitBytes);
			const resolved = await resolveIdentity(config, store, req);
			if (!resolved.ok) return json(res, resolved.status, { error: resolved.reason });
			const identity = resolved.identity;
			const open = openPaths.some((p) => p.test(path));
			const guarded = !open && config.read === 'signed-in';

			if (!identity && guarded) {
				if (req.method === 'GET' && wantsHtml(req, path)) {
					res.statusCode = 303;
					res.setHeader('Location', `/login/?next=${encodeURIComponent(target.encoded + target.search)}`);
					res.setHeader('Cache-Control', privateNoStore);
					return void res.end();
				}
				return json(res, 401, { error: 'sign in or send an API token (Authorization: Bearer …)' });
			}

			if (unsafeMethods.has(req.method ?? '')) {
				if (identity?.kind === 'token' && identity.scope === 'read') {
					return json(res, 403, { error: 'this API token is read-only' });
				}
				// HTML forms (signed in or not: sign-in and setup too) must come from our own pages.
				if (identity?.kind !== 'token' && isFormLike(req.headers['content-type'])) {
					if (!isSameOrigin(req.headers, config.publicUrl)) {
						return json(res, 403, {
							error: 'cross-site form submission refused (Origin does not match the site)',
						});
					}
				} else if (identity?.kind === 'person' && identity.via === 'session') {
					// Cookie-authenticated API writes need the session's CSRF token.
					if (req.headers['x-csrf-token'] !== identity.session.csrfToken) {
						return json(res, 403, { error: 'missing or wrong X-CSRF-Token header' });
					}
				}
			}

			if (req.method !== 'GET' && req.method !== 'HEAD') {
				const body = await readBodyWithin(req, config.bodyLimitBytes);
				if (!body.ok) return tooLarge(res, config.bodyLimitBytes);
				handBodyToAstro(req, body.body);
			}

			// Server-rendered pages and API answers: private unless a route says otherwise.
			res.setHeader('Cache-Control', privateNoStore);
			const locals: ZhiduLocals = { store, config, identity, clientAddress: clientAddress(config, req), https };
			const caching: StaticCaching = path.startsWith('/_astro/') ? 'immutable' : guarded ? 'private' : 'public';
			await astro(req, res, () => serveStatic(req, res, clientDir, path, target.search, caching), { zhidu: locals });
		} catch (error) {
			console.error(`${req.method} ${path}:`, error);
			if (!res.headersSent) json(res, 500, { error: 'internal error' });
			else res.destroy();
		}
	};
}

function tooLarge(res: ServerResponse, limit: number): void {
	// The rest of the body is not read: close the connection after answering.
	res.setHeader('Connection', 'close');
	json(res, 413, { error: `request body over the limit of ${limit} bytes (ZHIDU_BODY_LIMIT_KB)` });
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
		return json(res, 405, { error: `${req.method} is not allowed on ${path}` });
	}
	const notFound = () => {
		const page = resolveStatic(clientDir, '/404.html');
		if (page && !('redirect' in page) && !path.startsWith('/api/')) return sendNotFoundPage(req, res, page);
		json(res, 404, { error: `nothing at ${path}` });
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
		if (error.status === 404) return notFound();
		json(res, error.status && error.status < 500 ? error.status : 500, { error: `cannot serve ${path}` });
	});
}
