/**
 * Security headers for every response. The Content-Security-Policy allows
 * scripts from this origin plus the exact inline scripts Astro emitted
 * (hashed at start from the built pages), never 'unsafe-inline'; Pagefind
 * needs 'wasm-unsafe-eval'.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';

/** sha256 hashes of every inline <script> in the built HTML. */
export function inlineScriptHashes(clientDir: string): string[] {
	const hashes = new Set<string>();
	const visit = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) visit(path);
			else if (entry.name.endsWith('.html')) {
				for (const match of readFileSync(path, 'utf8').matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
					if (match[1]!.trim()) hashes.add(`'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
				}
			}
		}
	};
	visit(clientDir);
	return [...hashes].sort();
}

export function contentSecurityPolicy(scriptHashes: readonly string[]): string {
	return [
		"default-src 'self'",
		`script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`.trim(),
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self'",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	].join('; ');
}

export function setSecurityHeaders(res: ServerResponse, csp: string, https: boolean): void {
	res.setHeader('Content-Security-Policy', csp);
	res.setHeader('X-Content-Type-Options', 'nosniff');
	res.setHeader('X-Frame-Options', 'DENY');
	res.setHeader('Referrer-Policy', 'same-origin');
	res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
	res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
