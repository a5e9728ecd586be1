/**
 * Attacks on certification records, against the real server on SQLite and
 * PostgreSQL: a graded attempt is a permanent record (editing the bank or
 * deleting a question changes no view of it, and nothing answers 500), and
 * certification cannot be gamed (a fail leaks no answer key, retrying at once
 * or too often is refused, concurrent starts make one attempt, every attempt
 * is a new draw).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { addDays, todayIn } from '#lib/calendar.ts';
import { formatCompanyTime, startOfDayIn } from '#lib/quiz/limits.ts';
import { openStore } from '#lib/store/database.ts';
import { findPerson } from '#lib/auth/people.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import {
	answersFor,
	attemptServerEnv,
	fixtureBank,
	signedInStaff,
	storeOptionsOf,
	type Bank,
} from '../support/attempts.ts';

const explanations = fixtureBank().questions.map((q) => q.explanation);
const fixture = fixtureBank;
const zone = 'Asia/Taipei';

interface Shown {
	id: string;
	type: string;
	prompt: string;
	options: { id: string; text: string }[];
}
interface AttemptJson {
	id: string;
	status: 'open' | 'graded';
	questions: Shown[];
	score?: number;
	passed?: boolean;
	passMark?: number | null;
	gradedAt?: string;
	answersWithheld?: boolean;
	feedback?: { explanation?: string; rightAnswer?: unknown }[];
	reread?: { clause: string; label: string; url: string | null }[];
}

/** Nothing in a failed attempt's answer says which option was right or why. */
function assertNoKey(text: string, where: string) {
	for (const explanation of explanations) expect(text, `${where} leaks an explanation`).not.toContain(explanation);
	expect(text, `${where} names the right answer`).not.toMatch(/"rightAnswer"|"explanation"|"right"\s*:/);
}

