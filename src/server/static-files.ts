/** Serves the prerendered site from dist/client: directory index.html, content types, caching, HEAD. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

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
	path: string;
	size: number;
	contentType: string;
	isHtml: boolean;
}

/** The file for a URL path, or a redirect to add the trailing slash, or nothing. */
export function resolveStatic(clientDir: string, urlPath: string): StaticFile | { redirect: string } | undefined {
	let decoded: string;
	try {
		decoded = decodeURIComponent(urlPath);
	} catch {
		return undefined;
	}
	const root = resolve(clientDir);
	let file = resolve(join(root, decoded));
	if (file !== root && !file.startsWith(root + sep)) return undefined;
	if (existsSync(file) && statSync(file).isDirectory()) {
		if (!urlPath.endsWith('/')) return { redirect: `${urlPath}/` };
		file = join(file, 'index.html');
	}
	if (!existsSync(file) || !statSync(file).isFile()) return undefined;
	const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
	return { path: file, size: statSync(file).size, contentType: type, isHtml: type.startsWith('text/html') };
}

export function sendStatic(req: IncomingMessage, res: ServerResponse, file: StaticFile, status = 200): void {
	res.statusCode = status;
	res.setHeader('Content-Type', file.contentType);
	res.setHeader('Content-Length', file.size);
	// Bundled assets have content hashes in their names; pages change with every build.
	res.setHeader(
		'Cache-Control',
		file.path.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
	);
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	createReadStream(file.path).pipe(res);
}
