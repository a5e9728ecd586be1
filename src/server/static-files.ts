/**
 * Serves the prerendered site from dist/client, by the normalised path (see
 * request-path.ts) the access decision was made on. `send` does the HTTP
 * part: ETag and Last-Modified, 304 to a matching If-None-Match or
 * If-Modified-Since, HEAD and ranges; we choose the file and the caching.
 */
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import send from 'send';

const contentTypes: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.xml': 'application/xml; charset=utf-8',
	'.woff2': 'font/woff2',
	'.wasm': 'application/wasm',
	'.pdf': 'application/pdf',
};

export interface StaticFile {
	/** Absolute path under the client folder. */
	path: string;
	/** The same path relative to the client folder, with / separators. */
	relative: string;
	contentType: string;
}

const statOf = (file: string) => statSync(file, { throwIfNoEntry: false });

/**
 * The file for a normalised (decoded, checked) URL path, or a redirect that
 * adds the trailing slash to a folder, or nothing.
 */
export function resolveStatic(clientDir: string, path: string): StaticFile | { redirect: string } | undefined {
	const root = resolve(clientDir);
	let file = resolve(join(root, path));
	// The path has no dot segments; this is a second line of defence, not the check.
	if (file !== root && !file.startsWith(root + sep)) return undefined;
	let stat = statOf(file);
	if (stat?.isDirectory()) {
		if (!path.endsWith('/')) return { redirect: `${path}/` };
		file = join(file, 'index.html');
		stat = statOf(file);
	}
	if (!stat?.isFile()) return undefined;
	const contentType = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
	return { path: file, relative: relative(root, file).split(sep).join('/'), contentType };
}

/** Hashed bundles never change under their name; everything else may change with the next build. */
export type StaticCaching = 'immutable' | 'private' | 'public';

const cacheControl: Record<StaticCaching, string> = {
	immutable: 'public, max-age=31536000, immutable',
	// Guarded files: a shared cache must not keep them; the browser revalidates every time (ETag, 304).
	private: 'private, no-cache',
	public: 'no-cache',
};

export function sendStatic(
	req: IncomingMessage,
	res: ServerResponse,
	clientDir: string,
	file: StaticFile,
	caching: StaticCaching,
	onError: (error: Error & { status?: number }) => void,
): void {
	res.setHeader('Content-Type', file.contentType);
	res.setHeader('Cache-Control', cacheControl[caching]);
	send(req, `/${encodeURI(file.relative)}`, {
		root: resolve(clientDir),
		index: false,
		dotfiles: 'allow',
		cacheControl: false,
		etag: true,
		lastModified: true,
	})
		.on('error', onError)
		.pipe(res);
}

/** The site's 404 page, never cached. */
export function sendNotFoundPage(req: IncomingMessage, res: ServerResponse, file: StaticFile): void {
	res.statusCode = 404;
	res.setHeader('Content-Type', file.contentType);
	res.setHeader('Cache-Control', 'private, no-store');
	if (req.method === 'HEAD') return void res.end();
	// Sent in one write, not streamed: a client that half-closes after its request (as raw HTTP clients do)
	// would otherwise get no answer, the socket being ended before the stream opens.
	res.end((notFoundPages[file.path] ??= readFileSync(file.path)));
}

const notFoundPages: Record<string, Buffer> = {};
