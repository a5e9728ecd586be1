/**
 * Access is decided once (src/server/access.ts) for on-demand routes (the
 * Astro middleware) and static files (the outer layer); errors are an HTML
 * page in the UI language for a browser and JSON for an API client.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zhidu } from '../support/cli.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { Client, setUpHr } from '../support/http-client.ts';

const distDir = inject('serverDistDir');
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('access decisions and error pages', () => {
	let server: RunningServer;
	let hr: Client;
	let staff: Client;

	beforeAll(async () => {
		const env = { ZHIDU_DB_FILE: sqliteFileInTemp() };
		server = await startServer(env, distDir);
		hr = await setUpHr(server);
		const added = await hr.write('/api/v1/people', 'POST', {
			employeeId: 'S100',
			name: '王員工',
			email: 'staff100@example.com',
			department: '運營部',
			role: 'staff',
		});
		expect(added.status).toBe(201);
		const password = await zhidu(['users', 'set-password', 'staff100@example.com'], {
			env: { ...env, ZHIDU_NEW_PASSWORD: 'staff password 100' },
		});
		expect(password.status).toBe(0);
		staff = new Client(server.url);
		expect((await staff.signIn('staff100@example.com', 'staff password 100')).status).toBe(200);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
	});

	it('sends a signed-out browser from an on-demand page to sign in', async () => {
		for (const path of ['/account/', '/me/training/', '/hr/dashboard/']) {
			const response = await fetch(server.url + path, { headers: html, redirect: 'manual' });
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location'), path).toBe(`/login/?next=${encodeURIComponent(path)}`);
		}
	});

	it('answers a signed-out API client 401 in JSON, on a page and on the API', async () => {
		for (const path of ['/account/', '/api/v1/people']) {
			const response = await fetch(server.url + path, { headers: { accept: 'application/json' }, redirect: 'manual' });
			expect(response.status, path).toBe(401);
			expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
			expect(await response.json(), path).toHaveProperty('error');
		}
	});

	it('shows staff a 403 page in Chinese on HR pages, never raw JSON', async () => {
		for (const path of ['/hr/', '/hr/dashboard/', '/hr/quizzes/no-such-quiz/']) {
			const response = await staff.request(path, { headers: html });
			expect(response.status, path).toBe(403);
			expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
			expect(response.headers.get('cache-control'), path).toBe('private, no-store');
			const body = await response.text();
			expect(body, path).toContain('lang="zh-Hant-TW"');
			expect(body, path).toContain('無權限檢視此頁');
			expect(body, path).not.toContain('"error"');
		}
	});

	it('answers staff 403 in JSON on the API and to a client asking for JSON', async () => {
		for (const path of ['/api/v1/people', '/hr/dashboard/']) {
			const response = await staff.request(path, { headers: { accept: 'application/json' } });
			expect(response.status, path).toBe(403);
			expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
			expect(await response.json(), path).toHaveProperty('error');
		}
	});

	it('shows a 404 page for an unknown page, static or on demand', async () => {
		for (const path of ['/no-such-page/', '/policies/no-such-policy/', '/policies/no-such-policy/history/']) {
			const response = await hr.request(path, { headers: html });
			expect(response.status, path).toBe(404);
			expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
			const body = await response.text();
			expect(body, path).toContain('找不到此頁');
		}
	});

	it('answers 404 in JSON for an unknown API path', async () => {
		const response = await hr.request('/api/v1/no-such-thing', { headers: html });
		expect(response.status).toBe(404);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(await response.json()).toHaveProperty('error');
	});
});
