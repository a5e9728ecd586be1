/**
 * Load benchmark (`npm run bench:load`, or `npm run bench -- --load`): the
 * real server (src/server/main.ts on a build) on SQLite and on PostgreSQL,
 * with a ~1,000-chapter content folder (the policies in content/policies and
 * copies of them) and 5,000 people, every one with a session.
 *
 * - Graded quiz attempts (start + submit) and acknowledgements at 1, 10 and 50
 *   concurrent clients (autocannon): operations/s, p50/p95/p99 per request,
 *   server CPU per operation (/proc/<pid>/stat), and the ratio to what the bare
 *   store does in the same run (node:sqlite inserts with the server's pragmas;
 *   a pg insert loop) ÷ its durable commits per operation.
 * - PostgreSQL with two server instances (25 clients each).
 * - A signed-in chapter page and the stylesheet against `sirv` on the same
 *   files (precompressed), compressed, and 304 on revalidation.
 * - Cold start to the first healthy answer, with 5,000 people.
 * - The 5,000-person reports (certifications, CSV exports, roster listing) with
 *   the health-check wait during each.
 * - RSS over a sustained run at 50 clients.
 *
 *   node scripts/bench-load.ts [--runs 3] [--seconds 5] [--rss-seconds 60] [--people 5000]
 *                              [--copies 70] [--dist dist] [--only sqlite|postgres] [--report-repeats 3]
 *                              [--reports-only]
 *
 * Prints figures (min / median / max over the runs, each with the load
 * average when taken); asserts nothing. Needs a build (npm run build).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { DatabaseSync } from 'node:sqlite';
import autocannon from 'autocannon';
import pg from 'pg';
import { newToken, sha256 } from '#lib/auth/secrets.ts';
import { companyToday } from '#lib/calendar.ts';
import { versionInForceOn } from '#lib/catalog/index.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { openStore, type Store } from '#lib/store/database.ts';
import {
	freePort,
	healthDuring,
	load,
	ms,
	percentile,
	root,
	startServer,
	syntheticPass,
	syntheticPeople,
	throwawayPg,
	type RunningServer,
} from './bench-support.ts';

const { values: args } = parseArgs({
	options: {
		runs: { type: 'string', default: '1' },
		seconds: { type: 'string', default: '5' },
		'rss-seconds': { type: 'string', default: '60' },
		people: { type: 'string', default: '5000' },
		copies: { type: 'string', default: '70' },
		dist: { type: 'string', default: 'dist' },
		only: { type: 'string' },
		'report-repeats': { type: 'string', default: '3' },
		// Only the cold start and the 5,000-person reports (a quick check of the report figures).
		'reports-only': { type: 'boolean', default: false },
		load: { type: 'boolean', default: false },
	},
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const RSS_SECONDS = Number(args['rss-seconds']);
const PEOPLE = Number(args.people);
const distDir = resolve(root, args.dist);
const CONCURRENCY = [1, 10, 50];
const CHAPTER_PAGE = '/policies/pharma-operations-department/1.1/ch-3/';

// ------------------------------------------------------------------ figures

interface Sample {
	value: number;
	load: string;
}
const figures = new Map<string, { unit: string; samples: Sample[] }>();
function record(name: string, value: number, unit: string): void {
	const entry = figures.get(name) ?? { unit, samples: [] };
	entry.samples.push({ value, load: load() });
	figures.set(name, entry);
	console.log(`  ${name}: ${format(value, unit)} (${load()})`);
}
function format(value: number, unit: string): string {
	if (Number.isNaN(value)) return '–';
	if (unit === 'ms') return ms(value);
	if (unit === 'MB') return `${value.toFixed(0)} MB`;
	if (unit === 'x') return `${value.toFixed(2)}×`;
	if (unit === '%') return `${value.toFixed(0)}%`;
	return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}

// ------------------------------------------------------------------ content

/** The real policies plus `copies` renamed copies (about 14 chapter pages each), and quiz banks without limits. */
function writeContent(dir: string, copies: number): { contentDir: string; quizzesDir: string; chapters: number } {
	const source = join(root, 'content/policies');
	const contentDir = join(dir, 'policies');
	cpSync(source, contentDir, { recursive: true });
	cpSync(join(root, 'content/training'), join(dir, 'training'), { recursive: true });
	const originals = readdirSync(source).filter((id) => existsSync(join(source, id, 'policy.yaml')));
	for (let copy = 1; copy <= copies; copy++) {
		const from = originals[(copy - 1) % originals.length]!;
		const serial = String(copy).padStart(3, '0');
		const target = join(contentDir, `bench-${serial}-${from}`);
		cpSync(join(source, from), target, { recursive: true });
		const yaml = readFileSync(join(target, 'policy.yaml'), 'utf8');
		// The copies are content to load and read, assigned to no one: the reports cover the two real policies.
		writeFileSync(
			join(target, 'policy.yaml'),
			yaml
				.replace(/^title: *(.+)$/m, (_, title: string) => `title: ${title.trim()}（測試 ${serial}）`)
				.replace(/^assignment:\n(?:[ \t]+.*\n)*/m, ''),
		);
	}
	const quizzesDir = join(dir, 'quizzes');
	mkdirSync(quizzesDir);
	// The same banks, without the cool-down and daily limit: one person may take many attempts in a run.
	for (const name of readdirSync(join(root, 'quizzes'))) {
		const yaml = readFileSync(join(root, 'quizzes', name), 'utf8')
			.replace(/^cooldownMinutes:.*$/m, 'cooldownMinutes: 0\nmaxAttemptsPerDay: 100000')
			.replace(/^timeLimitMinutes:.*$/m, '');
		writeFileSync(join(quizzesDir, name), yaml);
	}
	let chapters = 0;
	for (const policy of readdirSync(contentDir))
		for (const version of readdirSync(join(contentDir, policy)).filter((v) => /^\d/.test(v)))
			chapters += readdirSync(join(contentDir, policy, version)).filter((f) => f.endsWith('.mdx')).length;
	return { contentDir, quizzesDir, chapters };
}

