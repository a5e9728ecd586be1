/**
 * Read access cannot be bypassed by how the path is written: the path is
 * decoded and checked once (src/server/request-path.ts), access is decided on
 * it and the file is served from it. Against the real server, signed out, no
 * spelling of a guarded file's path returns a byte of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { normaliseRequestPath } from '#server/request-path.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const distDir = inject('serverDistDir');
const clientDir = join(distDir, 'client');

/** Guarded files: a chapter page, a version JSON file, the Pagefind index. */
const targets = {
	chapter: {
		url: 'policies/pharma-operations-department/1.1/ch-1/',
		file: 'policies/pharma-operations-department/1.1/ch-1/index.html',
	},
	chapterFile: {
		url: 'policies/pharma-operations-department/1.1/ch-1/index.html',
		file: 'policies/pharma-operations-department/1.1/ch-1/index.html',
	},
	versionJson: {
		url: 'api/v1/policies/pharma-operations-department/versions/1.1.json',
		file: 'api/v1/policies/pharma-operations-department/versions/1.1.json',
	},
	pagefind: { url: 'pagefind/pagefind-entry.json', file: 'pagefind/pagefind-entry.json' },
};

/** Pieces of each file that appear nowhere else: from the middle, away from shared page chrome. */
function fingerprints(file: string): string[] {
	const text = readFileSync(join(clientDir, file), 'utf8');
	const pieces = [0.5, 0.6, 0.7].map((f) => text.slice(Math.floor(text.length * f), Math.floor(text.length * f) + 40));
	if (text.length < 400) pieces.push(text.slice(0, 40));
	return pieces;
}

const enc = (path: string, slash = '%2F') => path.replaceAll('/', slash);
const double = (path: string) => path.replaceAll('/', '%252F').replaceAll('.', '%252e');

/** Attack name → the request target for a guarded path X (without its leading slash). */
const variants: Record<string, (x: string) => string> = {
	'encoded slash after the open /_astro/ prefix (the reported bypass)': (x) => `/_astro/..%2F${enc(x)}`,
	'lower-case encoded slash': (x) => `/_astro/..%2f${enc(x, '%2f')}`,
	'encoded dots %2e%2e': (x) => `/_astro/%2e%2e/${x}`,
	'upper-case encoded dots %2E%2E': (x) => `/_astro/%2E%2E/${x}`,
	'mixed encoded dots .%2e': (x) => `/_astro/.%2e/${x}`,
	'mixed encoded dots %2e.': (x) => `/_astro/%2e./${x}`,
	'fully encoded ..%2F chain': (x) => `/_astro/%2e%2e%2f${enc(x, '%2f')}`,
	'encoded backslash %5C': (x) => `/_astro/..%5C${enc(x, '%5C')}`,
	'lower-case encoded backslash %5c': (x) => `/_astro/..%5c${x}`,
	'raw backslash': (x) => `/_astro/..\\${enc(x, '\\')}`,
	'raw dot segment after the open prefix': (x) => `/_astro/../${x}`,
	'raw dot segments twice': (x) => `/_astro/x/../../${x}`,
	'dot segment after the open favicon. prefix': (x) => `/favicon./../${x}`,
	'double encoding %252e%252e': (x) => `/_astro/%252e%252e/${x}`,
	'double-encoded slash %252F': (x) => `/_astro/..${double(`/${x}`)}`,
	'overlong UTF-8 dots %c0%ae': (x) => `/_astro/%c0%ae%c0%ae/${x}`,
	'overlong UTF-8 slash %c0%af': (x) => `/_astro/..%c0%af${enc(x, '%c0%af')}`,
	'three-byte overlong dots %e0%80%ae': (x) => `/_astro/%e0%80%ae%e0%80%ae/${x}`,
	'IIS-style %u002e': (x) => `/_astro/%u002e%u002e/${x}`,
	'double slash': (x) => `//${x}`,
	'double slash inside the open prefix': (x) => `/_astro//../${x}`,
	'trailing dot segment name': (x) => `/${x.replace(/\/$/, '')}./`,
	'dots and a trailing dot': (x) => `/_astro/.../${x}`,
	'NUL encoded': (x) => `/_astro/..%00/${x}`,
	'NUL before a dot segment': (x) => `/_astro/%00/../${x}`,
	'mixed-case open prefix with encoded slash': (x) => `/_ASTRO/..%2F${enc(x)}`,
	'mixed-case prefix with encoded dots': (x) => `/_Astro/%2E%2e/${x}`,
	'semicolon path parameter': (x) => `/_astro/..;/${x}`,
	'encoded slash chain back into the open prefix': (x) => `/_astro/..%2F_astro%2F..%2F${enc(x)}`,
	'absolute-form request target': (x) => `http://127.0.0.1/_astro/..%2F${enc(x)}`,
	'fullwidth dots': (x) => `/_astro/%ef%bc%8e%ef%bc%8e/${x}`,
	'tab in the path': (x) => `/_astro/..%09/${x}`,
	'query string after an encoded bypass': (x) => `/_astro/..%2F${enc(x)}?x=/_astro/`,
};

