/**
 * Quizzes over HTTP on SQLite and PostgreSQL: the answer key never leaves the
 * server before grading, a submission is graded exactly once (twenty at once
 * give one grade), the cool-down and the time limit hold on the server.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { findPerson } from '#lib/auth/people.ts';
import { getAttempt, startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { openStore } from '#lib/store/database.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { openApiChecker } from '../support/openapi.ts';

const matchesOpenApi = openApiChecker(inject('fixtureProductionSiteDir'));

const fixtureQuiz = parse(readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: {
		id: string;
		type: string;
		explanation: string;
		answer?: boolean;
		options?: { id: string; correct?: boolean }[];
	}[];
};
const explanations = fixtureQuiz.questions.map((q) => q.explanation);

/** Strings that would give the answers away. */
function assertNoAnswerKey(text: string, where: string) {
	for (const explanation of explanations) expect(text, `${where} leaks an explanation`).not.toContain(explanation);
	expect(text, `${where} has a correctness marker`).not.toMatch(
		/"correct"|"rightAnswer"|"answer"\s*:|data-correct|"explanation"/,
	);
}

/** Right answers from the bank, to pass on purpose; wrong ones to fail. */
function answersFor(questions: { id: string; type: string; options: { id: string }[] }[], right: boolean) {
	return Object.fromEntries(
		questions.map((q) => {
			const bank = fixtureQuiz.questions.find((b) => b.id === q.id)!;
			if (bank.type === 'true-false') return [q.id, right ? bank.answer! : !bank.answer!];
			const correct = bank.options!.filter((o) => o.correct).map((o) => o.id);
			return [
				q.id,
				right
					? correct
					: bank
							.options!.filter((o) => !o.correct)
							.slice(0, 1)
							.map((o) => o.id),
			];
		}),
	);
}

