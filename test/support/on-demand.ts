/**
 * Reading what the server renders on demand (pages that depend on today), as
 * a browser would: the page, and for a prerendered page its version status
 * fragment.
 */
import { expect } from 'vitest';

/** GET a path from a served site; the body as text (redirects not followed). */
export async function fetchText(base: string, path: string): Promise<string> {
	const response = await fetch(base + path, { headers: { accept: 'text/html' }, redirect: 'manual' });
	expect(response.status, path).toBe(200);
	return response.text();
}

/** Where a clause alias forwards to. */
export async function redirectOf(base: string, path: string): Promise<string | null> {
	const response = await fetch(base + path, { redirect: 'manual' });
	expect(response.status, path).toBe(302);
	return response.headers.get('location');
}

/** A prerendered page with its version banner filled in, as the page's script does. */
export async function pageWithStatus(base: string, path: string): Promise<string> {
	const html = await fetchText(base, path);
	const fragment = /data-version-status="([^"]+)"/.exec(html)?.[1];
	if (!fragment) return html;
	const status = await fetchText(base, fragment.replace(/&amp;/g, '&'));
	return html.replace(/<div class="version-status" data-version-status="[^"]+"><\/div>/, status);
}
