/**
 * Private pages are not cached: what the server renders for a person and
 * API answers with personal data are `private, no-store`; guarded static
 * files are `private, no-cache` with an ETag (and Last-Modified), revalidated
 * with 304; only the hashed /_astro/ bundles are public and immutable. On
 * SQLite and PostgreSQL.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const distDir = inject('serverDistDir');
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
});
