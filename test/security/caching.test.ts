/**
 * Private pages are not cached: what the server renders for a person and
 * API answers with personal data are `private, no-store`; guarded static
 * files are `private, no-cache` with an ETag (and Last-Modified), revalidated
 * with 304; only the hashed /_astro/ bundles are public and immutable. On
 * SQLite and PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const distDir = inject('serverDistDir');

/** A GET as it goes on the wire: node:http neither decodes the body nor adds headers of its own. */
function rawGet(
	url: string,
	headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	return new Promise((done, fail) => {
		get(url, { headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
		}).on('error', fail);
	});
}
const guardedFiles = [
	'/policies/pharma-operations-department/1.1/ch-1/',
	'/api/v1/policies/pharma-operations-department/versions/1.1.json',
	'/pagefind/pagefind-entry.json',
];

describe.each(testDatabases)('caching on $name', (database) => {
	let drop: () => Promise<void>;
	let server: RunningServer;
	let hr: Client;

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		const env = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! };
		server = await startServer(env, distDir);
		hr = await setUpHr(server);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it.each([
		'/account/',
		'/me/training/',
		'/hr/dashboard/',
		'/api/v1/me',
		'/api/v1/me/training',
		'/api/v1/people',
		'/api/v1/acknowledgements',
		'/api/v1/certifications',
		'/api/v1/certifications.csv',
		'/api/v1/roster.csv',
	])('a shared cache could keep %s for the next person: it is private, no-store', async (path) => {
		const response = await hr.request(path);
		expect(response.status, path).toBe(200);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
	});

	it('a shared cache could keep the sign-in redirect or the 401: they are private, no-store', async () => {
		const page = await fetch(`${server.url}${guardedFiles[0]}`, {
			headers: { accept: 'text/html' },
			redirect: 'manual',
		});
		expect(page.status).toBe(303);
		expect(page.headers.get('cache-control')).toBe('private, no-store');
		const api = await fetch(`${server.url}${guardedFiles[1]}`);
		expect(api.status).toBe(401);
		expect(api.headers.get('cache-control')).toBe('private, no-store');
	});

	it.each(guardedFiles)(
		'a shared cache could keep the guarded file %s: private, no-cache, with an ETag and 304 on revalidation',
		async (path) => {
			const first = await hr.request(path);
			expect(first.status).toBe(200);
			expect(first.headers.get('cache-control')).toBe('private, no-cache');
			const etag = first.headers.get('etag');
			const modified = first.headers.get('last-modified');
			expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
			expect(modified).toBeTruthy();
			expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(0);

			// As a browser revalidates (fetch would add `Cache-Control: no-cache` to a conditional request otherwise).
			const revalidate = { 'cache-control': 'max-age=0' };
			const byEtag = await hr.request(path, { headers: { ...revalidate, 'if-none-match': etag! } });
			expect(byEtag.status).toBe(304);
			expect(byEtag.headers.get('etag')).toBe(etag);
			expect(byEtag.headers.get('cache-control')).toBe('private, no-cache');
			expect((await byEtag.arrayBuffer()).byteLength).toBe(0);

			const byDate = await hr.request(path, { headers: { ...revalidate, 'if-modified-since': modified! } });
			expect(byDate.status).toBe(304);

			const stale = await hr.request(path, { headers: { ...revalidate, 'if-none-match': 'W/"0-0"' } });
			expect(stale.status).toBe(200);

			const head = await hr.request(path, { method: 'HEAD' });
			expect(head.status).toBe(200);
			expect(head.headers.get('etag')).toBe(etag);
		},
	);

	it('revalidating a guarded file signed out learns nothing: 401, not 304', async () => {
		const first = await hr.request(guardedFiles[1]!);
		const etag = first.headers.get('etag')!;
		const signedOut = await fetch(`${server.url}${guardedFiles[1]}`, {
			headers: { 'cache-control': 'max-age=0', 'if-none-match': etag },
		});
		expect(signedOut.status).toBe(401);
		expect(signedOut.headers.get('etag')).toBeNull();
	});

	it('hashed /_astro/ bundles stay public and immutable', async () => {
		const asset = readdirSync(join(distDir, 'client/_astro')).find((f) => f.endsWith('.css'))!;
		const response = await fetch(`${server.url}/_astro/${asset}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
	});

	it('a guarded page is sent precompressed as the client accepts (Brotli, gzip or none), the same bytes, each coding with its own ETag and 304', async () => {
		const path = guardedFiles[0]!;
		const file = readFileSync(join(distDir, 'client', path, 'index.html'));
		const etags = new Set<string>();
		for (const [accept, coding, decode] of [
			['gzip, deflate, br', 'br', brotliDecompressSync],
			['gzip', 'gzip', gunzipSync],
			['br;q=0, gzip;q=0.5', 'gzip', gunzipSync],
			['identity', undefined, (b: Buffer) => b],
		] as const) {
			const response = await rawGet(`${server.url}${path}`, { cookie: hr.cookie!, 'accept-encoding': accept });
			expect(response.status, accept).toBe(200);
			expect(response.headers['content-encoding'], accept).toBe(coding);
			expect(response.headers['vary'], accept).toMatch(/accept-encoding/i);
			expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
			expect(response.headers['cache-control']).toBe('private, no-cache');
			expect(decode(response.body).equals(file), accept).toBe(true);
			if (coding) expect(response.body.length).toBeLessThan(file.length / 2);
			const etag = String(response.headers['etag']);
			etags.add(etag);
			const again = await rawGet(`${server.url}${path}`, {
				cookie: hr.cookie!,
				'accept-encoding': accept,
				'if-none-match': etag,
			});
			expect(again.status, accept).toBe(304);
		}
		// br, gzip and identity: three representations, three validators.
		expect(etags.size).toBe(3);
		const signedOut = await rawGet(`${server.url}${path}`, { 'accept-encoding': 'br' });
		expect(signedOut.status).toBe(401);
		expect(signedOut.headers['content-encoding']).toBeUndefined();
	});

	it('hashed bundles come precompressed too, still public and immutable', async () => {
		const asset = readdirSync(join(distDir, 'client/_astro')).find((f) => f.endsWith('.css'))!;
		const response = await rawGet(`${server.url}/_astro/${asset}`, { 'accept-encoding': 'br' });
		expect(response.status).toBe(200);
		expect(response.headers['content-encoding']).toBe('br');
		expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
		expect(brotliDecompressSync(response.body).equals(readFileSync(join(distDir, 'client/_astro', asset)))).toBe(true);
	});
});