// ------------------------------------------------------------------ seeding

interface Seeded {
	staff: { cookie: string; csrf: string }[];
	hr: { cookie: string; csrf: string };
	policies: string[];
}

/** PEOPLE people (the first is HR), each with a session; one pass and one acknowledgement per quiz policy each. */
/**
 * Staff who have read every chapter of every policy's version in force (reading receipts): an
 * acknowledgement is refused until the person has read the version (issue 15), and the acknowledgement
 * workload draws its people from the first of the staff, 72 policies each, so a few hundred are plenty.
 */
const READERS = 600;

async function seed(
	store: Store,
	policies: string[],
	quizPolicies: string[],
	chaptersInForce: Map<string, { version: string; chapters: string[] }>,
): Promise<Seeded> {
	const at = new Date().toISOString();
	const expires = new Date(Date.now() + 24 * 3600_000).toISOString();
	const people = syntheticPeople(PEOPLE, { createdAt: at });
	const chunks = <T>(xs: T[], n = 200) =>
		Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
	for (const part of chunks(people)) await store.db.insertInto('people').values(part).execute();
	const departments = ['運營部門', '市場部', '研發部', '銷售部'];
	const history = people.map((p, i) => ({
		id: randomUUID(),
		person_id: p.id,
		department: i === 0 ? '人力資源部' : departments[i % departments.length]!,
		role: (i === 0 ? 'hr' : 'staff') as 'hr' | 'staff',
		effective_from: '2025-01-01',
		recorded_at: at,
		recorded_by: null,
	}));
	for (const part of chunks(history)) await store.db.insertInto('person_history').values(part).execute();
	const sessions = people.map((p) => ({ token: newToken(), csrf: newToken(24), person: p.id }));
	for (const part of chunks(sessions))
		await store.db
			.insertInto('sessions')
			.values(
				part.map((s) => ({
					id_hash: sha256(s.token),
					person_id: s.person,
					csrf_token: s.csrf,
					created_at: at,
					expires_at: expires,
					revoked_at: null,
				})),
			)
			.execute();
	// Records for the reports: a pass and an acknowledgement of each quiz policy, for six people in seven.
	const passes = people.flatMap((p, i) =>
		i % 7 === 3
			? []
			: quizPolicies.map((policy) =>
					syntheticPass({
						personId: p.id,
						quizId: policy,
						seed: i,
						startedAt: '2026-11-23T02:00:00.000Z',
						gradedAt: '2026-11-23T02:10:00.000Z',
						acknowledgedAt: '2026-11-23T01:00:00.000Z',
					}),
				),
	);
	const attempts = passes.map((x) => x.attempt);
	const grades = passes.map((x) => x.grade);
	const acks = passes.map((x) => x.acknowledgement);
	for (const part of chunks(attempts))
		await store.db
			.insertInto('attempts')
			.values(part as never)
			.execute();
	for (const part of chunks(grades))
		await store.db
			.insertInto('attempt_grades')
			.values(part as never)
			.execute();
	for (const part of chunks(acks))
		await store.db
			.insertInto('acknowledgements')
			.values(part as never)
			.execute();
	const receipts = people.slice(1, READERS + 1).flatMap((p) =>
		[...chaptersInForce].flatMap(([policy, { version, chapters }]) =>
			chapters.map((chapter) => ({
				person_id: p.id,
				policy_id: policy,
				policy_version: version,
				chapter_id: chapter,
				read_at: '2026-11-23T00:30:00.000Z',
			})),
		),
	);
	for (const part of chunks(receipts, 500)) await store.db.insertInto('reading_receipts').values(part).execute();
	const jar = sessions.map((s) => ({ cookie: `zhidu_session=${s.token}`, csrf: s.csrf }));
	return { hr: jar[0]!, staff: jar.slice(1), policies };
}

