/**
 * Certificate verification against the real server on SQLite and PostgreSQL,
 * with the default ZHIDU_READ=signed-in: `/verify/<code>/` answers anyone
 * holding the code (no sign-in) with the name, what was certified and whether
 * it stands today, and nothing else about the person; codes are unguessable
 * and the open path cannot be stretched to reach anything else.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { openStore } from '#lib/store/database.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { testClock } from '../support/clock.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';

const bank = parse(readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};
const right = (id: string) => {
	const q = bank.questions.find((b) => b.id === id)!;
	return q.type === 'true-false' ? q.answer! : q.options!.filter((o) => o.correct).map((o) => o.id);
};

describe.each(testDatabases)('certificate verification on $name', (database) => {
	let server: RunningServer;
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let code: string;
	let attemptId: string;
	let certificateHtml: string;
	const startedAt = new Date();
	const clock = testClock(startedAt);
	const distDir = dirname(inject('fixtureProductionSiteDir'));
	const anonymous = () => new Client(server.url);
	const verify = (path: string) => anonymous().request(path, { headers: { accept: 'text/html' } });

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		env = {
			...fixtureServerEnv,
			ZHIDU_COMPANY_NAME: '範例生技股份有限公司',
			...clock.env,
			...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
		};
		server = await startServer(env, distDir);
		const hr = await setUpHr(server);
		const added = await hr.write('/api/v1/people', 'POST', {
			employeeId: 'V777',
			name: '陳驗證',
			email: 'holder@example.com',
			department: '運營部',
			role: 'staff',
		});
		expect(added.status).toBe(201);
		const set = await zhidu(['users', 'set-password', 'holder@example.com'], {
			env: { ...env, ZHIDU_NEW_PASSWORD: 'holder password' },
		});
		expect(set.status, set.stderr).toBe(0);
		const holder = new Client(server.url);
		expect((await holder.signIn('holder@example.com', 'holder password')).status).toBe(200);
		const { attempt } = (await (await holder.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' })).json()) as {
			attempt: { id: string; questions: { id: string }[] };
		};
		attemptId = attempt.id;
		const answers = Object.fromEntries(attempt.questions.map((q) => [q.id, right(q.id)]));
		const graded = await holder.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers });
		expect(await graded.json()).toMatchObject({ attempt: { passed: true } });
		const store = await openStore(
			env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : { sqliteFile: env['ZHIDU_DB_FILE']! },
		);
		try {
			const row = await store.db
				.selectFrom('certificate_codes')
				.selectAll()
				.where('attempt_id', '=', attempt.id)
				.executeTakeFirstOrThrow();
			code = row.code;
		} finally {
			await store.close();
		}
		certificateHtml = await (await holder.request(`/certificates/${attempt.id}/`)).text();
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it('the certificate names the company, person, quiz, version, dates and its verification code', () => {
		const text = certificateHtml.replace(/<[^>]+>/g, ' ');
		expect(text).toContain('範例生技股份有限公司');
		expect(text).toContain('陳驗證');
		expect(text).toContain('請假管理辦法 認證測驗');
		expect(text).toMatch(/第 1\.1 版/);
		expect(certificateHtml).toContain(`/verify/${code}/`);
		// 160 random bits in base32: 32 characters, never the attempt id.
		expect(code).toMatch(/^[a-z2-7]{32}$/);
		expect(certificateHtml).not.toContain(`/verify/${attemptId}`);
	});

	it('an outsider holding the code sees the name, what was certified and that it is current, without signing in', async () => {
		const response = await verify(`/verify/${code}/`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('text/html');
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		const html = await response.text();
		expect(html).toContain('data-verdict="current"');
		expect(html).toContain('陳驗證');
		expect(html).toContain('請假管理辦法 認證測驗');
		expect(html).toContain('有效');
		// Typed from the printout: any case, with the dashes.
		const typed = code
			.toUpperCase()
			.match(/.{1,5}/g)!
			.join('-');
		expect((await verify(`/verify/${typed}/`)).status).toBe(200);
	});

	it('verification leaks no email, employee id, score or attempt id', async () => {
		const html = await (await verify(`/verify/${code}/`)).text();
		expect(html).not.toContain('holder@example.com');
		expect(html).not.toContain('V777');
		expect(html).not.toContain(attemptId);
		expect(html).not.toMatch(/成績|得分|score/i);
	});

	it('guessing: an attempt id, a malformed or a random code finds nothing and says nothing about anyone', async () => {
		for (const guess of [attemptId, 'a'.repeat(32), 'x', code.slice(0, 31)]) {
			const response = await verify(`/verify/${guess}/`);
			// An attempt id is not a code: outside the open path it needs a sign-in; inside it is not found.
			expect([303, 404], guess).toContain(response.status);
			const html = await response.text();
			expect(html).not.toContain('陳驗證');
		}
		expect((await verify(`/verify/${attemptId}/`)).status).toBe(303);
	});

	it('path tricks cannot ride the open verify path to private pages', async () => {
		for (const path of [
			`/verify/${code}/../../hr/dashboard/`,
			`/verify/${code}/%2e%2e/%2e%2e/hr/dashboard/`,
			`/verify/${code}%2f..%2f..%2fhr%2fdashboard/`,
		]) {
			const response = await rawRequest(server.port, path, { headers: { accept: 'text/html' } });
			expect(response.status, path).toBe(400);
		}
		const deeper = await verify(`/verify/${code}/more/`);
		expect(deeper.status).toBe(303);
		expect(deeper.headers.get('location')).toMatch(/^\/login\//);
		// The API and HR pages stay closed.
		expect((await verify('/hr/dashboard/')).status).toBe(303);
	});

	it('the same code says expired once the validity has passed (company calendar)', async () => {
		clock.set(new Date(startedAt.getTime() + 400 * 86_400_000));
		const html = await (await verify(`/verify/${code}/`)).text();
		expect(html).toContain('data-verdict="expired"');
		expect(html).toContain('已逾期');
		expect(html).toContain('陳驗證');
	});
});
