/**
 * HTML forms work behind HTTPS: Chromium talks to a real nginx that
 * terminates TLS (a self-signed certificate made here) and forwards plain
 * HTTP with X-Forwarded-Proto: https to the real server, which knows its
 * public URL (ZHIDU_PUBLIC_URL=https://…). Sign in, take a quiz, sign out.
 * And the odd requests around forms: Origin: null, TRACE and hostile `next`
 * values answer 4xx or stay on the site, never 500. On SQLite and PostgreSQL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { rawRequest } from '../support/raw-http.ts';
import { freePort, startServer, type RunningServer } from '../support/server-process.ts';

const distDir = inject('serverDistDir');
const quizId = 'pharma-operations-department';
const bank = parse(readFileSync(join(projectRoot, `quizzes/${quizId}.yaml`), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};

/** A missing tool is a failure that says what to install, never a skip. */
function requireTool(command: string, args: string[], apt: string) {
	const result = spawnSync(command, args, { encoding: 'utf8' });
	if (result.error) {
		throw new Error(
			`${command} is missing: this test runs a real ${command}. Install Debian's ${apt} (bash .ci/run does: apt-get install ${apt}).`,
		);
	}
}

interface Proxy {
	url: string;
	stop: () => Promise<void>;
}

/** nginx terminating TLS on a free port in front of `upstreamPort`; everything it writes stays in `dir`. */
async function startNginx(dir: string, port: number, upstreamPort: number): Promise<Proxy> {
	const cert = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-keyout',
			join(dir, 'key.pem'),
			'-out',
			join(dir, 'cert.pem'),
			'-days',
			'2',
			'-subj',
			'/CN=localhost',
			'-addext',
			'subjectAltName=DNS:localhost,IP:127.0.0.1',
		],
		{ encoding: 'utf8' },
	);
	if (cert.status !== 0) throw new Error(`openssl req failed:\n${cert.stderr}`);
	const conf = join(dir, 'nginx.conf');
	writeFileSync(
		conf,
		`worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
	map $http_upgrade $connection_upgrade { default upgrade; '' close; }
	access_log ${dir}/access.log;
	client_body_temp_path ${dir}/client_body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	server {
		listen 127.0.0.1:${port} ssl;
		server_name localhost;
		ssl_certificate ${dir}/cert.pem;
		ssl_certificate_key ${dir}/key.pem;
		location / {
			proxy_pass http://127.0.0.1:${upstreamPort};
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-Proto https;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_http_version 1.1;
			proxy_set_header Upgrade $http_upgrade;
			proxy_set_header Connection $connection_upgrade;
		}
	}
}
`,
	);
	const child: ChildProcess = spawn(
		'nginx',
		['-e', join(dir, 'error.log'), '-c', conf, '-p', dir, '-g', 'daemon off;'],
		{
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<void>((settle) => child.once('exit', () => settle()));
	const deadline = Date.now() + 20_000;
	while (!(await accepts(port))) {
		if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}`);
		if (Date.now() > deadline) throw new Error(`nginx did not start:\n${output}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url: `https://localhost:${port}`,
		stop: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
		},
	};
}

const accepts = (port: number) =>
	new Promise<boolean>((settle) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => (socket.destroy(), settle(true)));
		socket.once('error', () => settle(false));
	});

async function answerAllRight(page: Page) {
	for (const fieldset of await page.locator('fieldset.question').all()) {
		const inputs = fieldset.locator('input');
		const id = (await inputs.first().getAttribute('name'))!.slice(2);
		const question = bank.questions.find((q) => q.id === id)!;
		if (question.type === 'true-false') {
			await fieldset.locator(`input[value="${String(question.answer)}"]`).check();
		} else {
			for (const option of question.options!.filter((o) => o.correct))
				await fieldset.locator(`input[value="${option.id}"]`).check();
		}
	}
}