// ------------------------------------------------------------------ process figures

const TICKS = 100; // USER_HZ on Linux
function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command.
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}
function rssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

// ------------------------------------------------------------------ workloads

type Workload = 'attempt' | 'acknowledgement';
/**
 * Within a run: every acknowledgement is of a new (person, policy) pair, so each one is a write. Each run seeds a
 * new database, so the count starts again (carried over, later runs reached staff without reading receipts: 409).
 */
let ackCounter = 0;

interface LoadResult {
	ops: number;
	seconds: number;
	latencies: number[];
	errors: number;
	statuses: Map<number, number>;
}

/**
 * One autocannon run. `attempt`: POST /api/v1/attempts then its submit (one
 * operation, two durable commits); `acknowledgement`: one POST per operation,
 * a new (person, policy) pair each time (one commit). Each connection uses its
 * own people (stride `connections`), so no two connections share an attempt.
 */
async function drive(
	base: string,
	workload: Workload,
	connections: number,
	seconds: number,
	seeded: Seeded,
	quizzes: string[],
	slotOffset = 0,
	stride = connections,
): Promise<LoadResult> {
	const latencies: number[] = [];
	const statuses = new Map<number, number>();
	let ops = 0;
	let errors = 0;
	let slots = slotOffset;
	const staff = seeded.staff;
	const json = 'application/json';
	type Context = {
		slot?: number;
		n?: number;
		person?: { cookie: string; csrf: string };
		attempt?: string | undefined;
	};
	const personFor = (context: Context) => {
		context.slot ??= slots++;
		context.n = (context.n ?? 0) + 1;
		return staff[(context.slot + stride * context.n) % staff.length]!;
	};
	const requests: autocannon.Request[] =
		workload === 'attempt'
			? [
					{
						method: 'POST',
						path: '/api/v1/attempts',
						setupRequest: (req: autocannon.Request, context: Context) => {
							const person = (context.person = personFor(context));
							const quiz = quizzes[(context.n ?? 0) % quizzes.length]!;
							return {
								...req,
								headers: { cookie: person.cookie, 'x-csrf-token': person.csrf, 'content-type': json },
								body: JSON.stringify({ quiz }),
							};
						},
						onResponse: (status: number, body: string, context: Context) => {
							if (status === 200 || status === 201) {
								const { attempt } = JSON.parse(body) as {
									attempt: { id: string; questions: { id: string; type: string; options?: { id: string }[] }[] };
								};
								context.attempt = attempt.id;
								(context as { answers?: string }).answers = JSON.stringify({
									answers: Object.fromEntries(
										attempt.questions.map((q) => [q.id, q.type === 'true-false' ? true : [q.options![0]!.id]]),
									),
								});
							} else context.attempt = undefined;
						},
					},
					{
						method: 'POST',
						setupRequest: (req: autocannon.Request, context: Context) => {
							if (!context.attempt) return undefined as unknown as autocannon.Request;
							return {
								...req,
								path: `/api/v1/attempts/${context.attempt}/submit`,
								headers: {
									cookie: context.person!.cookie,
									'x-csrf-token': context.person!.csrf,
									'content-type': json,
								},
								body: (context as { answers?: string }).answers!,
							};
						},
						onResponse: (status: number) => {
							if (status === 200) ops++;
						},
					},
				]
			: [
					{
						method: 'POST',
						path: '/api/v1/acknowledgements',
						setupRequest: (req: autocannon.Request) => {
							const i = ackCounter++;
							const person = staff[Math.floor(i / seeded.policies.length) % staff.length]!;
							return {
								...req,
								headers: { cookie: person.cookie, 'x-csrf-token': person.csrf, 'content-type': json },
								body: JSON.stringify({ policy: seeded.policies[i % seeded.policies.length] }),
							};
						},
						onResponse: (status: number) => {
							if (status === 201) ops++;
						},
					},
				];
	const started = performance.now();
	let finished!: Promise<unknown>;
	const instance = autocannon({ url: base, connections, duration: seconds, requests, timeout: 30 }, () => {});
	finished = new Promise((done) => instance.once('done', done));
	instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
		latencies.push(time);
		statuses.set(status, (statuses.get(status) ?? 0) + 1);
		if (status >= 400) errors++;
	});
	await finished;
	return { ops, seconds: (performance.now() - started) / 1000, latencies, errors, statuses };
}