describe.each(testDatabases)('attempt records and certification limits on $name', (database) => {
	let server: RunningServer;
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let hr: Client;
	const bankDir = mkdtempSync(join(tmpdir(), 'zhidu-banks-'));
	const distDir = dirname(inject('fixtureProductionSiteDir'));
	const people: Record<string, Client> = {};

	const writeBank = (file: string, bank: Bank) => writeFileSync(join(bankDir, file), stringify(bank));
	const rebase = (client: Client) =>
		Object.assign(new Client(server.url), { cookie: client.cookie, csrf: client.csrf });
	const storeOptions = () => storeOptionsOf(env);

	async function person(key: string): Promise<Client> {
		const client = await signedInStaff(server.url, hr, env, key);
		people[key] = client;
		return client;
	}

	async function start(client: Client, quiz: string) {
		return client.write('/api/v1/attempts', 'POST', { quiz });
	}
	async function takeAndFail(client: Client, quiz: string): Promise<AttemptJson> {
		const started = await start(client, quiz);
		expect(started.status, await started.clone().text()).toBe(201);
		const { attempt } = (await started.json()) as { attempt: AttemptJson };
		const graded = await client.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', {
			answers: answersFor(attempt.questions, false),
		});
		expect(graded.status).toBe(200);
		return { ...attempt, ...((await graded.json()) as { attempt: AttemptJson }).attempt, questions: attempt.questions };
	}

	beforeAll(async () => {
		// Copies of the fixture bank, each with the settings a test needs; the server reads this folder.
		writeBank('leave-policy.yaml', { ...fixture(), cooldownMinutes: 0, maxAttemptsPerDay: 50 });
		writeBank('quiz-cooldown.yaml', { ...fixture(), cooldownMinutes: 60, maxAttemptsPerDay: 3 });
		writeBank('quiz-daily.yaml', { ...fixture(), cooldownMinutes: 0, maxAttemptsPerDay: 2 });
		writeBank('quiz-order.yaml', { ...fixture(), cooldownMinutes: 0, maxAttemptsPerDay: 50, questionsPerAttempt: 6 });
		writeBank('quiz-select.yaml', { ...fixture(), cooldownMinutes: 0, maxAttemptsPerDay: 50 });
		writeBank('quiz-reveal.yaml', { ...fixture(), cooldownMinutes: 0, revealAnswersOnFail: true });
		({ env, drop } = await attemptServerEnv(database, bankDir, { ZHIDU_TIMEZONE: zone }));
		server = await startServer(env, distDir);
		hr = await setUpHr(server);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it('failed attempt does not leak the answer key (API, second submission, page)', async () => {
		const client = await person('leak');
		const failed = await takeAndFail(client, 'quiz-cooldown');
		expect(failed).toMatchObject({ status: 'graded', passed: false, score: 0, answersWithheld: true, feedback: [] });
		expect(failed.reread!.length).toBeGreaterThan(0);
		expect(failed.reread!.every((c) => c.url?.startsWith('/policies/leave-policy/1.1/'))).toBe(true);
		const api = await client.request(`/api/v1/attempts/${failed.id}`);
		expect(api.status).toBe(200);
		assertNoKey(await api.text(), 'GET /api/v1/attempts/:id');
		const again = await client.write(`/api/v1/attempts/${failed.id}/submit`, 'POST', { answers: {} });
		expect(again.status).toBe(409);
		assertNoKey(await again.text(), 'a second submission');
		const page = await client.request(`/attempts/${failed.id}/`);
		expect(page.status).toBe(200);
		const html = await page.text();
		assertNoKey(html, 'the attempt page');
		expect(html).toContain('data-reread');
		expect(html).not.toMatch(/<li[^>]*class="[^"]*\b(right|wrong)\b/);
	});

	it('a quiz that reveals answers on a fail still shows them', async () => {
		const failed = await takeAndFail(await person('reveal'), 'quiz-reveal');
		expect(failed.answersWithheld).toBe(false);
		expect(failed.feedback!.every((f) => f.explanation && f.rightAnswer !== undefined)).toBe(true);
	});

	it('retrying immediately after a fail is refused, with the time in the company time zone', async () => {
		const client = people['leak']!;
		const graded = (await (await client.request('/api/v1/quizzes/quiz-cooldown/status')).json()) as {
			lastGraded: { gradedAt: string };
			retryAt: string;
			retryAtText: string;
		};
		const expected = new Date(new Date(graded.lastGraded.gradedAt).getTime() + 60 * 60_000).toISOString();
		expect(graded.retryAt).toBe(expected);
		const refused = await start(client, 'quiz-cooldown');
		expect(refused.status).toBe(429);
		const body = (await refused.json()) as { error: string; reason: string; retryAt: string };
		expect(body).toMatchObject({ reason: 'cooldown', retryAt: expected });
		const shown = formatCompanyTime(expected, zone, 'zh-Hant-TW');
		expect(body.error).toContain(shown);
		expect(graded.retryAtText).toBe(shown);
		// The HTML form says the same, in the UI language.
		const form = await client.request('/quizzes/quiz-cooldown/attempt/', {
			method: 'POST',
			body: new URLSearchParams({ _csrf: client.csrf! }),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
		});
		expect(form.status).toBe(429);
		const html = await form.text();
		expect(html).toContain(shown);
		expect(html).toContain('可於');
	});

	it('starting more attempts than maxAttemptsPerDay is refused until the next company day', async () => {
		const client = await person('daily');
		await takeAndFail(client, 'quiz-daily');
		await takeAndFail(client, 'quiz-daily');
		const refused = await start(client, 'quiz-daily');
		expect(refused.status).toBe(429);
		const body = (await refused.json()) as { error: string; reason: string; retryAt: string };
		const midnight = startOfDayIn(zone, addDays(todayIn(zone), 1)).toISOString();
		expect(body).toMatchObject({ reason: 'daily-limit', retryAt: midnight });
		expect(body.error).toContain(formatCompanyTime(midnight, zone, 'zh-Hant-TW'));
	});

	it('the quiz page states the cool-down and the attempts per day', async () => {
		const page = await hr.request('/quizzes/leave-policy/');
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toMatch(/未通過時需等待 [\d.]+ 分鐘後再測/);
		expect(html).toContain('每天最多測驗 3 次');
	});

	it('20 concurrent starts create one attempt', async () => {
		const client = await person('racer');
		const responses = await Promise.all(Array.from({ length: 20 }, () => start(client, 'leave-policy')));
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 201)).toHaveLength(1);
		expect(statuses.filter((s) => s === 200)).toHaveLength(19);
		const ids = new Set(
			await Promise.all(responses.map(async (r) => ((await r.json()) as { attempt: { id: string } }).attempt.id)),
		);
		expect(ids.size).toBe(1);
		const store = await openStore(storeOptions());
		try {
			const me = (await findPerson(store, { email: 'racer@example.com' }))!;
			const rows = await store.db.selectFrom('attempts').select('id').where('person_id', '=', me.id).execute();
			expect(rows).toHaveLength(1);
			// The database itself refuses a second open attempt, whatever the code does.
			await expect(
				store.db
					.insertInto('open_attempts')
					.values({ person_id: me.id, quiz_id: 'leave-policy', attempt_id: rows[0]!.id })
					.execute(),
			).rejects.toThrow();
		} finally {
			await store.close();
		}
	});

	it('each attempt is a new order when the bank is the quiz', async () => {
		const client = await person('order');
		const orders: string[] = [];
		for (let i = 0; i < 4; i++) {
			const attempt = await takeAndFail(client, 'quiz-order');
			orders.push(JSON.stringify(attempt.questions.map((q) => [q.id, q.options.map((o) => o.id)])));
		}
		for (let i = 1; i < orders.length; i++)
			expect(orders[i], `attempt ${i + 1} repeats the last`).not.toBe(orders[i - 1]);
	});

	it('each attempt is a new selection when the bank is larger than the quiz', async () => {
		const client = await person('select');
		const selections: string[] = [];
		for (let i = 0; i < 4; i++) {
			const attempt = await takeAndFail(client, 'quiz-select');
			selections.push(
				attempt.questions
					.map((q) => q.id)
					.sort()
					.join(' '),
			);
		}
		for (let i = 1; i < selections.length; i++)
			expect(selections[i], `attempt ${i + 1} draws the same questions`).not.toBe(selections[i - 1]);
	});

	it('a grade from before records were kept still displays from its own row', async () => {
		const client = await person('legacy');
		const store = await openStore(storeOptions());
		const id = '00000000-0000-4000-8000-000000000004';
		try {
			const me = (await findPerson(store, { email: 'legacy@example.com' }))!;
			await store.db
				.insertInto('attempts')
				.values({
					id,
					person_id: me.id,
					quiz_id: 'leave-policy',
					policy_id: 'leave-policy',
					policy_version: '1.1',
					seed: 1,
					questions: JSON.stringify([{ id: 'q-gone', options: ['a', 'b'] }]),
					started_at: '2026-01-05T01:00:00.000Z',
					deadline_at: null,
					snapshot: null,
				})
				.execute();
			await store.db
				.insertInto('attempt_grades')
				.values({
					attempt_id: id,
					graded_at: '2026-01-05T01:05:00.000Z',
					answers: '{}',
					correct: 1,
					total: 1,
					score: 100,
					passed: 1,
					late: 0,
					record: null,
				})
				.execute();
		} finally {
			await store.close();
		}
		const api = await client.request(`/api/v1/attempts/${id}`);
		expect(api.status).toBe(200);
		expect(((await api.json()) as { attempt: unknown }).attempt).toMatchObject({
			status: 'graded',
			record: 'legacy',
			score: 100,
			passed: true,
		});
		for (const path of [`/attempts/${id}/`, `/certificates/${id}/`])
			expect((await client.request(path)).status).toBe(200);
		expect((await hr.request(`/verify/${id}/`)).status).toBe(200);
	});

	describe('a pass, then the bank is edited and the server restarted', () => {
		let attemptId: string;
		let email: string;
		const before: Record<string, string> = {};
		const views = async (client: Client) => ({
			api: await (await client.request(`/api/v1/attempts/${attemptId}`)).text(),
			page: await client.request(`/attempts/${attemptId}/`),
			certificate: await client.request(`/certificates/${attemptId}/`),
			verify: await rebase(hr).request(`/verify/${attemptId}/`),
			certifications: await (
				await rebase(hr).request(`/api/v1/certifications?user=${encodeURIComponent(email)}&policy=leave-policy`)
			).text(),
			csv: await (
				await rebase(hr).request(`/api/v1/certifications.csv?user=${encodeURIComponent(email)}&policy=leave-policy`)
			).text(),
		});

		beforeAll(async () => {
			const client = await person('keeper');
			email = 'keeper@example.com';
			const started = await start(client, 'leave-policy');
			const { attempt } = (await started.json()) as { attempt: AttemptJson };
			attemptId = attempt.id;
			const graded = await client.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', {
				answers: answersFor(attempt.questions, true),
			});
			expect(await graded.json()).toMatchObject({ attempt: { passed: true, score: 100 } });
			const seen = await views(client);
			for (const [key, value] of Object.entries(seen))
				before[key] = (typeof value === 'string' ? value : `${value.status} ${await value.text()}`).replaceAll(
					server.url,
					'ORIGIN',
				);

			// The attack: every key flipped, every explanation and prompt reworded, a drawn question deleted.
			const bank = fixture();
			const drawn = new Set(attempt.questions.map((q) => q.id));
			bank.questions = bank.questions
				.filter((q) => q.id !== [...drawn][0])
				.map((q) => ({
					...q,
					prompt: `${q.prompt}（修訂）`,
					explanation: `${q.explanation}（修訂）`,
					...(q.type === 'true-false'
						? { answer: !q.answer }
						: q.type === 'single'
							? {
									options: q.options!.map((o, i) => ({
										...o,
										correct: i === (q.options!.findIndex((x) => x.correct) + 1) % q.options!.length,
									})),
								}
							: { options: q.options!.map((o) => ({ ...o, correct: !o.correct })) }),
				}));
			writeBank('leave-policy.yaml', { ...bank, cooldownMinutes: 0, maxAttemptsPerDay: 50, passMark: 100 });
			await server.stop();
			server = await startServer(env, distDir);
			people['keeper'] = rebase(client);
		}, 120_000);

		it('editing the answer key does not change a stored pass (API)', async () => {
			const after = await views(people['keeper']!);
			expect(JSON.parse(after.api)).toEqual(JSON.parse(before['api']!));
			expect(JSON.parse(after.api)).toMatchObject({ attempt: { passed: true, score: 100, passMark: 80 } });
		});

		it('editing the answer key does not change a stored pass (attempt page, certificate, verify, dashboard, CSV)', async () => {
			const after = await views(people['keeper']!);
			const page = await after.page.text();
			expect(after.page.status).toBe(200);
			expect(page).toContain('得分 100');
			expect(page).not.toContain('（修訂）');
			expect(page).not.toContain('未通過');
			// The certificate itself (the page footer says when it was rendered).
			const certificate = (text: string) => /<article class="certificate"[\s\S]*<\/article>/.exec(text)?.[0];
			expect(after.certificate.status).toBe(200);
			expect(certificate((await after.certificate.text()).replaceAll(server.url, 'ORIGIN'))).toBe(
				certificate(before['certificate']!),
			);
			expect(certificate(before['certificate']!)).toContain('100');
			const verify = await after.verify.text();
			expect(after.verify.status).toBe(200);
			expect(verify).toContain('data-verdict="current"');
			expect(after.certifications).toBe(before['certifications']);
			expect(after.csv).toBe(before['csv']);
			expect(after.certifications).toContain('"current"');
		});

		it('deleting a question does not make the attempt, certificate or verify pages fail', async () => {
			const after = await views(people['keeper']!);
			expect([after.page.status, after.certificate.status, after.verify.status]).toEqual([200, 200, 200]);
			const api = JSON.parse(after.api) as { attempt: AttemptJson };
			expect(api.attempt.questions).toHaveLength(5);
		});
	});
});