describe.each(testDatabases)('behind a TLS-terminating nginx, on $name', (database) => {
	let drop: () => Promise<void>;
	let server: RunningServer;
	let proxy: Proxy;
	let browser: Browser;
	let publicUrl: string;

	beforeAll(async () => {
		requireTool('nginx', ['-v'], 'nginx');
		requireTool('openssl', ['version'], 'openssl');
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		const env = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! };
		const proxyPort = await freePort();
		publicUrl = `https://localhost:${proxyPort}`;
		server = await startServer({ ...env, ZHIDU_PUBLIC_URL: publicUrl }, distDir);
		[proxy, browser] = await Promise.all([
			startNginx(mkdtempSync(join(tmpdir(), 'zhidu-nginx-')), proxyPort, server.port),
			launchChromium(),
		]);
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await proxy?.stop();
		await server?.stop();
		await drop?.();
	});

	it('forms refused behind HTTPS (Origin https://… against http://…): set up, sign in, take a quiz, sign out', async () => {
		const token = /\/setup\/\?token=(\S+)/.exec(server.output())?.[1];
		expect(token, server.output()).toBeDefined();
		// The printed link is the public one.
		expect(server.output()).toContain(`${publicUrl}/setup/?token=`);
		const context = await browser.newContext({ ignoreHTTPSErrors: true });
		const page = await context.newPage();
		const posts: number[] = [];
		page.on('response', (r) => {
			if (r.request().method() === 'POST') posts.push(r.status());
		});

		await page.goto(`${proxy.url}/setup/?token=${token}`);
		await page.locator('input[name="name"]').fill('林人資');
		await page.locator('input[name="email"]').fill('hr@example.com');
		await page.locator('input[name="employeeId"]').fill('HR001');
		await page.locator('input[name="department"]').fill('人力資源部');
		await page.locator('input[name="password"]').fill('first hr password');
		await page.locator('input[name="confirm"]').fill('first hr password');
		await page.locator('form.account-form button[type="submit"]').click();
		await page.waitForURL((url) => !url.pathname.startsWith('/setup/'));
		// Behind HTTPS the session cookie is Secure.
		const cookie = (await context.cookies()).find((c) => c.name === 'zhidu_session');
		expect(cookie?.secure).toBe(true);

		// Sign out, then sign in again through the form.
		await page.goto(`${proxy.url}/account/`);
		await page.getByRole('button', { name: '登出' }).click();
		await page.waitForLoadState();
		expect((await context.cookies()).find((c) => c.name === 'zhidu_session')).toBeUndefined();

		await page.goto(`${proxy.url}/login/?next=/quizzes/${quizId}/`);
		await page.locator('input[name="email"]').fill('hr@example.com');
		await page.locator('input[name="password"]').fill('first hr password');
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL(new RegExp(`/quizzes/${quizId}/$`));
		expect(new URL(page.url()).origin).toBe(publicUrl);

		await page.getByRole('link', { name: '開始測驗' }).click();
		await page.getByRole('button', { name: '開始測驗' }).click();
		await page.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
		await answerAllRight(page);
		await page.getByRole('button', { name: '送出答案' }).click();
		// The summary asks to confirm before the form posts (the attempt flow of the certification issue).
		await page.getByRole('dialog', { name: '送出前確認' }).getByRole('button', { name: '確認送出' }).click();
		await page.waitForLoadState();
		expect(await page.locator('#result-heading').innerText()).toBe('通過');

		await page.goto(`${proxy.url}/account/`);
		await page.getByRole('button', { name: '登出' }).click();
		await page.waitForLoadState();
		const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
		expect(me).toBe(401);
		expect(posts.filter((s) => s === 403)).toEqual([]);
		expect(posts.some((s) => s >= 500)).toBe(false);
		await context.close();
	}, 180_000);

	it('a search through the proxy reads its records over its socket (wss), from the public origin', async () => {
		const context = await browser.newContext({ ignoreHTTPSErrors: true });
		const page = await context.newPage();
		const sockets: string[] = [];
		let sent = 0;
		let received = 0;
		page.on('websocket', (ws) => {
			sockets.push(ws.url());
			ws.on('framesent', () => sent++);
			// Answers that carry records (an error answer would leave the fetch to do the work).
			ws.on('framereceived', ({ payload }) => String(payload).includes('"records"') && received++);
		});
		await page.goto(`${proxy.url}/login/?next=/search/`);
		await page.locator('input[name="email"]').fill('hr@example.com');
		await page.locator('input[name="password"]').fill('first hr password');
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL(/\/search\/$/);
		// The socket opens as the search loads (the first query may fetch its records while it opens); the queries
		// after it ask over it, and every message is answered.
		for (const query of ['保密', '市場調研', '績效考核']) {
			await page.locator('#search-q').fill(query);
			await expect.poll(() => page.locator('#search-results').getAttribute('data-query')).toBe(query);
			await expect.poll(() => page.locator('#search-results a.result-link').count()).toBeGreaterThan(0);
		}
		expect(sockets).toEqual([`${publicUrl.replace('https:', 'wss:')}/api/v1/search/records`]);
		expect(sent).toBeGreaterThan(0);
		await expect.poll(() => received).toBe(sent);
		await context.close();
	}, 120_000);

	it('a cross-site form through the proxy is still refused', async () => {
		const response = await fetch(`${server.url}/login/`, {
			method: 'POST',
			body: 'email=hr%40example.com&password=first+hr+password',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
			redirect: 'manual',
		});
		expect(response.status).toBe(403);
		// The server's own plain-HTTP origin is not the public origin either.
		const plain = await fetch(`${server.url}/login/`, {
			method: 'POST',
			body: 'email=hr%40example.com&password=first+hr+password',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
			redirect: 'manual',
		});
		expect(plain.status).toBe(403);
	});

	it('an Origin: null form post answers 4xx, not 500, signed out or in', async () => {
		const hr = new Client(server.url);
		expect((await hr.signIn('hr@example.com', 'first hr password')).status).toBe(200);
		for (const [path, client] of [
			['/login/', new Client(server.url)],
			['/account/', hr],
			['/quizzes/pharma-operations-department/attempt/', hr],
		] as const) {
			const response = await client.request(path, {
				method: 'POST',
				body: `_csrf=${hr.csrf}`,
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
			});
			expect(response.status, path).toBe(403);
		}
	});

	it('a TRACE request answers 4xx, not 500', async () => {
		for (const path of ['/', '/login/', '/api/health', '/api/v1/me']) {
			const response = await rawRequest(server.port, path, { method: 'TRACE' });
			expect(response.status, path).toBeGreaterThanOrEqual(400);
			expect(response.status, path).toBeLessThan(500);
		}
	});

	it.each([
		['raw UTF-8', '/政策/'],
		['tab to make //host', '/\t/evil.example'],
		['encoded tab', '/%09/evil.example'],
		['protocol-relative', '//evil.example'],
		['backslash', '/\\evil.example'],
		['absolute URL', 'https://evil.example/'],
		['newline to split the header', '/\r\nSet-Cookie: x=1'],
	])('a hostile next after sign-in (%s) never 500s or leaves the site', async (_name, next) => {
		const response = await fetch(`${server.url}/login/`, {
			method: 'POST',
			body: new URLSearchParams({ email: 'hr@example.com', password: 'first hr password', next }),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicUrl },
			redirect: 'manual',
		});
		expect(response.status).toBe(303);
		const location = response.headers.get('location')!;
		expect(new URL(location, publicUrl).origin).toBe(publicUrl);
		expect(location).toMatch(/^\/(?![/\\])/);
		expect(response.headers.get('set-cookie')).not.toContain('x=1');
	});

	it.each([
		['raw UTF-8', '/login/?next=/政策/'],
		['encoded tab', '/login/?next=/%09/evil.example'],
		['protocol-relative', '/login/?next=//evil.example'],
		['backslash', '/login/?next=/%5Cevil.example'],
	])('a hostile next on the sign-in page (%s) never 500s', async (_name, target) => {
		const response = await rawRequest(server.port, target);
		expect(response.status).toBeLessThan(500);
		const body = response.body.toString('utf8');
		const next = /name="next" value="([^"]*)"/.exec(body)?.[1];
		if (next !== undefined) expect(next).toMatch(/^\/(?![/\\])/);
	});
});