/** Durable transactions/s of the bare store: one insert per transaction. */
function sqliteBaseline(dir: string, seconds = 3): number {
	const file = join(dir, `baseline-${Date.now()}.db`);
	const db = new DatabaseSync(file);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = FULL');
	db.exec('PRAGMA busy_timeout = 5000');
	db.exec('PRAGMA foreign_keys = ON');
	db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, at TEXT NOT NULL, body TEXT NOT NULL)');
	const insert = db.prepare('INSERT INTO t (id, at, body) VALUES (?, ?, ?)');
	const begin = db.prepare('BEGIN');
	const commit = db.prepare('COMMIT');
	const body = 'x'.repeat(300);
	let n = 0;
	const end = performance.now() + seconds * 1000;
	const t0 = performance.now();
	while (performance.now() < end) {
		begin.run();
		insert.run(randomUUID(), new Date().toISOString(), body);
		commit.run();
		n++;
	}
	const rate = n / ((performance.now() - t0) / 1000);
	db.close();
	rmSync(file, { force: true });
	rmSync(`${file}-wal`, { force: true });
	rmSync(`${file}-shm`, { force: true });
	return rate;
}

async function pgBaseline(url: string, clients: number, seconds = 3): Promise<number> {
	const pool = new pg.Pool({ connectionString: url, max: clients });
	await pool.query(
		'CREATE TABLE IF NOT EXISTS bench_baseline (id text primary key, at text not null, body text not null)',
	);
	const body = 'x'.repeat(300);
	let n = 0;
	const end = performance.now() + seconds * 1000;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: clients }, async () => {
			while (performance.now() < end) {
				// Autocommit: one durable transaction per insert.
				await pool.query('INSERT INTO bench_baseline (id, at, body) VALUES ($1, $2, $3)', [
					randomUUID(),
					new Date().toISOString(),
					body,
				]);
				n++;
			}
		}),
	);
	const rate = n / ((performance.now() - t0) / 1000);
	await pool.query('DROP TABLE bench_baseline');
	await pool.end();
	return rate;
}

