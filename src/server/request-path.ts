/**
 * The request path, decoded and checked once, before any decision: read
 * access, routing and the static file lookup all use what this returns, so a
 * path cannot mean one thing to the guard and another to the file system.
 * Anything a file lookup could read two ways is refused rather than repaired:
 * encoded slashes and backslashes, dot segments (however encoded), empty
 * segments, segments ending in a dot, NUL and other control characters,
 * percent signs left after one decoding (double encoding) and invalid or
 * overlong UTF-8.
 */

export type RequestPath =
	| {
			ok: true;
			/** The decoded path, e.g. `/policies/人事/`: what access and file lookup use. */
			path: string;
			/** The same path percent-encoded the standard way, for req.url and redirects. */
			encoded: string;
			/** The query string with its `?`, or empty. */
			search: string;
	  }
	| { ok: false; reason: string };

const refuse = (reason: string): RequestPath => ({ ok: false, reason });

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;

export function normaliseRequestPath(rawUrl: string | undefined): RequestPath {
	const raw = rawUrl ?? '/';
	// Only origin-form targets (`/path?query`); absolute-form (`http://host/…`) and `*` are not ours to serve.
	if (!raw.startsWith('/')) return refuse('the request target must be a path starting with /');
	const queryAt = raw.indexOf('?');
	const rawPath = queryAt < 0 ? raw : raw.slice(0, queryAt);
	const search = queryAt < 0 ? '' : raw.slice(queryAt);
	if (rawPath.includes('\\')) return refuse('backslashes are not allowed in the path');
	if (/%(2f|5c)/i.test(rawPath)) return refuse('encoded slashes and backslashes are not allowed in the path');
	let path: string;
	try {
		// Strict: malformed escapes and invalid or overlong UTF-8 (%c0%ae) throw.
		path = decodeURIComponent(rawPath);
	} catch {
		return refuse('the path is not valid percent-encoded UTF-8');
	}
	if (controlCharacters.test(path)) return refuse('control characters (NUL included) are not allowed in the path');
	if (path.includes('%')) return refuse('the path is encoded more than once');
	if (/[?#]/.test(path)) return refuse('encoded ? and # are not allowed in the path');
	const segments = path.split('/').slice(1);
	for (const [index, segment] of segments.entries()) {
		const last = index === segments.length - 1;
		if (segment === '' && !last) return refuse('empty path segments (//) are not allowed');
		if (segment === '.' || segment === '..') return refuse('dot segments (. and ..) are not allowed in the path');
		if (segment.endsWith('.')) return refuse('path segments may not end with a dot');
	}
	// encodeURI keeps the reserved characters a path may hold as they are; ? and # were refused above.
	return { ok: true, path, encoded: encodeURI(path), search };
}
