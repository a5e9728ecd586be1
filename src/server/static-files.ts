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
	/** The precompressed copies made at build time (src/integrations/precompress.ts) that exist beside it. */
	encodings: { br: boolean; gzip: boolean };
}

const statOf = (file: string) => statSync(file, { throwIfNoEntry: false });

type Resolved = StaticFile | { redirect: string } | undefined;
/** Path → file, kept: the build does not change under a running server (a rebuild restarts it). */
const resolvedCache = new Map<string, Resolved>();
const RESOLVED_CACHE = 20_000;

/**
 * The file for a normalised (decoded, checked) URL path, or a redirect that
 * adds the trailing slash to a folder, or nothing. Remembered per path.
 */
export function resolveStatic(clientDir: string, path: string): Resolved {
	const key = `${clientDir}\0${path}`;
	if (resolvedCache.has(key)) return resolvedCache.get(key);
	const resolved = resolveUncached(clientDir, path);
	if (resolvedCache.size >= RESOLVED_CACHE) resolvedCache.clear();
	resolvedCache.set(key, resolved);
	return resolved;
}

function resolveUncached(clientDir: string, path: string): Resolved {
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
	const encodings = { br: !!statOf(`${file}.br`)?.isFile(), gzip: !!statOf(`${file}.gz`)?.isFile() };
	return { path: file, relative: relative(root, file).split(sep).join('/'), contentType, encodings };
}

/** The coding to send from what the client accepts (`br` before `gzip`; `q=0` refuses one). */
export function chooseEncoding(accept: string | undefined, has: StaticFile['encodings']): 'br' | 'gzip' | undefined {
	if (!accept || (!has.br && !has.gzip)) return undefined;
	const accepted = new Set<string>();
	for (const part of accept.toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		if (q && Number(q.slice(2)) === 0) continue;
		accepted.add(name!.trim());
	}
	if (has.br && accepted.has('br')) return 'br';
	if (has.gzip && (accepted.has('gzip') || accepted.has('x-gzip'))) return 'gzip';
	return undefined;
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
	// A precompressed copy when the client takes one: its own ETag (send's, from that file), so a cache never
	// answers one coding's revalidation with another's body.
	let relativePath = file.relative;
	if (file.encodings.br || file.encodings.gzip) {
		res.setHeader('Vary', 'Accept-Encoding');
		const coding = chooseEncoding(req.headers['accept-encoding'], file.encodings);
		if (coding) {
			res.setHeader('Content-Encoding', coding);
			relativePath += coding === 'br' ? '.br' : '.gz';
		}
	}
	send(req, `/${encodeURI(relativePath)}`, {
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