// ------------------------------------------------------------------ the parts

/**
 * Waits until the server has worked off what an earlier part left queued (a
 * run at 50 clients leaves that many requests in flight when it stops): a
 * health check answers within 100 ms, or 60 s have passed.
 */
async function settle(base: string): Promise<void> {
	const until = Date.now() + 60_000;
	while (Date.now() < until) {
		const t0 = performance.now();
		await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
		if (performance.now() - t0 < 100) return;
		await new Promise((r) => setTimeout(r, 200));
	}
}

async function loadFigures(
	name: string,
	server: RunningServer,
	seeded: Seeded,
	quizzes: string[],
	storeLimit: number,
): Promise<void> {
	const pid = server.child.pid!;
	// Warm up: the first requests to each route load and compile its code.
	await drive(server.base, 'attempt', 2, 2, seeded, quizzes);
	await drive(server.base, 'acknowledgement', 2, 1, seeded, quizzes);
	for (const workload of ['attempt', 'acknowledgement'] as const) {
		const commits = workload === 'attempt' ? 2 : 1;
		for (const c of CONCURRENCY) {
			await settle(server.base);
			const cpu0 = cpuMs(pid);
			const r = await drive(server.base, workload, c, SECONDS, seeded, quizzes);
			const cpu = cpuMs(pid) - cpu0;
			const rate = r.ops / r.seconds;
			const label = `${name} ${workload === 'attempt' ? 'graded attempts (start+submit)' : 'acknowledgements'} at ${c}`;
			record(`${label}: operations/s`, rate, '/s');
			record(`${label}: request p50`, percentile(r.latencies, 50), 'ms');
			record(`${label}: request p95`, percentile(r.latencies, 95), 'ms');
			record(`${label}: request p99`, percentile(r.latencies, 99), 'ms');
			record(`${label}: server CPU per operation`, r.ops ? cpu / r.ops : NaN, 'ms');
			record(`${label}: % of the store's limit`, (100 * rate) / (storeLimit / commits), '%');
			if (r.errors)
				console.log(
					`    (${r.errors} error answers: ${[...r.statuses]
						.filter(([s]) => s >= 400)
						.map(([s, n]) => `${s}×${n}`)
						.join(', ')})`,
				);
		}
	}
}

