/**
 * Serves the prerendered site from dist/client, by the normalised path (see
 * request-path.ts) the access decision was made on. `send` does the HTTP
 * part: ETag and Last-Modified, 304 to a matching If-None-Match or
 * If-Modified-Since, 412, HEAD and ranges; we choose the file, the coding and
 * the caching.
 *
 * A build never changes under its folder (publication builds into a new one),
 * so each file is looked at once: its stat is kept with its path, and the
 * bytes of small files are kept in memory. `send` answers from those instead
 * of a stat, an open and reads per request, which cost more than all the rest
 * of a guarded page (issue 19: ≥ 0.7× sirv on the same file).
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
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

/** One file as stored: the page itself or one of its precompressed copies. */
export interface StoredFile {
	/** Absolute path under the client folder. */
	path: string;
	/** The same path relative to the client folder, with / separators. */
	relative: string;
	/** Taken when the file was first resolved: send's ETag and Last-Modified come from it. */
	stats: Stats;
}

export interface StaticFile extends StoredFile {
	contentType: string;
	/** The precompressed copies made at build time (src/integrations/precompress.ts) that exist beside it. */
	encodings: { br: boolean; gzip: boolean };
	copies: { br?: StoredFile | undefined; gzip?: StoredFile | undefined };
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
	const stored = (path: string, stats: Stats | undefined): StoredFile | undefined =>
		stats?.isFile() ? { path, relative: relative(root, path).split(sep).join('/'), stats } : undefined;
	const copies = { br: stored(`${file}.br`, statOf(`${file}.br`)), gzip: stored(`${file}.gz`, statOf(`${file}.gz`)) };
	return {
		...stored(file, stat)!,
		contentType,
		encodings: { br: !!copies.br, gzip: !!copies.gzip },
		copies,
	};
}

/** The coding to send from what the client accepts (`br` before `gzip`; `q=0` refuses one). */
export function chooseEncoding(accept: string | undefined, has: StaticFile['encodings']): 'br' | 'gzip' | undefined {
	if (!accept || (!has.br && !has.gzip)) return undefined;
	const accepted = acceptedCodings(accept);
	if (has.br && accepted.has('br')) return 'br';
	if (has.gzip && (accepted.has('gzip') || accepted.has('x-gzip'))) return 'gzip';
	return undefined;
}

/** Browsers send one Accept-Encoding each, asked on every request: parsed once per value. */
const acceptedByHeader = new Map<string, Set<string>>();

function acceptedCodings(accept: string): Set<string> {
	let accepted = acceptedByHeader.get(accept);
	if (accepted) return accepted;
	accepted = new Set<string>();
	for (const part of accept.toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		if (q && Number(q.slice(2)) === 0) continue;
		accepted.add(name!.trim());
	}
	if (acceptedByHeader.size >= 100) acceptedByHeader.clear();
	acceptedByHeader.set(accept, accepted);
	return accepted;
}

/** Hashed bundles never change under their name; everything else may change with the next build. */
export type StaticCaching = 'immutable' | 'private' | 'public';

const cacheControl: Record<StaticCaching, string> = {
	immutable: 'public, max-age=31536000, immutable',
	// Guarded files: a shared cache must not keep them; the browser revalidates every time (ETag, 304).
	private: 'private, no-cache',
	public: 'no-cache',
};

/** Bytes kept in memory, oldest first out: small files only, so the whole stays within a bound. */
const bodies = new Map<string, Buffer>();
const BODY_MAX = 512 * 1024;
const BODIES_MAX = 64 * 1024 * 1024;
let bodiesSize = 0;

function bodyOf(file: StoredFile): Buffer | undefined {
	const kept = bodies.get(file.path);
	if (kept || file.stats.size > BODY_MAX) return kept;
	const body = readFileSync(file.path);
	for (const [path, old] of bodies) {
		if (bodiesSize + body.length <= BODIES_MAX) break;
		bodies.delete(path);
		bodiesSize -= old.length;
	}
	bodies.set(file.path, body);
	bodiesSize += body.length;
	return body;
}

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
	let stored: StoredFile = file;
	if (file.encodings.br || file.encodings.gzip) {
		res.setHeader('Vary', 'Accept-Encoding');
		const coding = chooseEncoding(req.headers['accept-encoding'], file.encodings);
		if (coding) {
			res.setHeader('Content-Encoding', coding);
			stored = file.copies[coding]!;
		}
	}
	const stream = send(req, `/${encodeURI(stored.relative)}`, {
		root: resolve(clientDir),
		index: false,
		dotfiles: 'allow',
		cacheControl: false,
		etag: true,
		lastModified: true,
	});
	// send's own steps for the file system, answered from what was kept: the stat taken at first sight and, for
	// a small file, its bytes (the range send chose, after its checks). A larger file is still read from disk.
	stream.sendFile = (path) => stream.send(path, stored.stats);
	const body = bodyOf(stored);
	if (body)
		stream.stream = (_path, range) => {
			const { start, end } = range as { start: number; end: number };
			res.end(start === 0 && end === body.length - 1 ? body : body.subarray(start, end + 1));
		};
	stream.on('error', onError).pipe(res);
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
