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
import { clientAddress, resolveIdentity, type Identity } from './identity.ts';
import { contentSecurityPolicy, setSecurityHeaders } from './security-headers.ts';
import { resolveStatic, sendStatic } from './static-files.ts';

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

/** Reachable without signing in: the sign-in and first-setup pages, health, and the assets they need. */
const openPaths = [
	/^\/login\/?$/,
	/^\/setup\/?$/,
	/^\/api\/health$/,
	/^\/api\/v1\/auth\/login$/,
	/^\/_astro\//,
	/^\/favicon\./,
	/^\/robots\.txt$/,
];
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function json(res: ServerResponse, status: number, body: unknown): void {
	res.statusCode = status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
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
		const url = new URL(req.url ?? '/', 'http://zhidu.local');
		const path = url.pathname;
		try {
			const length = Number(req.headers['content-length'] ?? 0);
			if (length > config.bodyLimitBytes) {
				return json(res, 413, { error: `request body over the limit of ${config.bodyLimitBytes} bytes` });
			}
			const resolved = await resolveIdentity(config, store, req);
			if (!resolved.ok) return json(res, resolved.status, { error: resolved.reason });
			const identity = resolved.identity;
			const open = openPaths.some((p) => p.test(path));

			if (!identity && !open && config.read === 'signed-in') {
				if (req.method === 'GET' && wantsHtml(req, path)) {
					res.statusCode = 303;
					res.setHeader('Location', `/login/?next=${encodeURIComponent(path + url.search)}`);
					res.setHeader('Cache-Control', 'no-store');
					return void res.end();
				}
				return json(res, 401, { error: 'sign in or send an API token (Authorization: Bearer …)' });
			}

			if (unsafeMethods.has(req.method ?? '')) {
				if (identity?.kind === 'token' && identity.scope !== 'read-write') {
					return json(res, 403, { error: 'this API token is read-only' });
				}
				// Cookie-authenticated writes need the session's CSRF token (forms: the same origin, checked here, and _csrf in the page).
				if (identity?.kind === 'person' && identity.via === 'session') {
					const type = String(req.headers['content-type'] ?? '');
					const isForm = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
					if (isForm) {
						const origin = req.headers.origin;
						if (!origin || new URL(origin).host !== req.headers.host) {
							return json(res, 403, { error: 'cross-site form submission refused (Origin does not match)' });
						}
					} else if (req.headers['x-csrf-token'] !== identity.session.csrfToken) {
						return json(res, 403, { error: 'missing or wrong X-CSRF-Token header' });
					}
				}
			}

			const locals: ZhiduLocals = { store, config, identity, clientAddress: clientAddress(config, req), https };
			await astro(req, res, () => serveStatic(req, res, clientDir, path, url.search), { zhidu: locals });
		} catch (error) {
			console.error(`${req.method} ${path}:`, error);
			if (!res.headersSent) json(res, 500, { error: 'internal error' });
			else res.destroy();
		}
	};
}

function serveStatic(req: IncomingMessage, res: ServerResponse, clientDir: string, path: string, search: string): void {
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return json(res, 405, { error: `${req.method} is not allowed on ${path}` });
	}
	const file = resolveStatic(clientDir, path);
	if (file && 'redirect' in file) {
		res.statusCode = 301;
		res.setHeader('Location', file.redirect + search);
		return void res.end();
	}
	if (file) return sendStatic(req, res, file);
	const notFound = resolveStatic(clientDir, '/404.html');
	if (notFound && !('redirect' in notFound) && !path.startsWith('/api/')) return sendStatic(req, res, notFound, 404);
	json(res, 404, { error: `nothing at ${path}` });
}