async function staticFigures(server: RunningServer, seeded: Seeded, temp: string): Promise<void> {
	const client = join(distDir, 'client');
	const page = join(client, CHAPTER_PAGE, 'index.html');
	const html = readFileSync(page, 'utf8');
	const css = /<link[^>]+href="(\/_astro\/[^"]+\.css)"/.exec(html)?.[1];
	// sirv on copies of the same two files, precompressed (Brotli and gzip), as a plain static server serves them.
	const plain = join(temp, 'sirv');
	for (const path of [join(CHAPTER_PAGE, 'index.html'), ...(css ? [css] : [])]) {
		const body = readFileSync(join(client, path));
		mkdirSync(join(plain, path, '..'), { recursive: true });
		writeFileSync(join(plain, path), body);
		writeFileSync(join(plain, `${path}.br`), brotliCompressSync(body));
		writeFileSync(join(plain, `${path}.gz`), gzipSync(body, { level: 9 }));
	}
	// A free port of its own: the one after the server's may be a client socket's (ephemeral ports are shared).
	const port = await freePort();
	const sirvChild = spawn(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			`import sirv from 'sirv'; import { createServer } from 'node:http';
			 const serve = sirv(${JSON.stringify(plain)}, { etag: true, brotli: true, gzip: true });
			 createServer((req, res) => serve(req, res, () => { res.statusCode = 404; res.end(); }))
			   .listen(${port}, '127.0.0.1', () => console.log('ready'));`,
		],
		{ cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	await new Promise<void>((ready) => sirvChild.stdout!.once('data', () => ready()));
	const sirvBase = `http://127.0.0.1:${port}`;
	try {
		const headers = { cookie: seeded.staff[0]!.cookie, 'accept-encoding': 'br, gzip', accept: 'text/html' };
		for (const [what, path] of [
			['chapter page', CHAPTER_PAGE],
			['stylesheet', css],
		] as const) {
			if (!path) continue;
			// node:http, not fetch: fetch decodes the body and adds Cache-Control: no-cache to a conditional request.
			const first = await rawGet(`${server.base}${path}`, headers);
			const etag = first.headers['etag'];
			const again = etag
				? (await rawGet(`${server.base}${path}`, { ...headers, 'if-none-match': etag })).status
				: 'no ETag';
			console.log(
				`  ${what}: ${first.status}, content-encoding ${first.headers['content-encoding'] ?? 'none'}, ${first.bytes} bytes on the wire, cache-control ${first.headers['cache-control']}, ETag ${etag ?? 'none'}, revalidation → ${again}`,
			);
			const rates: number[] = [];
			for (const base of [server.base, sirvBase]) {
				await settle(server.base);
				const r = await autocannon({
					url: `${base}${path}`,
					connections: 10,
					duration: SECONDS,
					headers: base === sirvBase ? { 'accept-encoding': 'br, gzip' } : headers,
				});
				if (r.non2xx) console.log(`    (${r.non2xx} non-2xx answers from ${base})`);
				rates.push(r.requests.average);
			}
			record(`signed-in ${what}: requests/s (10 clients)`, rates[0]!, '/s');
			record(`sirv, same ${what}: requests/s (10 clients)`, rates[1]!, '/s');
			record(`signed-in ${what} ÷ sirv`, rates[0]! / rates[1]!, 'x');
		}
	} finally {
		sirvChild.kill('SIGTERM');
	}
}

function rawGet(
	url: string,
	headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | undefined>; bytes: number }> {
	return new Promise((done, fail) => {
		get(url, { headers }, (res) => {
			let bytes = 0;
			res.on('data', (chunk: Buffer) => (bytes += chunk.length));
			res.on('end', () =>
				done({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | undefined>, bytes }),
			);
		}).on('error', fail);
	});
}

async function reportFigures(name: string, server: RunningServer, seeded: Seeded): Promise<void> {
	const headers = { cookie: seeded.hr.cookie };
	for (const [what, path] of [
		['GET /api/v1/certifications', '/api/v1/certifications'],
		['GET /api/v1/certifications.csv', '/api/v1/certifications.csv'],
		['GET /api/v1/roster.csv', '/api/v1/roster.csv'],
		['GET /api/v1/people', '/api/v1/people'],
		['GET /hr/dashboard/', '/hr/dashboard/'],
	] as const) {
		const times: number[] = [];
		const cpus: number[] = [];
		const waits: number[] = [];
		for (let i = 0; i < Number(args['report-repeats']); i++) {
			await settle(server.base);
			const cpu0 = cpuMs(server.child.pid!);
			const { result, health } = await healthDuring(server.base, async () => {
				const t0 = performance.now();
				const r = await fetch(`${server.base}${path}`, { headers });
				const bytes = (await r.arrayBuffer()).byteLength;
				if (!r.ok) throw new Error(`${path}: ${r.status}`);
				return { time: performance.now() - t0, bytes };
			});
			times.push(result.time);
			// The server's CPU while the report and the health probes ran (less affected by other load than wall time).
			cpus.push(cpuMs(server.child.pid!) - cpu0);
			waits.push(...health.samples);
		}
		record(`${name} ${what}: median`, percentile(times, 50), 'ms');
		record(`${name} ${what}: server CPU, median`, percentile(cpus, 50), 'ms');
		record(`${name} ${what}: health wait meanwhile, max`, Math.max(...waits), 'ms');
	}
}