describe.each(testDatabases)('quizzes on $name', (database) => {
	let server: RunningServer;
	let env: Record<string, string>;
	let drop: () => Promise<void>;
	let hr: Client;
	let staff: Client;

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		env = {
			...fixtureServerEnv,
			...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
		};
		server = await startServer(env, dirname(inject('fixtureProductionSiteDir')));
		hr = await setUpHr(server);
		await hr.write('/api/v1/people', 'POST', {
			employeeId: 'S100',
			name: '王小明',
			email: 'learner@example.com',
			department: '運營部',
			role: 'staff',
		});
		expect(
			(
				await zhidu(['users', 'set-password', 'learner@example.com'], {
					env: { ...env, ZHIDU_NEW_PASSWORD: 'learner password' },
				})
			).status,
		).toBe(0);
		staff = new Client(server.url);
		expect((await staff.signIn('learner@example.com', 'learner password')).status).toBe(200);
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it('starts an attempt: drawn questions, no answer key, no explanation', async () => {
		const response = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(response.status).toBe(201);
		await matchesOpenApi('POST', '/api/v1/attempts', response);
		const text = await response.text();
		assertNoAnswerKey(text, 'POST /api/v1/attempts');
		const { attempt } = JSON.parse(text) as { attempt: { id: string; questions: unknown[]; policyVersion: string } };
		expect(attempt.questions).toHaveLength(5);
		expect(attempt.policyVersion).toBe('1.1');
		// The attempt page a person answers on is as clean.
		const page = await staff.request(`/attempts/${attempt.id}/`);
		expect(page.status).toBe(200);
		assertNoAnswerKey(await page.text(), 'the attempt page');
		assertNoAnswerKey(await (await staff.request(`/api/v1/attempts/${attempt.id}`)).text(), 'GET /api/v1/attempts/:id');
		// Starting again resumes the same attempt.
		const again = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(again.status).toBe(200);
		expect(((await again.json()) as { attempt: { id: string } }).attempt.id).toBe(attempt.id);
	});

	it('grades exactly once: twenty concurrent submissions give one grade, later ones cannot change it', async () => {
		const { attempt } = (await (
			await staff.request('/api/v1/attempts', {
				method: 'POST',
				json: { quiz: 'leave-policy' },
				headers: { 'x-csrf-token': staff.csrf! },
			})
		).json()) as {
			attempt: { id: string; questions: { id: string; type: string; options: { id: string }[] }[] };
		};
		const wrong = answersFor(attempt.questions, false);
		const responses = await Promise.all(
			Array.from({ length: 20 }, () =>
				staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers: wrong }),
			),
		);
		const statuses = responses.map((r) => r.status).sort();
		for (const r of responses.slice(0, 3)) await matchesOpenApi('POST', '/api/v1/attempts/{id}/submit', r);
		expect(statuses.filter((s) => s === 200)).toHaveLength(1);
		expect(statuses.filter((s) => s === 409)).toHaveLength(19);
		const graded = (await (await staff.request(`/api/v1/attempts/${attempt.id}`)).json()) as {
			attempt: { score: number; passed: boolean; feedback: unknown[]; reread: { clause: string }[] };
		};
		expect(graded.attempt).toMatchObject({ score: 0, passed: false, answersWithheld: true });
		// On a fail (revealAnswersOnFail: false) neither explanations nor right options: the clauses to re-read.
		expect(graded.attempt.feedback).toEqual([]);
		expect(graded.attempt.reread.length).toBeGreaterThan(0);
		// A second tab with the right answers changes nothing.
		const late = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', {
			answers: answersFor(attempt.questions, true),
		});
		expect(late.status).toBe(409);
		expect(((await late.json()) as { attempt: { score: number } }).attempt.score).toBe(0);
		const store = await openStore(
			env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : { sqliteFile: env['ZHIDU_DB_FILE']! },
		);
		try {
			const rows = await store.db
				.selectFrom('attempt_grades')
				.selectAll()
				.where('attempt_id', '=', attempt.id)
				.execute();
			expect(rows).toHaveLength(1);
		} finally {
			await store.close();
		}
	});

	it('holds the cool-down after a fail, then lets the person pass', async () => {
		const blocked = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(blocked.status).toBe(429);
		await matchesOpenApi('POST', '/api/v1/attempts', blocked);
		const { retryAt } = (await blocked.json()) as { retryAt: string };
		expect(Date.parse(retryAt)).toBeGreaterThan(Date.now() - 60_000);
		// Wait for the moment the server named, not for a guess at how long that is.
		await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(retryAt) - Date.now()) + 250));
		const started = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(started.status).toBe(201);
		const { attempt } = (await started.json()) as {
			attempt: { id: string; questions: { id: string; type: string; options: { id: string }[] }[] };
		};
		const result = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', {
			answers: answersFor(attempt.questions, true),
		});
		expect(result.status).toBe(200);
		expect(await result.json()).toMatchObject({ attempt: { score: 100, passed: true } });
	});

	it('refuses a forged submission: another person’s attempt, or a made-up result', async () => {
		const { attempt } = (await (await hr.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' })).json()) as {
			attempt: { id: string };
		};
		const forged = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers: {} });
		expect(forged.status).toBe(404);
		const madeUp = await hr.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { score: 100, passed: true });
		expect(madeUp.status).toBe(400);
	});

	it('enforces the time limit on the server: a late submission scores nothing', async () => {
		const store = await openStore(
			env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : { sqliteFile: env['ZHIDU_DB_FILE']! },
		);
		try {
			const policies = loadContentOrThrow({ policiesDir: join(projectRoot, fixtureServerEnv.ZHIDU_CONTENT_DIR) });
			const quiz = loadQuizzes(join(projectRoot, fixtureServerEnv.ZHIDU_QUIZZES_DIR), policies).quizzes[0]!;
			const person = (await findPerson(store, { email: 'hr@example.com' }))!;
			const started = new Date(Date.now() + 60 * 60_000); // in the future, so it does not collide with the HR attempt above
			const result = await startAttempt(store, quiz, person.id, '1.1', () => 'ch-1', started);
			if (!result.ok) throw new Error(result.reason);
			const afterDeadline = new Date(started.getTime() + (quiz.timeLimitMinutes! + 1) * 60_000);
			const submitted = await submitAttempt(
				store,
				quiz,
				result.attempt,
				answersFor(result.questions as never, true),
				afterDeadline,
			);
			expect(submitted.ok).toBe(true);
			const attempt = (await getAttempt(store, result.attempt.id))!;
			expect(attempt.grade).toMatchObject({ late: true, score: 0, passed: false });
		} finally {
			await store.close();
		}
	});
});

describe('the built site never contains the answer key', () => {
	it('no explanation text or correctness marker in any file under dist/client', () => {
		const banks = ['quizzes', 'test/fixtures/quizzes'].flatMap((dir) =>
			readdirSync(join(projectRoot, dir))
				.filter((f) => f.endsWith('.yaml'))
				.map((f) => parse(readFileSync(join(projectRoot, dir, f), 'utf8')) as { questions: { explanation: string }[] }),
		);
		const secrets = banks.flatMap((b) => b.questions.map((q) => q.explanation));
		expect(secrets.length).toBeGreaterThan(40);
		for (const site of [inject('siteDir'), inject('fixtureProductionSiteDir')]) {
			const files: string[] = [];
			const walk = (dir: string) => {
				for (const name of readdirSync(dir)) {
					const path = join(dir, name);
					if (statSync(path).isDirectory()) walk(path);
					else files.push(path);
				}
			};
			walk(site);
			for (const file of files) {
				const text = readFileSync(file).toString('utf8');
				for (const secret of secrets) expect(text.includes(secret), `${file} contains an explanation`).toBe(false);
				// The OpenAPI document and JSON Schemas describe the graded answer's shape (a `rightAnswer` field), never data.
				if (/api\/v1\/(openapi\.json|schemas\/)/.test(file)) continue;
				expect(text, file).not.toMatch(/"correct"\s*:\s*true|correct: true|"rightAnswer"/);
			}
		}
	});
});
