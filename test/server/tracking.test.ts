/**
 * Tracking over HTTP on SQLite and PostgreSQL: acknowledgements record the
 * version and the hash of its text; a person sees what they owe; HR (or an
 * API token) lists people and statuses, filtered by status, department,
 * person and date; staff are refused and cannot read another person's
 * attempt; the CSV exports carry a BOM and Chinese headers, parse back, and
 * each is in the audit log.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { findPerson } from '#lib/auth/people.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { openStore, type Store } from '#lib/store/database.ts';
import { versionHash } from '#lib/content/version-hash.ts';
import { certificationCsvColumns } from '#server/tracking-view.ts';
import { rosterHeaders } from '#lib/auth/roster-columns.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { readEveryChapterOverHttp } from '../support/reading.ts';

const policies = loadContentOrThrow({ policiesDir: join(projectRoot, fixtureServerEnv.ZHIDU_CONTENT_DIR) });
const leavePolicy = policies.find((p) => p.id === 'leave-policy')!;
const quiz = loadQuizzes(join(projectRoot, fixtureServerEnv.ZHIDU_QUIZZES_DIR), policies).quizzes[0]!;
const bank = parse(readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};

/** The right answers to the drawn questions. */
const rightAnswers = (questions: { id: string }[]) =>
	Object.fromEntries(
		questions.map((q) => {
			const b = bank.questions.find((x) => x.id === q.id)!;
			return [q.id, b.type === 'true-false' ? b.answer! : b.options!.filter((o) => o.correct).map((o) => o.id)];
		}),
	);

interface Row {
	person: { employeeId: string; name: string; department: string };
	policy: string;
	versionInForce: string;
	quiz: string | null;
	certification: {
		state: string;
		due: string | null;
		overdue: boolean;
		outdatedBy: { version: string; clauses: { clause: string; label: string }[] } | null;
	};
	acknowledgement: { state: string; due: string | null; overdue: boolean };
}

const people = [
	{ employeeId: 'S100', name: '王小明', email: 'learner@example.com', department: '運營部', hireDate: '2024-06-01' },
	{ employeeId: 'S101', name: '陳美玲', email: 'meiling@example.com', department: '業務部', hireDate: '2025-03-01' },
	{ employeeId: 'S102', name: '林志明', email: 'zhiming@example.com', department: '業務部', hireDate: '2024-01-15' },
	{ employeeId: 'S103', name: '張雅婷', email: 'yating@example.com', department: '運營部', hireDate: '2024-02-01' },
];