/** Spawn to the first 200 from /api/health. */
async function coldStart(env: Record<string, string>): Promise<{ ms: number; server: RunningServer }> {
	const server = await startServer(env);
	return { ms: server.healthyIn, server };
}

async function rssFigures(name: string, server: RunningServer, seeded: Seeded, quizzes: string[]): Promise<void> {
	const pid = server.child.pid!;
	const samples: number[] = [];
	const timer = setInterval(() => samples.push(rssMb(pid)), 1000);
	await settle(server.base);
	samples.push(rssMb(pid));
	await drive(server.base, 'attempt', 50, RSS_SECONDS, seeded, quizzes);
	clearInterval(timer);
	const half = Math.floor(samples.length / 2);
	record(`${name} RSS at the start of a ${RSS_SECONDS} s run at 50 clients`, samples[0]!, 'MB');
	record(`${name} RSS at ${Math.round(RSS_SECONDS / 2)} s`, samples[half]!, 'MB');
	record(`${name} RSS at the end`, samples.at(-1)!, 'MB');
	record(`${name} RSS growth over the last half`, samples.at(-1)! - samples[half]!, 'MB');
}

// ------------------------------------------------------------------ main

async function runOnce(run: number, temp: string, content: ReturnType<typeof writeContent>): Promise<void> {
	const policies = readdirSync(content.contentDir).sort();
	const today = companyToday();
	const chaptersInForce = new Map(
		loadContentOrThrow({ policiesDir: content.contentDir }).flatMap((policy) => {
			const inForce = versionInForceOn(policy, today);
			return inForce
				? [[policy.id, { version: inForce.meta.version, chapters: inForce.chapters.map((c) => c.chapter.id) }] as const]
				: [];
		}),
	);
	const quizzes = readdirSync(content.quizzesDir).map((f) => f.replace(/\.yaml$/, ''));
	const common = {
		ZHIDU_DIST_DIR: distDir,
		ZHIDU_CONTENT_DIR: content.contentDir,
		ZHIDU_QUIZZES_DIR: content.quizzesDir,
		ZHIDU_READ: 'signed-in',
		ZHIDU_SESSION_HOURS: '24',
	};
	const databases: {
		name: string;
		open(): Promise<{ env: Record<string, string>; url?: string; drop(): Promise<void> } | undefined>;
	}[] = [
		{
			name: 'SQLite',
			async open() {
				const file = join(temp, `run${run}.db`);
				return { env: { ZHIDU_DB_FILE: file }, drop: async () => rmSync(file, { force: true }) };
			},
		},
		{
			name: 'PostgreSQL',
			async open() {
				const db = await throwawayPg();
				return db && { env: { DATABASE_URL: db.url }, url: db.url, drop: db.drop };
			},
		},
	];
	for (const database of databases) {
		if (args.only && !database.name.toLowerCase().startsWith(args.only.toLowerCase())) continue;
		const opened = await database.open();
		if (!opened) continue;
		const name = database.name;
		console.log(`\n${name}, run ${run} of ${RUNS} (${load()})`);
		try {
			const store = await openStore(
				opened.url ? { databaseUrl: opened.url } : { sqliteFile: opened.env['ZHIDU_DB_FILE']! },
			);
			const seeded = await seed(store, policies, quizzes, chaptersInForce);
			await store.close();
			ackCounter = 0;
			const env = { ...common, ...opened.env };
			// The first start on new content parses it (and, since issue 19, keeps what it parsed); a restart is the
			// cold start an operator sees after a deploy or a crash.
			const first = await coldStart(env);
			record(`${name} first start on new content to the first healthy answer`, first.ms, 'ms');
			await first.server.stop();
			const cold = await coldStart(env);
			record(
				`${name} cold start (restart) to the first healthy answer (${PEOPLE} people, ${content.chapters} chapters)`,
				cold.ms,
				'ms',
			);
			const server = cold.server;
			if (args['reports-only']) {
				try {
					await reportFigures(name, server, seeded);
				} finally {
					await server.stop();
				}
				continue;
			}
			try {
				const limit =
					name === 'SQLite'
						? sqliteBaseline(temp)
						: Math.max(await pgBaseline(opened.url!, 1), await pgBaseline(opened.url!, 10));
				record(`${name} bare store: durable transactions/s`, limit, '/s');
				await reportFigures(name, server, seeded);
				await loadFigures(name, server, seeded, quizzes, limit);
				if (name === 'SQLite') await staticFigures(server, seeded, temp);
				await rssFigures(name, server, seeded, quizzes);
			} finally {
				await server.stop();
			}
			if (name === 'PostgreSQL') {
				// Two instances on the one database, 25 clients each, people kept apart (stride 50).
				const a = await startServer(env);
				const b = await startServer(env);
				try {
					await Promise.all([a, b].map((s) => drive(s.base, 'attempt', 2, 2, seeded, quizzes)));
					await Promise.all([a, b].map((s) => settle(s.base)));
					const cpu0 = [cpuMs(a.child.pid!), cpuMs(b.child.pid!)];
					const results = await Promise.all([
						drive(a.base, 'attempt', 25, SECONDS, seeded, quizzes, 0, 50),
						drive(b.base, 'attempt', 25, SECONDS, seeded, quizzes, 25, 50),
					]);
					const cpu = cpuMs(a.child.pid!) - cpu0[0]! + cpuMs(b.child.pid!) - cpu0[1]!;
					const ops = results.reduce((s, r) => s + r.ops, 0);
					const seconds = Math.max(...results.map((r) => r.seconds));
					const latencies = results.flatMap((r) => r.latencies);
					record(`PostgreSQL, two instances, graded attempts at 50: operations/s`, ops / seconds, '/s');
					record(`PostgreSQL, two instances, graded attempts at 50: request p99`, percentile(latencies, 99), 'ms');
					record(`PostgreSQL, two instances, graded attempts at 50: server CPU per operation`, cpu / ops, 'ms');
				} finally {
					await Promise.all([a.stop(), b.stop()]);
				}
			}
		} finally {
			await opened.drop();
		}
	}
}

if (!existsSync(join(distDir, 'server/entry.mjs'))) {
	console.log(`load bench: no build in ${distDir}: run npm run build first`);
	process.exit(0);
}
const temp = mkdtempSync(join(tmpdir(), 'zhidu-bench-load-'));
try {
	const content = writeContent(temp, Number(args.copies));
	console.log(
		`Content: ${readdirSync(content.contentDir).length} policies, ${content.chapters} chapters; ${PEOPLE} people`,
	);
	for (let run = 1; run <= RUNS; run++) await runOnce(run, temp, content);
	if (RUNS > 1) {
		console.log(`\nSummary over ${RUNS} runs: min / median / max (load average when each was taken)`);
		for (const [name, { unit, samples }] of figures) {
			const sorted = [...samples].sort((a, b) => a.value - b.value);
			const median = sorted[Math.floor(sorted.length / 2)]!;
			console.log(
				`  ${name}: ${format(sorted[0]!.value, unit)} / ${format(median.value, unit)} / ${format(sorted.at(-1)!.value, unit)} (${samples.map((s) => s.load.replace('load ', '')).join(', ')})`,
			);
		}
	}
} finally {
	rmSync(temp, { recursive: true, force: true });
}
