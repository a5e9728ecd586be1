/**
 * Tracking benchmark (part of `npm run bench`): seeds 5,000 people with a
 * year of attempts and acknowledgements on SQLite and on PostgreSQL, then
 * prints how long the as-of query takes (src/lib/tracking, in process) and,
 * through the real server, how long the HR certifications report and the
 * dashboard take to answer, and how long /api/health waits meanwhile (SQLite
 * runs in the server's thread, so a long report would hold other requests).
 *
 *   node scripts/bench-tracking.ts [--people N]
 *
 * Figures only. Needs a build in dist/ (npm run build) and, for PostgreSQL,
 * ZHIDU_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * PostgreSQL is skipped with a note when it does not answer.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword, newToken, sha256 } from '#lib/auth/secrets.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { drawQuestions, gradeAttempt, type Answers } from '#lib/quiz/engine.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { openStore, type Store, type StoreOptions } from '#lib/store/database.ts';
import { versionHash } from '#lib/content/version-hash.ts';
import { trackingAsOf } from '#lib/tracking/tracking.ts';
import { addDays } from '#lib/versions.ts';
import { freePort, ms, percentile, sampleHealth, summariseWaits, syntheticPeople } from './bench-support.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { people: { type: 'string', default: '5000' } } });
const peopleCount = Number(values.people);
const policies = loadContentOrThrow({ policiesDir: join(root, 'content/policies') });
const quizzes = loadQuizzes(join(root, 'quizzes'), policies).quizzes;
const ctx = { policies, quizzes, timeZone: 'Asia/Taipei' };
const year = Array.from({ length: 365 }, (_, i) => addDays('2025-11-22', i));

async function seed(store: Store): Promise<{ token: string; seconds: number; attempts: number }> {
	const started = performance.now();
	const departments = ['運營部門', '運營部門', '市場部', '研發部', '銷售部', '人力資源部'];
	const people = syntheticPeople(peopleCount, {
		createdAt: '2025-11-01T00:00:00.000Z',
		hireDate: (i) => year[i % 200]!,
		disabledOn: (i) => (i % 50 === 25 ? year[300]! : null),
	});
	const chunk = <T>(xs: T[], n = 400) =>
		Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
	for (const part of chunk(people)) await store.db.insertInto('people').values(part).execute();
	const history = people.map((p, i) => ({
		id: randomUUID(),
		person_id: p.id,
		department: departments[i % departments.length]!,
		role: (i === 0 ? 'hr' : 'staff') as 'hr' | 'staff',
		effective_from: p.hire_date!,
		recorded_at: p.created_at,
		recorded_by: null,
	}));
	for (const part of chunk(history)) await store.db.insertInto('person_history').values(part).execute();
	// A year of attempts: most people fail once then pass; some never try.
	let attempts = 0;
	const attemptRows: object[] = [];
	const gradeRows: object[] = [];
	const ackRows: object[] = [];
	people.forEach((p, i) => {
		for (const quiz of quizzes) {
			if (i % 7 === 0) continue;
			const drawn = drawQuestions(quiz, i, () => undefined);
			const right: Answers = Object.fromEntries(
				drawn.map((d) => {
					const q = quiz.questions.find((x) => x.id === d.id)!;
					return [d.id, q.type === 'true-false' ? q.answer : q.options.filter((o) => o.correct).map((o) => o.id)];
				}),
			);
			for (const [k, answers] of [
				[0, {}],
				[1, right],
			] as const) {
				const day = year[Math.min(364, (i % 200) + 10 + k * 3)]!;
				const id = randomUUID();
				const grade = gradeAttempt(quiz, drawn, answers);
				attemptRows.push({
					id,
					person_id: p.id,
					quiz_id: quiz.id,
					policy_id: quiz.policy,
					policy_version: '1.1',
					seed: i,
					questions: JSON.stringify(drawn),
					started_at: `${day}T02:00:00.000Z`,
					deadline_at: null,
				});
				gradeRows.push({
					attempt_id: id,
					graded_at: `${day}T02:10:00.000Z`,
					answers: JSON.stringify(answers),
					correct: grade.correct,
					total: grade.total,
					score: grade.score,
					passed: grade.passed ? 1 : 0,
					late: 0,
				});
				attempts += 1;
			}
			const policy = policies.find((x) => x.id === quiz.policy)!;
			ackRows.push({
				id: randomUUID(),
				person_id: p.id,
				policy_id: policy.id,
				policy_version: '1.1',
				text_hash: versionHash(policy, '1.1'),
				acknowledged_at: `${year[Math.min(364, (i % 200) + 5)]}T02:00:00.000Z`,
			});
		}
	});
	for (const part of chunk(attemptRows, 200))
		await store.db
			.insertInto('attempts')
			.values(part as never)
			.execute();
	for (const part of chunk(gradeRows, 200))
		await store.db
			.insertInto('attempt_grades')
			.values(part as never)
			.execute();
	for (const part of chunk(ackRows, 200))
		await store.db
			.insertInto('acknowledgements')
			.values(part as never)
			.execute();
	// An HR token for the server requests.
	const token = `zhidu_${newToken()}`;
	await store.db
		.insertInto('api_tokens')
		.values({
			id: randomUUID(),
			name: 'bench',
			token_hash: sha256(token),
			scope: 'read',
			created_by: people[0]!.id,
			created_at: new Date().toISOString(),
			expires_at: '2099-01-01T00:00:00.000Z',
			revoked_at: null,
		})
		.execute();
	await store.db
		.updateTable('people')
		.set({ password_hash: await hashPassword('bench password') })
		.where('id', '=', people[0]!.id)
		.execute();
	return { token, seconds: (performance.now() - started) / 1000, attempts };
}

async function serverFigures(env: Record<string, string>, token: string) {
	const port = await freePort();
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: root,
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	try {
		const deadline = Date.now() + 30_000;
		while (!out.includes('zhidu: serving')) {
			if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`);
			await new Promise((r) => setTimeout(r, 50));
		}
		const base = `http://127.0.0.1:${port}`;
		const auth = { authorization: `Bearer ${token}` };
		const report: number[] = [];
		const health: number[] = [];
		for (const asOf of ['2026-03-01', '2026-06-01', '2026-11-22']) {
			const t0 = performance.now();
			const request = fetch(`${base}/api/v1/certifications?asOf=${asOf}`, { headers: auth }).then(async (r) => {
				if (!r.ok) throw new Error(`certifications: ${r.status} ${await r.text()}`);
				await r.arrayBuffer();
				report.push(performance.now() - t0);
			});
			// Health checks while the report runs: how long does another request wait?
			const sampler = sampleHealth(base, 20);
			await request;
			health.push(...(await sampler.stop()).samples);
		}
		const dashboard: number[] = [];
		// The dashboard is for a signed-in HR person (the seeded HR account).
		const login = await fetch(`${base}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'e0@example.com', password: 'bench password' }),
		});
		const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
		for (let i = 0; i < 3; i++) {
			const t0 = performance.now();
			const r = await fetch(`${base}/hr/dashboard/?asOf=2026-11-22`, { headers: { cookie }, redirect: 'manual' });
			await r.arrayBuffer();
			if (r.status === 200) dashboard.push(performance.now() - t0);
			else if (i === 0) console.log(`dashboard: ${r.status} (login ${login.status})`);
		}
		return { report, health, dashboard };
	} finally {
		child.kill('SIGTERM');
	}
}

async function run(name: string, options: StoreOptions, env: Record<string, string>) {
	const store = await openStore(options);
	try {
		const { token, seconds, attempts } = await seed(store);
		console.log(`${name}: seeded ${peopleCount} people, ${attempts} attempts in ${seconds.toFixed(1)} s`);
		const asOf: number[] = [];
		let rows = 0;
		for (const day of ['2026-01-15', '2026-04-01', '2026-07-01', '2026-10-01', '2026-11-22']) {
			const t0 = performance.now();
			rows = (await trackingAsOf(store, ctx, day)).length;
			asOf.push(performance.now() - t0);
		}
		console.log(
			`${name}: as-of query (everyone × owed policies, ${rows} rows): p50 ${ms(percentile(asOf, 50))}, max ${ms(Math.max(...asOf))}`,
		);
		await store.close();
		if (!existsSync(join(root, 'dist/server/entry.mjs'))) {
			console.log(`${name}: no dist/ build: run npm run build for the server figures`);
			return;
		}
		const figures = await serverFigures(env, token);
		console.log(
			`${name}: GET /api/v1/certifications (as of a date): p50 ${ms(percentile(figures.report, 50))}, max ${ms(Math.max(...figures.report))}`,
		);
		if (figures.dashboard.length)
			console.log(`${name}: GET /hr/dashboard/: p50 ${ms(percentile(figures.dashboard, 50))}`);
		console.log(`${name}: /api/health while a report runs: ${summariseWaits(figures.health).summary}`);
	} catch (error) {
		await store.close().catch(() => {});
		throw error;
	}
}

const temp = mkdtempSync(join(tmpdir(), 'zhidu-bench-tracking-'));
try {
	const sqliteFile = join(temp, 'zhidu.db');
	await run('SQLite', { sqliteFile }, { ZHIDU_DB_FILE: sqliteFile, ZHIDU_READ: 'signed-in' });
	const admin = process.env['ZHIDU_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const name = `zhidu_bench_${Date.now().toString(36)}`;
	const client = new pg.Client({ connectionString: admin });
	try {
		await client.connect();
		await client.query(`CREATE DATABASE ${name}`);
	} catch (error) {
		console.log(`PostgreSQL: skipped (${(error as Error).message})`);
		await client.end().catch(() => {});
		process.exit(0);
	}
	const url = new URL(admin);
	url.pathname = `/${name}`;
	try {
		await run('PostgreSQL', { databaseUrl: url.toString() }, { DATABASE_URL: url.toString(), ZHIDU_READ: 'signed-in' });
	} finally {
		await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await client.end();
	}
} finally {
	rmSync(temp, { recursive: true, force: true });
}
