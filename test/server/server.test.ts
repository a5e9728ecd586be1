/**
 * The real server over HTTP, on SQLite and on PostgreSQL: read access, first
 * setup, sessions, CSRF, rate limits shared by two instances, the proxy
 * header, API tokens, bad requests, and no lost acknowledged write.
 */
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { sha256 } from '#lib/auth/secrets.ts';
import { migrations } from '#lib/store/migrations.ts';
import { zhidu } from '../support/cli.ts';
import { testDatabases, sqliteFileInTemp, createPostgresDatabase } from '../support/databases.ts';
import { startFailure, startServer, type RunningServer } from '../support/server-process.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { openApiChecker } from '../support/openapi.ts';

const distDir = inject('serverDistDir');
const matchesOpenApi = openApiChecker(inject('siteDir'));

describe.each(testDatabases)('the server on $name', (database) => {
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let server: RunningServer;
	let hr: Client;

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		env = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! };
		server = await startServer(env, distDir);
		hr = await setUpHr(server);
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it('answers /api/health with the version and a working database', async () => {
		const response = await fetch(`${server.url}/api/health`);
		expect(response.status).toBe(200);
		await matchesOpenApi('GET', '/api/health', response);
		expect(await response.json()).toMatchObject({
			status: 'ok',
			version: expect.any(String),
			database: { ok: true, dialect: database.name },
		});
	});

	it('guards static pages and JSON: signed out, a page redirects to sign-in and the API answers 401', async () => {
		const page = await fetch(`${server.url}/policies/pharma-operations-department/`, {
			headers: { accept: 'text/html' },
			redirect: 'manual',
		});
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe('/login/?next=%2Fpolicies%2Fpharma-operations-department%2F');
		const json = await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent('數據')}`);
		expect(json.status).toBe(401);
		expect((await json.json()) as object).toHaveProperty('error');
	});

	it('puts security headers on every response, a static page included, with no unsafe-inline script', async () => {
		const response = await hr.request('/policies/pharma-operations-department/1.1/ch-1/');
		expect(response.status).toBe(200);
		const csp = response.headers.get('content-security-policy')!;
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[^']+')*/);
		expect(csp.match(/script-src[^;]*/)![0]).not.toContain('unsafe-inline');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		const login = await fetch(`${server.url}/login/`);
		expect(login.headers.get('content-security-policy')).toBe(csp);
	});

	it('the setup link works once', async () => {
		const again = await fetch(server.setupUrl!);
		expect(again.status).toBe(403);
	});

	it('signs in and out; a tampered or expired session is signed out', async () => {
		const staff = new Client(server.url);
		expect(
			(
				await hr.write('/api/v1/people', 'POST', {
					employeeId: 'S001',
					name: '陳員工',
					email: 'staff@example.com',
					department: '運營部',
					role: 'staff',
				})
			).status,
		).toBe(201);
		expect(
			(
				await zhidu(['users', 'set-password', 'staff@example.com'], {
					env: { ...env, ZHIDU_NEW_PASSWORD: 'staff password 1' },
				})
			).status,
		).toBe(0);
		expect((await staff.signIn('staff@example.com', 'wrong password')).status).toBe(401);
		const signedIn = await staff.signIn('staff@example.com', 'staff password 1');
		expect(signedIn.status).toBe(200);
		// The session cookie is out of reach of scripts and of cross-site requests.
		expect(signedIn.headers.get('set-cookie')).toMatch(
			/^zhidu_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Expires=/,
		);
		expect((await staff.request('/policies/pharma-operations-department/')).status).toBe(200);
		const tampered = new Client(server.url);
		tampered.cookie = `${staff.cookie!.slice(0, -2)}xx`;
		expect(
			(await tampered.request('/policies/pharma-operations-department/', { headers: { accept: 'text/html' } })).status,
		).toBe(303);
		const meResponse = await staff.request('/api/v1/me');
		await matchesOpenApi('GET', '/api/v1/me', meResponse);
		const me = (await meResponse.json()) as { person: { role: string } };
		expect(me.person.role).toBe('staff');
		expect((await staff.write('/api/v1/auth/logout', 'POST', {})).status).toBe(200);
		expect((await staff.request('/api/v1/me')).status).toBe(401);
	});

	it('ends a session when it expires', async () => {
		const client = new Client(server.url);
		await client.signIn('hr@example.com', 'first hr password');
		expect((await client.request('/api/v1/me')).status).toBe(200);
		const idHash = sha256(client.cookie!.split('=')[1]!);
		const past = '2000-01-01T00:00:00.000Z';
		if (env['DATABASE_URL']) {
			const db = new pg.Client({ connectionString: env['DATABASE_URL'] });
			await db.connect();
			await db.query('update sessions set expires_at = $1 where id_hash = $2', [past, idHash]);
			await db.end();
		} else {
			const db = new DatabaseSync(env['ZHIDU_DB_FILE']!);
			db.prepare('update sessions set expires_at = ? where id_hash = ?').run(past, idHash);
			db.close();
		}
		expect((await client.request('/api/v1/me')).status).toBe(401);
		expect(
			(await client.request('/policies/pharma-operations-department/', { headers: { accept: 'text/html' } })).status,
		).toBe(303);
	});

	it('refuses a cookie-authenticated write without the CSRF token, and a cross-site form', async () => {
		const noToken = await hr.request('/api/v1/people', {
			method: 'POST',
			json: { employeeId: 'X', name: 'x', email: 'x@example.com', department: 'x', role: 'staff' },
		});
		expect(noToken.status).toBe(403);
		expect(await noToken.json()).toMatchObject({ error: expect.stringContaining('CSRF') });
		const crossSite = await hr.request('/account/', {
			method: 'POST',
			body: '_csrf=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
		});
		expect(crossSite.status).toBe(403);
	});

	it('answers 403 to staff on HR routes', async () => {
		const staff = new Client(server.url);
		await staff.signIn('staff@example.com', 'staff password 1');
		expect((await staff.request('/api/v1/people')).status).toBe(403);
		expect(
			(await staff.write('/api/v1/tokens', 'POST', { name: 'x', scope: 'read', expiresAt: '2099-01-01T00:00:00Z' }))
				.status,
		).toBe(403);
	});

	it('rejects malformed JSON and oversized bodies with a reason, never a stack trace', async () => {
		const malformed = await hr.request('/api/v1/people', {
			method: 'POST',
			body: '{"name": ',
			headers: { 'content-type': 'application/json', 'x-csrf-token': hr.csrf! },
		});
		expect(malformed.status).toBe(400);
		await matchesOpenApi('POST', '/api/v1/people', malformed);
		expect(await malformed.json()).toEqual({ error: 'malformed JSON' });
		const invalid = await hr.write('/api/v1/people', 'POST', {
			employeeId: 'Y',
			name: 'y',
			email: 'not-an-email',
			department: 'y',
			role: 'boss',
		});
		expect(invalid.status).toBe(400);
		expect(await invalid.json()).toMatchObject({ fields: { role: expect.any(String) } });
		const big = await hr.request('/api/v1/people', {
			method: 'POST',
			body: 'x'.repeat(1100 * 1024),
			headers: { 'content-type': 'application/json', 'x-csrf-token': hr.csrf! },
		});
		expect(big.status).toBe(413);
	});

	it('API tokens: bearer reads, read-only cannot write, revoked stops working', async () => {
		const createdResponse = await hr.write('/api/v1/tokens', 'POST', {
			name: 'LMS',
			scope: 'read',
			expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
		});
		await matchesOpenApi('POST', '/api/v1/tokens', createdResponse);
		const created = (await createdResponse.json()) as { token: string; id: string };
		const auth = { authorization: `Bearer ${created.token}` };
		expect((await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent('數據')}`, { headers: auth })).status).toBe(
			200,
		);
		expect(
			(
				await fetch(`${server.url}/api/v1/people`, {
					method: 'POST',
					headers: { ...auth, 'content-type': 'application/json' },
					body: '{}',
				})
			).status,
		).toBe(403);
		expect((await hr.write(`/api/v1/tokens/${created.id}`, 'DELETE', {})).status).toBe(200);
		expect((await fetch(`${server.url}/api/v1/search?q=${encodeURIComponent('數據')}`, { headers: auth })).status).toBe(
			401,
		);
	});

	it('shares sessions and failed-sign-in limits between two instances', async () => {
		const second = await startServer(env, distDir);
		try {
			// The HR session made on the first instance works on the second.
			const viaSecond = new Client(second.url);
			viaSecond.cookie = hr.cookie;
			expect((await viaSecond.request('/api/v1/me')).status).toBe(200);
			const attacker = new Client(server.url);
			for (let i = 0; i < 5; i++) await attacker.signIn('staff@example.com', `guess ${i}`);
			const onSecond = await new Client(second.url).signIn('staff@example.com', 'staff password 1');
			expect(onSecond.status).toBe(429);
		} finally {
			await second.stop();
		}
	});

	it('loses no acknowledged write when the server is killed (SIGKILL) during a burst', async () => {
		const token = (
			(await (
				await hr.write('/api/v1/tokens', 'POST', {
					name: 'burst',
					scope: 'read-write',
					expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
				})
			).json()) as { token: string }
		).token;
		const victim = await startServer(env, distDir);
		const acknowledged: string[] = [];
		let next = 0;
		// Eight writers post people one after another until the server dies under them.
		const writer = async () => {
			for (;;) {
				const i = next++;
				const email = `burst${i}@example.com`;
				try {
					const response = await fetch(`${victim.url}/api/v1/people`, {
						method: 'POST',
						headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
						body: JSON.stringify({
							employeeId: `B${i}`,
							name: `burst ${i}`,
							email,
							department: '運營部',
							role: 'staff',
						}),
					});
					if (response.status === 201) acknowledged.push(email);
				} catch {
					return; // The connection died with the server: not acknowledged.
				}
			}
		};
		const running = Promise.all(Array.from({ length: 8 }, writer));
		const deadline = Date.now() + 20_000;
		while (acknowledged.length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
		await victim.stop('SIGKILL');
		await running;
		expect(acknowledged.length).toBeGreaterThan(0);
		const people = (await (await hr.request('/api/v1/people')).json()) as { people: { email: string }[] };
		const stored = new Set(people.people.map((p) => p.email));
		for (const email of acknowledged) expect(stored, email).toContain(email);
	});
});

