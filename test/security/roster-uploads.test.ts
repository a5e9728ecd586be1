/**
 * The roster file a preview stages on the server (src/lib/auth/roster-uploads.ts) is read back only by the
 * HR person who uploaded it, within the hour, once: another HR person's confirm with the token, a forged
 * token, an expired one or one already imported is refused and imports nothing (and shows nothing of the
 * file). The token is kept only as its SHA-256, and expired files are deleted. Against the real server with
 * a test clock, on SQLite and PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '#lib/store/database.ts';
import { zhidu } from '../support/cli.ts';
import { testClock } from '../support/clock.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { header, roster, startRosterServer, type RosterServer } from './roster-server.ts';

const start = new Date('2026-03-02T02:00:00Z');
const clock = testClock(start);
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

const file = (prefix: string) =>
	`${header}${prefix}1,王小明,${prefix.toLowerCase()}1@example.com,業務部,staff,2019-03-01\n${prefix}2,陳美玲,${prefix.toLowerCase()}2@example.com,運營部,staff,\n`;

describe.each(testDatabases)('staged roster uploads on $name', (database) => {
	let s: RosterServer;
	let other: Client;
	const has = async (prefix: string) => (await roster(s.hr)).some((p) => p.employeeId.startsWith(prefix));

	/** The preview, as the page's upload form posts it; answers the page and the token its forms carry. */
	const preview = async (client: Client, csv: string) => {
		const form = new FormData();
		form.set('_csrf', client.csrf!);
		form.set('encoding', 'auto');
		form.set('action', 'preview');
		form.set('csv', new File([csv], 'roster.csv', { type: 'text/csv' }));
		const response = await client.request('/hr/', { method: 'POST', body: form, headers: { origin: s.server.url } });
		const page = await response.text();
		expect(response.status, page).toBe(200);
		const tokens = [...page.matchAll(/name="upload" value="([^"]*)"/g)].map((m) => m[1]!);
		expect(tokens.length).toBeGreaterThan(0);
		expect(new Set(tokens).size).toBe(1);
		return { page, token: tokens[0]! };
	};
	/** The confirm (or a re-preview), as the preview's form posts it: the token and the encoding, no file. */
	const confirm = (client: Client, token: string, action: 'import' | 'preview' = 'import') =>
		client.request('/hr/', {
			method: 'POST',
			body: new URLSearchParams({ _csrf: client.csrf!, upload: token, encoding: 'utf-8', action }),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.server.url },
		});
	const staged = async () => {
		const store = await openStore(s.options);
		try {
			return await store.reads.selectFrom('roster_uploads').select(['token_hash', 'expires_at']).execute();
		} finally {
			await store.close();
		}
	};

	beforeAll(async () => {
		clock.set(start);
		s = await startRosterServer(database, clock.env);
		// A second HR person, signed in on their own.
		const added = await s.hr.write('/api/v1/people', 'POST', {
			employeeId: 'HR002',
			name: '陳人資',
			email: 'hr2@example.com',
			department: '人力資源部',
			role: 'hr',
		});
		expect(added.status, await added.clone().text()).toBe(201);
		const password = await zhidu(['users', 'set-password', 'hr2@example.com'], {
			env: { ...s.env, ZHIDU_NEW_PASSWORD: 'second hr password' },
		});
		expect(password.status, password.output).toBe(0);
		other = new Client(s.server.url);
		expect((await other.signIn('hr2@example.com', 'second hr password')).status).toBe(200);
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	it('keeps the file server-side, the token only as its SHA-256', async () => {
		const { page, token } = await preview(s.hr, file('SA'));
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(page).not.toContain('csvData');
		const rows = await staged();
		expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
		expect(JSON.stringify(rows)).not.toContain(token);
	});

	it("another HR person's confirm with the token is refused, imports nothing and shows nothing of the file", async () => {
		const { token } = await preview(s.hr, file('SB'));
		for (const action of ['import', 'preview'] as const) {
			const response = await confirm(other, token, action);
			expect(response.status).toBe(400);
			const page = await response.text();
			expect(page).toContain('預覽的檔案已失效');
			expect(page).not.toContain('sb1@example.com');
			expect(page).not.toContain('name="upload"');
		}
		expect(await has('SB')).toBe(false);
		// The uploader still can: the refusal did not spend the token.
		const mine = await confirm(s.hr, token);
		expect(mine.status, await mine.clone().text()).toBe(200);
		expect(await mine.text()).toContain('新增 2 人');
		expect(await has('SB')).toBe(true);
	});

	it('a token works once: confirming the same file again is refused', async () => {
		const { token } = await preview(s.hr, file('SC'));
		expect((await confirm(s.hr, token)).status).toBe(200);
		const again = await confirm(s.hr, token);
		expect(again.status).toBe(400);
		expect(await again.text()).toContain('預覽的檔案已失效');
	});

	it('a forged or malformed token is refused', async () => {
		await preview(s.hr, file('SD'));
		for (const token of [randomBytes(32).toString('base64url'), 'x', "' OR 1=1 --", '../../etc/passwd']) {
			const response = await confirm(s.hr, token);
			expect(response.status, token).toBe(400);
			expect(await response.text()).toContain('預覽的檔案已失效');
		}
		expect(await has('SD')).toBe(false);
	});

	it('a token expires after an hour, and the expired file is deleted', async () => {
		clock.set(minutes(0));
		const { token } = await preview(s.hr, file('SE'));
		clock.set(minutes(59));
		expect((await confirm(s.hr, token, 'preview')).status).toBe(200);
		clock.set(minutes(61));
		const late = await confirm(s.hr, token);
		expect(late.status).toBe(400);
		expect(await late.text()).toContain('預覽的檔案已失效');
		expect(await has('SE')).toBe(false);
		// The next preview clears what has expired: only that one is left.
		const { token: fresh } = await preview(s.hr, file('SF'));
		const hash = (t: string) => createHash('sha256').update(t).digest('hex');
		const left = (await staged()).map((r) => r.token_hash);
		expect(left).not.toContain(hash(token));
		expect(left).toEqual([hash(fresh)]);
	});
});