describe.each(testDatabases)('tracking on $name', (database) => {
	let server: RunningServer;
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let hr: Client;
	let staff: Client;
	let store: Store;
	const ids: Record<string, string> = {};
	let otherAttempt: string;
	/** Questions drawn in this file's attempts (5 of the bank's 6 each): the miss rates list only those. */
	const drawn = new Set<string>();

	const certifications = async (query: string, client: Client = hr) => {
		const response = await client.request(`/api/v1/certifications${query}`);
		return { status: response.status, body: (await response.json()) as { count: number; certifications: Row[] } };
	};
	const employeeIds = (rows: Row[]) => rows.map((r) => r.person.employeeId).sort();

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		env = {
			...fixtureServerEnv,
			...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
		};
		server = await startServer(env, dirname(inject('fixtureProductionSiteDir')));
		hr = await setUpHr(server);
		for (const person of people) {
			const response = await hr.write('/api/v1/people', 'POST', { ...person, role: 'staff' });
			expect(response.status).toBe(201);
			ids[person.employeeId] = ((await response.json()) as { person: { id: string } }).person.id;
		}
		expect(
			(
				await zhidu(['users', 'set-password', 'learner@example.com'], {
					env: { ...env, ZHIDU_NEW_PASSWORD: 'learner password' },
				})
			).status,
		).toBe(0);
		staff = new Client(server.url);
		expect((await staff.signIn('learner@example.com', 'learner password')).status).toBe(200);
		store = await openStore(
			options.databaseUrl ? { databaseUrl: options.databaseUrl } : { sqliteFile: options.sqliteFile! },
		);
		// S102 passed version 1.0; 1.1 then added a clause to a chapter the quiz covers.
		const started = await startAttempt(store, quiz, ids['S102']!, '1.0', () => 'ch-1');
		if (!started.ok) throw new Error(started.reason);
		await submitAttempt(store, quiz, started.attempt, rightAnswers(started.questions));
		for (const question of started.questions) drawn.add(question.id);
		otherAttempt = started.attempt.id;
	}, 60_000);
	afterAll(async () => {
		await store?.close();
		await server?.stop();
		await drop?.();
	});

	it('records an acknowledgement of the version in force with the hash of its text', async () => {
		// Not before every chapter has a reading receipt: the server refuses, naming the chapters.
		const unread = await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' });
		expect(unread.status).toBe(409);
		expect(await unread.json()).toMatchObject({ fields: { chapters: expect.stringContaining('ch-1') } });
		// A receipt is a CSRF-protected write like any other.
		const noCsrfReceipt = await staff.request('/api/v1/reading-receipts', {
			method: 'POST',
			json: { policy: 'leave-policy', version: '1.1', chapter: 'ch-1' },
		});
		expect(noCsrfReceipt.status).toBe(403);
		await readEveryChapterOverHttp(staff, 'leave-policy');
		const response = await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' });
		expect(response.status).toBe(201);
		const { acknowledgement } = (await response.json()) as {
			acknowledgement: { id: string; version: string; textHash: string; acknowledgedOn: string };
		};
		expect(acknowledgement.version).toBe('1.1');
		expect(acknowledgement.textHash).toBe(versionHash(leavePolicy, '1.1'));
		expect(acknowledgement.textHash).toMatch(/^[0-9a-f]{64}$/);
		const rows = await store.db.selectFrom('acknowledgements').selectAll().execute();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			person_id: ids['S100'],
			policy_id: 'leave-policy',
			policy_version: '1.1',
			text_hash: versionHash(leavePolicy, '1.1'),
		});
		// The same text again: the record already made, nothing new.
		const again = await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy', version: '1.1' });
		expect(again.status).toBe(200);
		expect(((await again.json()) as { acknowledgement: { id: string } }).acknowledgement.id).toBe(acknowledgement.id);
		// Only the version in force: superseded and scheduled ones are refused.
		for (const version of ['1.0', '2.0']) {
			const refused = await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy', version });
			expect(refused.status, version).toBe(409);
		}
		expect((await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'no-such-policy' })).status).toBe(404);
		// A cookie-authenticated write without the CSRF token is refused.
		const noCsrf = await staff.request('/api/v1/acknowledgements', {
			method: 'POST',
			json: { policy: 'leave-policy' },
		});
		expect(noCsrf.status).toBe(403);
		expect(await store.db.selectFrom('acknowledgements').selectAll().execute()).toHaveLength(1);

		const own = (await (await staff.request('/api/v1/acknowledgements?policy=leave-policy')).json()) as {
			versionInForce: string;
			state: string;
			latest: { version: string; textHash: string };
			acknowledgements: unknown[];
		};
		expect(own).toMatchObject({ versionInForce: '1.1', state: 'current', latest: { version: '1.1' } });
		expect(own.acknowledgements).toHaveLength(1);
		// HR's own list is HR's: empty.
		const hrs = (await (await hr.request('/api/v1/acknowledgements')).json()) as { acknowledgements: unknown[] };
		expect(hrs.acknowledgements).toHaveLength(0);
		const bad = await staff.request('/api/v1/acknowledgements?policy=nope');
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ fields: { policy: expect.any(String) } });
	});

	it('/api/v1/me/training shows the policies the person owes, with state and due dates', async () => {
		const response = await staff.request('/api/v1/me/training');
		expect(response.status).toBe(200);
		const { training } = (await response.json()) as { training: Omit<Row, 'person'>[] };
		expect(training).toHaveLength(1);
		expect(training[0]).toMatchObject({
			policy: 'leave-policy',
			versionInForce: '1.1',
			quiz: 'leave-policy',
			acknowledgement: { state: 'current', due: null, overdue: false },
			// Hired 2024-06-01, dueDays 14.
			certification: { state: 'none', due: '2024-06-15', overdue: true, outdatedBy: null },
		});
		const page = await staff.request('/me/training/');
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('員工請假管理辦法');
		expect(html).toContain('尚未通過');
		expect(html).toContain('逾期');
		expect(html).toContain('href="/quizzes/leave-policy/"');
		expect(html).toContain('href="/policies/leave-policy/1.1/"');
	});

	it('lists people and statuses for HR, filtered by status, department, person and date', async () => {
		// S100 passes the quiz on 1.1 today.
		const started = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		const { attempt } = (await started.json()) as { attempt: { id: string; questions: { id: string }[] } };
		for (const question of attempt.questions) drawn.add(question.id);
		const submitted = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', {
			answers: rightAnswers(attempt.questions),
		});
		expect(((await submitted.json()) as { attempt: { passed: boolean } }).attempt.passed).toBe(true);

		const all = await certifications('');
		expect(all.status).toBe(200);
		expect(employeeIds(all.body.certifications)).toEqual(['HR001', 'S100', 'S101', 'S102', 'S103']);
		expect(all.body.count).toBe(5);
		const s100 = all.body.certifications.find((r) => r.person.employeeId === 'S100')!;
		expect(s100).toMatchObject({
			person: { name: '王小明', department: '運營部' },
			policy: 'leave-policy',
			versionInForce: '1.1',
			certification: { state: 'current', overdue: false },
			acknowledgement: { state: 'current' },
		});

		expect(employeeIds((await certifications('?status=current')).body.certifications)).toEqual(['S100']);
		const outdated = (await certifications('?status=outdated')).body.certifications;
		expect(employeeIds(outdated)).toEqual(['S102']);
		expect(outdated[0]!.certification.outdatedBy?.version).toBe('1.1');
		expect(outdated[0]!.certification.outdatedBy?.clauses.map((c) => c.clause)).toContain('c-1-0-3');
		expect(employeeIds((await certifications('?status=none')).body.certifications)).toEqual(['HR001', 'S101', 'S103']);
		expect(employeeIds((await certifications('?status=overdue')).body.certifications)).toEqual([
			'S101',
			'S102',
			'S103',
		]);
		expect(
			employeeIds((await certifications(`?department=${encodeURIComponent('業務部')}`)).body.certifications),
		).toEqual(['S101', 'S102']);
		expect(employeeIds((await certifications('?user=S100')).body.certifications)).toEqual(['S100']);
		expect(employeeIds((await certifications('?user=learner@example.com')).body.certifications)).toEqual(['S100']);
		expect(employeeIds((await certifications('?policy=leave-policy&status=current')).body.certifications)).toEqual([
			'S100',
		]);

		// As of 2025-01-15: S101 (hired 2025-03-01) and HR (added today) were not on the roster; S100 had not passed yet.
		const then = (await certifications('?asOf=2025-01-15')).body.certifications;
		expect(employeeIds(then)).toEqual(['S100', 'S102', 'S103']);
		expect(then.find((r) => r.person.employeeId === 'S100')!.certification.state).toBe('none');
		expect(then.find((r) => r.person.employeeId === 'S100')!.acknowledgement.state).toBe('none');

		// Bad parameters: 400 naming the parameter.
		for (const [query, field] of [
			['?asOf=2025-02-30', 'asOf'],
			['?asOf=yesterday', 'asOf'],
			['?status=passed', 'status'],
			['?user=nobody@example.com', 'user'],
			['?policy=no-such-policy', 'policy'],
			['?stauts=current', 'stauts'],
		] as const) {
			const response = await hr.request(`/api/v1/certifications${query}`);
			expect(response.status, query).toBe(400);
			expect(((await response.json()) as { fields: Record<string, string> }).fields, query).toHaveProperty(field);
		}

		// Another system with a read-only API token.
		const created = (await (
			await hr.write('/api/v1/tokens', 'POST', {
				name: 'LMS',
				scope: 'read',
				expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
			})
		).json()) as { token: string };
		const byToken = await fetch(`${server.url}/api/v1/certifications?status=current`, {
			headers: { authorization: `Bearer ${created.token}` },
		});
		expect(byToken.status).toBe(200);
		expect(employeeIds(((await byToken.json()) as { certifications: Row[] }).certifications)).toEqual(['S100']);
	});

	it('refuses staff: no one else’s records, attempts or exports', async () => {
		for (const path of [
			'/api/v1/certifications',
			`/api/v1/certifications?user=S102`,
			'/api/v1/certifications.csv',
			'/api/v1/roster.csv',
			'/hr/dashboard/',
			`/hr/people/${ids['S102']}/`,
			'/hr/quizzes/leave-policy/',
		]) {
			expect((await staff.request(path)).status, path).toBe(403);
		}
		const exemption = await staff.write('/api/v1/exemptions', 'POST', {
			user: 'S100',
			policy: 'leave-policy',
			reason: '自己豁免',
			from: '2025-01-01',
		});
		expect(exemption.status).toBe(403);
		// Another person's attempt: not found, neither over the API nor as a page or certificate.
		expect((await staff.request(`/api/v1/attempts/${otherAttempt}`)).status).toBe(404);
		expect((await staff.request(`/attempts/${otherAttempt}/`)).status).toBe(404);
		expect((await staff.request(`/certificates/${otherAttempt}/`)).status).toBe(404);
	});

	it('records an exemption: the person no longer owes the policy', async () => {
		const bad = await hr.write('/api/v1/exemptions', 'POST', {
			user: 'S103',
			policy: 'leave-policy',
			reason: '留職停薪',
			from: '2025-06-01',
			until: '2025-01-01',
		});
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ fields: { until: expect.any(String) } });
		const unknown = await hr.write('/api/v1/exemptions', 'POST', {
			user: 'S999',
			policy: 'leave-policy',
			reason: '留職停薪',
			from: '2025-01-01',
		});
		expect(unknown.status).toBe(404);
		const created = await hr.write('/api/v1/exemptions', 'POST', {
			user: 'yating@example.com',
			policy: 'leave-policy',
			reason: '留職停薪',
			from: '2025-01-01',
		});
		expect(created.status).toBe(201);
		expect(await created.json()).toMatchObject({
			exemption: { policy: 'leave-policy', from: '2025-01-01', until: null },
		});
		expect((await certifications('?user=S103')).body.count).toBe(0);
		const audit = await store.db
			.selectFrom('audit_log')
			.selectAll()
			.where('event', '=', 'exemption.recorded')
			.execute();
		expect(audit).toHaveLength(1);
	});

	it('exports CSV with a BOM and Chinese headers, parsed back intact, each export audited', async () => {
		const response = await hr.request(`/api/v1/certifications.csv?department=${encodeURIComponent('業務部')}`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
		const records = parseCsv(text, { bom: true }) as string[][];
		expect(records[0]).toEqual([
			'員工編號',
			'姓名',
			'電子郵件',
			'部門',
			'制度',
			'現行版本',
			'認證狀態',
			'通過日期',
			'有效期限',
			'認證到期日',
			'逾期',
			'閱讀確認狀態',
			'確認日期',
			'確認到期日',
			'過時條文',
			'確認簽章',
		]);
		expect(records[0]).toEqual([...certificationCsvColumns]);
		const body = records.slice(1);
		expect(body.map((r) => r[0])).toEqual(['S101', 'S102']);
		const s102 = body.find((r) => r[0] === 'S102')!;
		expect(s102.slice(1, 7)).toEqual(['林志明', 'zhiming@example.com', '業務部', '員工請假管理辦法', '1.1', '已過時']);
		expect(s102[10]).toBe('是');
		expect(s102[14]).not.toBe('');
		expect(body.find((r) => r[0] === 'S101')!.slice(1, 2)).toEqual(['陳美玲']);

		const roster = await hr.request('/api/v1/roster.csv?asOf=2025-01-15');
		expect(roster.status).toBe(200);
		// Response.text() drops a BOM: read the bytes.
		const rosterText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await roster.arrayBuffer());
		expect(rosterText.charCodeAt(0)).toBe(0xfeff);
		const rosterRecords = parseCsv(rosterText, { bom: true }) as string[][];
		expect(rosterRecords[0]).toEqual(['員工編號', '姓名', '電子郵件', '部門', '角色', '到職日', '主管']);
		expect(rosterRecords[0]).toEqual(rosterHeaders('zh'));
		expect(rosterRecords.slice(1)).toEqual([
			['S100', '王小明', 'learner@example.com', '運營部', '員工', '2024-06-01', ''],
			['S102', '林志明', 'zhiming@example.com', '業務部', '員工', '2024-01-15', ''],
			['S103', '張雅婷', 'yating@example.com', '運營部', '員工', '2024-02-01', ''],
		]);
		expect((await hr.request('/api/v1/roster.csv?asOf=2025-13-01')).status).toBe(400);

		const hrPerson = (await findPerson(store, { email: 'hr@example.com' }))!;
		const exports = await store.db
			.selectFrom('audit_log')
			.selectAll()
			.where('event', '=', 'export.made')
			.orderBy('at')
			.execute();
		expect(exports).toHaveLength(2);
		expect(exports.map((e) => e.actor_id)).toEqual([hrPerson.id, hrPerson.id]);
		expect(JSON.parse(exports[0]!.detail)).toMatchObject({
			export: 'certifications',
			filters: { department: '業務部', asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
			rows: 2,
		});
		expect(JSON.parse(exports[1]!.detail)).toMatchObject({
			export: 'roster',
			filters: { asOf: '2025-01-15', headers: 'zh' },
			rows: 3,
		});
	});

	it('serves the HR pages: dashboard, a person’s record, quiz miss rates, certificate check', async () => {
		const dashboard = await hr.request('/hr/dashboard/?status=overdue');
		expect(dashboard.status).toBe(200);
		const html = await dashboard.text();
		expect(html).toContain('林志明');
		expect(html).not.toContain('王小明');
		expect(html).toContain('/api/v1/certifications.csv?status=overdue&amp;asOf=');
		// Periodic review: the fixture's 1.1 took effect 2025-01-01 with a 12-month cycle, so its review is overdue.
		expect(html).toMatch(
			/<tr data-review-state="overdue"[^>]*>\s*<td[^>]*>員工請假管理辦法<\/td>\s*<td[^>]*>1\.1<\/td>\s*<td[^>]*>2026-01-01<\/td>/,
		);
		const bad = await hr.request('/hr/dashboard/?asOf=2025-02-30');
		expect(bad.status).toBe(400);

		const record = await hr.request(`/hr/people/${ids['S100']}/`);
		expect(record.status).toBe(200);
		const recordHtml = await record.text();
		expect(recordHtml).toContain('王小明 訓練紀錄');
		expect(recordHtml).toContain('data-section="attempts"');
		expect(recordHtml).toContain(versionHash(leavePolicy, '1.1').slice(0, 12));

		const rates = await hr.request('/hr/quizzes/leave-policy/');
		expect(rates.status).toBe(200);
		const ratesHtml = await rates.text();
		const asked = quiz.questions.find((question) => drawn.has(question.id))!;
		expect(ratesHtml).toContain(asked.prompt);
		expect(ratesHtml).toContain(`data-clause="${asked.cites[0]}"`);

		const verify = await hr.request(`/hr/dashboard/?verify=${otherAttempt}`);
		expect(verify.status).toBe(303);
		expect(verify.headers.get('location')).toBe(`/verify/${otherAttempt}/`);
	});
});