describe('the server on SQLite: backup while writing', () => {
	it('zhidu db backup during a burst of writes passes PRAGMA integrity_check', async () => {
		const file = sqliteFileInTemp();
		const server = await startServer({ ZHIDU_DB_FILE: file }, distDir);
		try {
			const hr = await setUpHr(server);
			const burst = Promise.all(
				Array.from({ length: 60 }, (_, i) =>
					hr.write('/api/v1/people', 'POST', {
						employeeId: `K${i}`,
						name: `k${i}`,
						email: `k${i}@example.com`,
						department: 'x',
						role: 'staff',
					}),
				),
			);
			const backupFile = `${file}.backup`;
			const backup = await zhidu(['db', 'backup', backupFile], { env: { ZHIDU_DB_FILE: file } });
			await burst;
			expect(backup.status, backup.stderr).toBe(0);
			const copy = new DatabaseSync(backupFile, { readOnly: true });
			expect(copy.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
			copy.close();
		} finally {
			await server.stop();
		}
	});
});

describe('the server on PostgreSQL: two instances migrate at once', () => {
	it('both start on a fresh database (advisory lock) and answer', async () => {
		const { url, drop } = await createPostgresDatabase();
		const [a, b] = await Promise.all([
			startServer({ DATABASE_URL: url }, distDir),
			startServer({ DATABASE_URL: url }, distDir),
		]);
		try {
			for (const s of [a, b]) expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			const { rows } = await client.query('select name from kysely_migration order by name');
			await client.end();
			// Each migration ran exactly once, although two servers started together.
			expect(rows.map((r: { name: string }) => r.name)).toEqual(Object.keys(migrations('postgres')).sort());
		} finally {
			await Promise.all([a.stop(), b.stop()]);
			await drop();
		}
	});
});

describe('proxy identity', () => {
	it('refuses to start with no trusted proxy, or a wildcard', async () => {
		for (const list of ['', '0.0.0.0/0', '*']) {
			const { code, output } = await startFailure(
				{ ZHIDU_IDENTITY: 'proxy', ZHIDU_TRUSTED_PROXIES: list, ZHIDU_DB_FILE: sqliteFileInTemp() },
				distDir,
			);
			expect(code).toBe(1);
			expect(output).toMatch(/ZHIDU_TRUSTED_PROXIES: /);
		}
	});

	it('ignores the header from an untrusted address, believes it from a trusted proxy', async () => {
		const file = sqliteFileInTemp();
		const untrusted = await startServer(
			{
				ZHIDU_IDENTITY: 'proxy',
				ZHIDU_TRUSTED_PROXIES: '10.9.9.9',
				ZHIDU_PROXY_UNKNOWN_USERS: 'staff',
				ZHIDU_DB_FILE: file,
			},
			distDir,
		);
		try {
			const forged = await fetch(`${untrusted.url}/api/v1/me`, { headers: { 'x-forwarded-email': 'ceo@example.com' } });
			expect(forged.status).toBe(401);
		} finally {
			await untrusted.stop();
		}
		const trusted = await startServer(
			{
				ZHIDU_IDENTITY: 'proxy',
				ZHIDU_TRUSTED_PROXIES: '127.0.0.1,::1',
				ZHIDU_PROXY_UNKNOWN_USERS: 'staff',
				ZHIDU_DB_FILE: file,
			},
			distDir,
		);
		try {
			const me = await fetch(`${trusted.url}/api/v1/me`, {
				headers: { 'x-forwarded-email': 'new.person@example.com' },
			});
			expect(me.status).toBe(200);
			expect(await me.json()).toMatchObject({ person: { email: 'new.person@example.com', role: 'staff' } });
		} finally {
			await trusted.stop();
		}
	});

	it('rejects people not in the roster when so configured', async () => {
		const server = await startServer(
			{ ZHIDU_IDENTITY: 'proxy', ZHIDU_TRUSTED_PROXIES: '127.0.0.1', ZHIDU_DB_FILE: sqliteFileInTemp() },
			distDir,
		);
		try {
			const response = await fetch(`${server.url}/api/v1/me`, {
				headers: { 'x-forwarded-email': 'stranger@example.com' },
			});
			expect(response.status).toBe(403);
		} finally {
			await server.stop();
		}
	});
});

describe('configuration', () => {
	it('names each bad variable and refuses to start', async () => {
		const { code, output } = await startFailure(
			{ PORT: 'eighty', ZHIDU_READ: 'everyone', DATABASE_URL: 'mysql://x' },
			distDir,
		);
		expect(code).toBe(1);
		expect(output).toMatch(/PORT: PORT must be a whole number/);
		expect(output).toMatch(/ZHIDU_READ: expected signed-in or public/);
		expect(output).toMatch(/DATABASE_URL: expected postgres:\/\//);
	});

	it('ZHIDU_READ=public serves pages without signing in', async () => {
		const server = await startServer({ ZHIDU_READ: 'public', ZHIDU_DB_FILE: sqliteFileInTemp() }, distDir);
		try {
			expect((await fetch(`${server.url}/policies/pharma-operations-department/`)).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});
