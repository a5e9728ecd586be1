/**
 * Invitations and password reset (issue 16, item 5) against the real server, a real SMTP server and a
 * test clock: "forgot password" answers the same for any email (no account enumeration); links are
 * stored only as SHA-256, work once and expire after 7 days; reset requests are limited per email
 * (no mail-bombing); using a link ends the person's other sessions; with email off HR gets the
 * invitation link to copy.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '#lib/store/database.ts';
import { testClock } from '../support/clock.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startSmtp, waitFor, type ReceivedMail } from '../support/receivers.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';

const distDir = dirname(inject('fixtureProductionSiteDir'));
const clock = testClock('2026-03-02T02:00:00Z');
const dbFile = sqliteFileInTemp();

/** The link in a delivered message (quoted-printable decoded). */
function linkIn(mail: ReceivedMail, path: string): string {
	const text = mail.raw
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
	const match = new RegExp(`https?://[^\\s"<]+${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+`).exec(text);
	if (!match) throw new Error(`no ${path} link in\n${mail.raw}`);
	return match[0];
}

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let hr: Client;
let staffId: string;

const form = (client: Client, path: string, fields: Record<string, string>) =>
	client.request(path, {
		method: 'POST',
		body: new URLSearchParams(fields),
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
	});
const mailTo = (to: string, event: string) =>
	smtp.messages.filter((m) => m.to.includes(to) && m.header('x-zhidu-event') === event);

beforeAll(async () => {
	smtp = await startSmtp();
	server = await startServer(
		{
			...fixtureServerEnv,
			ZHIDU_DB_FILE: dbFile,
			ZHIDU_SMTP_URL: smtp.url,
			ZHIDU_MAIL_FROM: '制度 <policies@example.com>',
			ZHIDU_OUTBOX_POLL_MS: '100',
			...clock.env,
		},
		distDir,
	);
	hr = await setUpHr(server);
	const added = await hr.write('/api/v1/people', 'POST', {
		employeeId: 'S1',
		name: '王小明',
		email: 'staff@example.com',
		department: '業務部',
		role: 'staff',
	});
	staffId = ((await added.json()) as { person: { id: string } }).person.id;
});
afterAll(async () => {
	await server?.stop();
	await smtp?.close();
});

describe('password reset', () => {
	it('answers the same for a known and an unknown email, and mails only the known one', async () => {
		const anyone = new Client(server.url);
		const known = await form(anyone, '/forgot/', { email: 'hr@example.com' });
		const unknown = await form(anyone, '/forgot/', { email: 'nobody@example.com' });
		expect(known.status).toBe(unknown.status);
		const strip = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
		expect(strip(await known.text())).toBe(strip(await unknown.text()));
		await waitFor('the reset email', () => mailTo('hr@example.com', 'account.password-reset').length === 1);
		expect(mailTo('nobody@example.com', 'account.password-reset')).toHaveLength(0);
	});

	it('stores the link hashed; it works once and ends the other sessions', async () => {
		const link = linkIn(mailTo('hr@example.com', 'account.password-reset')[0]!, '/reset/');
		const token = new URL(link).searchParams.get('token')!;
		const store = await openStore({ sqliteFile: dbFile });
		try {
			const rows = await store.reads.selectFrom('account_links').select('token_hash').execute();
			expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
			expect(JSON.stringify(rows)).not.toContain(token);
		} finally {
			await store.close();
		}
		expect((await hr.request('/api/v1/me')).status).toBe(200);
		const path = `/reset/?token=${token}`;
		const anyone = new Client(server.url);
		expect((await anyone.request(path, { headers: { accept: 'text/html' } })).status).toBe(200);
		const used = await form(anyone, path, { password: 'a new hr password', confirm: 'a new hr password' });
		expect(used.status).toBe(303);
		expect(used.headers.get('location')).toBe('/login/?password=set');
		// The session signed in before the reset is over.
		expect((await hr.request('/api/v1/me')).status).toBe(401);
		// Once only.
		expect((await form(anyone, path, { password: 'another password!', confirm: 'another password!' })).status).toBe(
			410,
		);
		expect((await anyone.request(path, { headers: { accept: 'text/html' } })).status).toBe(410);
		hr = new Client(server.url);
		expect((await hr.signIn('hr@example.com', 'a new hr password')).status).toBe(200);
	});

	it('limits requests per email: no mail-bombing', async () => {
		const anyone = new Client(server.url);
		for (let i = 0; i < 6; i++)
			expect((await form(anyone, '/forgot/', { email: 'staff@example.com' })).status).toBe(200);
		await waitFor('the outbox to drain', async () => {
			const r = (await (await hr.request('/api/v1/outbox?status=pending')).json()) as { counts: { pending: number } };
			return r.counts.pending === 0;
		});
		expect(mailTo('staff@example.com', 'account.password-reset')).toHaveLength(3);
	});
});

describe('invitations', () => {
	it('HR invites from the roster page; the link expires after 7 days', async () => {
		const page = await hr.request('/hr/', { headers: { accept: 'text/html' } });
		const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
		const sent = await form(hr, '/hr/', { _csrf: csrf, action: 'invite', id: staffId });
		expect(sent.status).toBe(200);
		expect(await sent.text()).toContain('已寄出邀請給 staff@example.com');
		await waitFor('the invitation', () => mailTo('staff@example.com', 'account.invitation').length === 1);
		const link = linkIn(mailTo('staff@example.com', 'account.invitation')[0]!, '/welcome/');
		const path = `/welcome/?${new URL(link).searchParams}`;
		const anyone = new Client(server.url);
		expect((await anyone.request(path, { headers: { accept: 'text/html' } })).status).toBe(200);
		clock.set('2026-03-09T02:00:01Z');
		expect((await anyone.request(path, { headers: { accept: 'text/html' } })).status).toBe(410);
		expect((await form(anyone, path, { password: 'staff password', confirm: 'staff password' })).status).toBe(410);
	});

	it('with email off, HR gets the link to copy, and it works', async () => {
		const quiet = await startServer({ ...fixtureServerEnv, ZHIDU_DB_FILE: dbFile, ...clock.env }, distDir);
		try {
			expect(quiet.output()).toMatch(/email off/);
			const client = new Client(quiet.url);
			expect((await client.signIn('hr@example.com', 'a new hr password')).status).toBe(200);
			const page = await client.request('/hr/', { headers: { accept: 'text/html' } });
			const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
			const sent = await client.request('/hr/', {
				method: 'POST',
				body: new URLSearchParams({ _csrf: csrf, action: 'invite', id: staffId }),
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: quiet.url, accept: 'text/html' },
			});
			const html = await sent.text();
			const token = /\/welcome\/\?token=([A-Za-z0-9_-]+)/.exec(html)?.[1];
			expect(token, html).toBeTruthy();
			const anyone = new Client(quiet.url);
			const used = await anyone.request(`/welcome/?token=${token}`, {
				method: 'POST',
				body: new URLSearchParams({ password: 'staff password', confirm: 'staff password' }),
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: quiet.url },
			});
			expect(used.status).toBe(303);
			expect((await anyone.signIn('staff@example.com', 'staff password')).status).toBe(200);
		} finally {
			await quiet.stop();
		}
	});
});