describe('the request path is decoded and checked once (unit)', () => {
	it.each([
		['/', '/'],
		['/policies/pharma-operations-department/1.1/ch-1/', '/policies/pharma-operations-department/1.1/ch-1/'],
		['/search/?q=%E5%88%B6%E5%BA%A6', '/search/'],
		['/policies/%E5%88%B6%E5%BA%A6/', '/policies/制度/'],
		['/api/v1/policies/x/versions/1.1.json', '/api/v1/policies/x/versions/1.1.json'],
		['/_astro/Base.Cim8K-G0.css', '/_astro/Base.Cim8K-G0.css'],
	])('accepts %s', (raw, path) => {
		const result = normaliseRequestPath(raw);
		expect(result).toMatchObject({ ok: true, path });
	});

	// These two are ordinary (if odd) names to the file system: accepted, and then simply not found.
	const harmless = new Set(['semicolon path parameter', 'fullwidth dots']);
	it.each(Object.entries(variants).filter(([name]) => !harmless.has(name)))('refuses %s', (_name, variant) => {
		expect(normaliseRequestPath(variant('api/v1/policies/p/versions/1.1.json'))).toMatchObject({ ok: false });
	});

	it('gives the encoded form of the path for Astro and redirects', () => {
		expect(normaliseRequestPath('/policies/制度/?a=1')).toEqual({
			ok: true,
			path: '/policies/制度/',
			encoded: '/policies/%E5%88%B6%E5%BA%A6/',
			search: '?a=1',
		});
	});
});

describe('signed out, no spelling of a guarded path returns the file', () => {
	let server: RunningServer;
	let hr: Client;
	const prints = Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, fingerprints(t.file)]));
	const allPrints = Object.values(prints).flat();

	beforeAll(async () => {
		server = await startServer({ ZHIDU_DB_FILE: sqliteFileInTemp() }, distDir);
		hr = await setUpHr(server);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	it('the guarded files exist and a signed-in person reads them by their plain paths', async () => {
		for (const target of Object.values(targets)) {
			const response = await hr.request(`/${target.url}`);
			expect(response.status, target.url).toBe(200);
			const body = await response.text();
			for (const print of prints[Object.keys(targets).find((k) => targets[k as keyof typeof targets] === target)!]!)
				expect(body).toContain(print);
		}
	});

	const table = Object.entries(variants).flatMap(([name, variant]) =>
		Object.entries(targets).map(([targetName, target]) => [`${name} → ${targetName}`, variant(target.url)] as const),
	);

	it(`refuses ${table.length} encoded spellings of guarded paths (400, 401 or 404, never the file)`, async () => {
		expect(Object.keys(variants).length).toBeGreaterThanOrEqual(25);
		const leaks: string[] = [];
		for (const [name, target] of table) {
			const response = await rawRequest(server.port, target);
			const body = response.body.toString('utf8');
			if (![400, 401, 404].includes(response.status) || allPrints.some((p) => body.includes(p))) {
				leaks.push(`${name}: ${JSON.stringify(target)} → ${response.status} ${body.slice(0, 80)}`);
			}
		}
		expect(leaks).toEqual([]);
	}, 120_000);

	it('no generated path reaches a guarded file (property-based)', async () => {
		const pieces = [
			'..',
			'.',
			'%2e',
			'%2E',
			'%2f',
			'%2F',
			'%5c',
			'%5C',
			'\\',
			'/',
			'//',
			'%00',
			'%252e',
			'%252f',
			'%c0%ae',
			'%c0%af',
			';',
			'%25',
			'_astro',
			'_ASTRO',
			'favicon.',
			'login',
			'api',
			'health',
			'pagefind',
			'pagefind-entry.json',
			'v1',
			'policies',
			'pharma-operations-department',
			'versions',
			'1.1.json',
			'1.1',
			'ch-1',
			'index.html',
		];
		await fc.assert(
			fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 14 }), async (parts) => {
				const target = `/${parts.join('/')}`;
				const response = await rawRequest(server.port, target);
				const body = response.body.toString('utf8');
				const leaked = allPrints.find((p) => body.includes(p));
				expect(leaked, `${target} → ${response.status}`).toBeUndefined();
				expect(response.status, target).not.toBe(500);
			}),
			{ numRuns: 300 },
		);
		// Aimed generation: a guarded path behind an open prefix, joined by generated tricks.
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('/_astro/', '/favicon.', '/login/', '/api/health/'),
				fc.array(fc.constantFrom('..', '%2e%2e', '.%2e', '%252e%252e', '%c0%ae%c0%ae', '', '.'), {
					minLength: 1,
					maxLength: 4,
				}),
				fc.constantFrom('/', '%2f', '%2F', '%5c', '\\', '%252f', '%c0%af'),
				fc.constantFrom(...Object.values(targets).map((t) => t.url)),
				async (prefix, ups, slash, guarded) => {
					const target = `${prefix}${ups.map((u) => u + slash).join('')}${guarded.replaceAll('/', slash)}`;
					const response = await rawRequest(server.port, target);
					const body = response.body.toString('utf8');
					expect(
						allPrints.find((p) => body.includes(p)),
						`${target} → ${response.status}`,
					).toBeUndefined();
					expect([400, 401, 404], target).toContain(response.status);
				},
			),
			{ numRuns: 300 },
		);
	}, 300_000);
});
