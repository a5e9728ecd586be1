/**
 * Answers saved as the person goes, over HTTP on SQLite and PostgreSQL: each
 * answer and review flag is saved (upserted) while the attempt is open, a
 * reload or a new start resumes with them, and the server's deadline is the
 * authority: when the time is up the server grades what was saved (by its
 * own sweep, without anyone asking), and answers sent later change nothing.
 * The test clock (a file the server re-reads) moves while the server runs, or while it is down.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { openStore } from '#lib/store/database.ts';
import { testClock } from '../support/clock.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { openApiChecker } from '../support/openapi.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import {
	attemptServerEnv,
	fixtureBank,
	rightAnswer,
	signedInStaff,
	storeOptionsOf,
	wrongAnswer,
} from '../support/attempts.ts';

const matchesOpenApi = openApiChecker(inject('fixtureProductionSiteDir'));

const bank = fixtureBank();
interface Shown {
	id: string;
	type: string;
	options: { id: string }[];
}
interface AttemptJson {
	id: string;
	status: 'open' | 'graded';
	questions: Shown[];
	deadlineAt: string | null;
	saved?: { answers: Record<string, string[] | boolean>; flagged: string[] };
	score?: number;
	passed?: boolean;
	late?: boolean;
}

describe.each(testDatabases)('answers saved as the person goes on $name', (database) => {
	let server: RunningServer;
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let hr: Client;
	const startedAt = new Date();
	const clock = testClock(startedAt);
	const bankDir = mkdtempSync(join(tmpdir(), 'zhidu-progress-banks-'));
	const distDir = dirname(inject('fixtureProductionSiteDir'));
	const storeOptions = () => storeOptionsOf(env);
	const rebase = (client: Client) =>
		Object.assign(new Client(server.url), { cookie: client.cookie, csrf: client.csrf });

	const person = (key: string): Promise<Client> => signedInStaff(server.url, hr, env, key);
	async function start(client: Client): Promise<AttemptJson> {
		const response = await client.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(response.status, await response.clone().text()).toBe(201);
		return ((await response.json()) as { attempt: AttemptJson }).attempt;
	}
	const save = (client: Client, attempt: string, question: string, answer: unknown, flagged = false) =>
		client.write(`/api/v1/attempts/${attempt}/answers/${question}`, 'PUT', { answer, flagged });
	async function draftRows(attemptId: string) {
		const store = await openStore(storeOptions());
		try {
			return await store.db.selectFrom('attempt_progress').selectAll().where('attempt_id', '=', attemptId).execute();
		} finally {
			await store.close();
		}
	}
	async function gradeRow(attemptId: string) {
		const store = await openStore(storeOptions());
		try {
			return await store.db
				.selectFrom('attempt_grades')
				.selectAll()
				.where('attempt_id', '=', attemptId)
				.executeTakeFirst();
		} finally {
			await store.close();
		}
	}
	/** The server is down while the clock moves to `instant`, then starts again (on another port). */
	async function restartAt(instant: Date) {
		await server.stop();
		clock.set(instant);
		server = await startServer(env, distDir);
		hr = rebase(hr);
	}

	beforeAll(async () => {
		writeFileSync(
			join(bankDir, 'leave-policy.yaml'),
			stringify({ ...bank, cooldownMinutes: 0, maxAttemptsPerDay: 50, timeLimitMinutes: 10 }),
		);
		// The test clock: the server's "now" is this instant until the test moves it.
		({ env, drop } = await attemptServerEnv(database, bankDir, clock.env));
		server = await startServer(env, distDir);
		hr = await setUpHr(server);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	let late: { client: Client; attempt: AttemptJson };
	let partial: { client: Client; attempt: AttemptJson };

	it('saves each answer and flag, resumes them on the page and on a new start, and grades what is submitted', async () => {
		const client = await person('resume');
		const attempt = await start(client);
		const [q1, q2, q3] = attempt.questions;
		const first = await save(client, attempt.id, q1!.id, wrongAnswer(q1!.id));
		expect(first.status, await first.clone().text()).toBe(200);
		await matchesOpenApi('PUT', '/api/v1/attempts/{id}/answers/{question}', first);
		// A second save of the same question replaces the first (upsert); a flag alone is kept too.
		expect((await save(client, attempt.id, q1!.id, rightAnswer(q1!.id))).status).toBe(200);
		expect((await save(client, attempt.id, q2!.id, rightAnswer(q2!.id), true)).status).toBe(200);
		expect((await save(client, attempt.id, q3!.id, null, true)).status).toBe(200);
		expect(await draftRows(attempt.id)).toHaveLength(3);

		// A reload: the API and the page give the answers and flags back.
		const read = await client.request(`/api/v1/attempts/${attempt.id}`);
		await matchesOpenApi('GET', '/api/v1/attempts/{id}', read);
		const { attempt: resumed } = (await read.json()) as { attempt: AttemptJson };
		expect(resumed.saved).toEqual({
			answers: { [q1!.id]: rightAnswer(q1!.id), [q2!.id]: rightAnswer(q2!.id) },
			flagged: [q2!.id, q3!.id].sort(),
		});
		const again = await client.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(again.status).toBe(200);
		expect(((await again.json()) as { attempt: AttemptJson }).attempt.saved).toEqual(resumed.saved);
		const html = await (await client.request(`/attempts/${attempt.id}/`)).text();
		const checkedValues = (id: string) =>
			[...html.matchAll(new RegExp(`name="q-${id}" value="([^"]+)" checked`, 'g'))].map((m) => m[1]).sort();
		// The page shows the options shuffled: compare the checked ones as a set.
		const expected = (a: string[] | boolean) => (Array.isArray(a) ? [...a].sort() : [String(a)]);
		expect(checkedValues(q1!.id)).toEqual(expected(rightAnswer(q1!.id)));
		expect(checkedValues(q2!.id)).toEqual(expected(rightAnswer(q2!.id)));
		expect(checkedValues(q3!.id)).toEqual([]);
		expect(html.match(/data-flag-input checked/g)).toHaveLength(2);

		// Submitting grades what is sent; the drafts go with the grade.
		const answers = Object.fromEntries(attempt.questions.map((q) => [q.id, rightAnswer(q.id)]));
		const graded = await client.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers });
		expect(graded.status).toBe(200);
		expect(await graded.json()).toMatchObject({ attempt: { score: 100, passed: true, late: false } });
		expect(await draftRows(attempt.id)).toEqual([]);
		// Nothing is saved into a graded attempt.
		const after = await save(client, attempt.id, q1!.id, wrongAnswer(q1!.id));
		expect(after.status).toBe(409);
		expect(await draftRows(attempt.id)).toEqual([]);
	});

	it('refuses a bad save: wrong shape, foreign option, other question, other person, no CSRF token, no session', async () => {
		const client = await person('refuse');
		const attempt = await start(client);
		const choice = attempt.questions.find((q) => q.type !== 'true-false')!;
		const truth = attempt.questions.find((q) => q.type === 'true-false');
		const foreign = await save(client, attempt.id, choice.id, ['zz']);
		expect(foreign.status).toBe(400);
		expect(await foreign.json()).toMatchObject({ fields: { answer: expect.stringContaining('"zz"') } });
		expect((await save(client, attempt.id, choice.id, true)).status).toBe(400);
		if (truth) expect((await save(client, attempt.id, truth.id, ['a'])).status).toBe(400);
		expect((await save(client, attempt.id, 'no-such-question', null)).status).toBe(404);
		const missingFlag = await client.write(`/api/v1/attempts/${attempt.id}/answers/${choice.id}`, 'PUT', {
			answer: null,
		});
		expect(missingFlag.status).toBe(400);
		expect(await missingFlag.json()).toMatchObject({ fields: { flagged: expect.any(String) } });
		const other = await person('other');
		expect((await save(other, attempt.id, choice.id, null)).status).toBe(404);
		const noToken = await client.request(`/api/v1/attempts/${attempt.id}/answers/${choice.id}`, {
			method: 'PUT',
			json: { answer: null, flagged: true },
		});
		expect(noToken.status).toBe(403);
		const anonymous = await new Client(server.url).request(`/api/v1/attempts/${attempt.id}/answers/${choice.id}`, {
			method: 'PUT',
			json: { answer: null, flagged: true },
		});
		expect(anonymous.status).toBe(401);
		expect(await draftRows(attempt.id)).toEqual([]);
	});

	it('when the time is up the server grades what was saved, with no one asking; later answers change nothing', async () => {
		late = { client: await person('late'), attempt: undefined! };
		late.attempt = await start(late.client);
		for (const q of late.attempt.questions)
			expect((await save(late.client, late.attempt.id, q.id, rightAnswer(q.id))).status).toBe(200);
		partial = { client: await person('partial'), attempt: undefined! };
		partial.attempt = await start(partial.client);
		const [p1, p2] = partial.attempt.questions;
		await save(partial.client, partial.attempt.id, p1!.id, rightAnswer(p1!.id));
		await save(partial.client, partial.attempt.id, p2!.id, rightAnswer(p2!.id), true);
		expect(late.attempt.deadlineAt).toBe(new Date(startedAt.getTime() + 10 * 60_000).toISOString());

		// Eleven minutes on, the server down meanwhile: past the deadline and its grace. The sweep at its start grades both.
		await restartAt(new Date(startedAt.getTime() + 11 * 60_000));
		const deadline = Date.now() + 30_000;
		while (!(await gradeRow(late.attempt.id)) || !(await gradeRow(partial.attempt.id))) {
			if (Date.now() > deadline) throw new Error(`expired attempts were not graded:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 200));
		}
		expect(await gradeRow(late.attempt.id)).toMatchObject({ score: 100, late: 1 });
		expect(Number((await gradeRow(late.attempt.id))!.passed)).toBe(1);
		expect(await gradeRow(partial.attempt.id)).toMatchObject({ score: 40, late: 1 });
		expect(await draftRows(partial.attempt.id)).toEqual([]);

		// Too late to save or to send other answers: 409 and the grade stands.
		const client = rebase(partial.client);
		expect((await save(client, partial.attempt.id, p1!.id, wrongAnswer(p1!.id))).status).toBe(409);
		const allRight = Object.fromEntries(partial.attempt.questions.map((q) => [q.id, rightAnswer(q.id)]));
		const submitted = await client.write(`/api/v1/attempts/${partial.attempt.id}/submit`, 'POST', {
			answers: allRight,
		});
		expect(submitted.status).toBe(409);
		expect(await submitted.json()).toMatchObject({ attempt: { score: 40, late: true, passed: false } });
		const page = await (await client.request(`/attempts/${partial.attempt.id}/`)).text();
		expect(page).toContain('data-attempt-done');
	});

	it('an answer sent after the deadline is not taken, even before the sweep: the attempt is graded on what was saved', async () => {
		// A fresh attempt at the moved clock, then, the server running, the clock moves past its deadline.
		const client = await person('sender');
		const attempt = await start(client);
		const [first] = attempt.questions;
		await save(client, attempt.id, first!.id, rightAnswer(first!.id));
		clock.set(new Date(new Date(attempt.deadlineAt!).getTime() + 31_000));
		const answers = Object.fromEntries(attempt.questions.map((q) => [q.id, rightAnswer(q.id)]));
		// Whoever gets there first (the sweep or this submission), the grade is on the one saved answer.
		const submitted = await client.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers });
		expect([200, 409]).toContain(submitted.status);
		expect(await submitted.json()).toMatchObject({ attempt: { score: 20, late: true, passed: false } });
	});
});
