/**
 * Roster import benchmark (part of `npm run bench`): through the real server,
 * HR imports a 5,000-row roster CSV in one request, on SQLite and on
 * PostgreSQL; prints how long the import takes and how long /api/health waits
 * meanwhile (on SQLite the import shares the server's thread); then the same
 * import in process on SQLite, with the longest stretch the event loop was held.
 *
 *   node scripts/bench-roster.ts [--rows N] [--dist dist]
 *
 * Figures only. Needs a build (npm run build) and, for PostgreSQL,
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
import { importRoster } from '#lib/auth/roster-import.ts';
import { hashPassword } from '#lib/auth/secrets.ts';
import { translator } from '#lib/i18n/index.ts';
import { openStore, type StoreOptions } from '#lib/store/database.ts';
import { freePort, ms, sampleHealth } from './bench-support.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
	options: { rows: { type: 'string', default: '5000' }, dist: { type: 'string', default: 'dist' } },
});
const rowCount = Number(values.rows);
const distDir = resolve(root, values.dist);

const departments = ['運營部門', '市場部', '研發部', '銷售部', '人力資源部'];
const csv = [
	'employee_id,name,email,department,role,hire_date',
	...Array.from(
		{ length: rowCount },
		(_, i) =>
			`E${String(i).padStart(5, '0')},員工${i},e${i}@example.com,${departments[i % departments.length]},staff,2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
	),
].join('\n');

async function run(name: string, options: StoreOptions, env: Record<string, string>) {
	// An HR account to sign in with.
	const store = await openStore(options);
	const at = new Date().toISOString();
	const id = randomUUID();
	await store.db
		.insertInto('people')
		.values({
			id,
			employee_id: 'HR0001',
			name: '人資',
			email: 'hr@example.com',
			hire_date: null,
			password_hash: await hashPassword('bench password'),
			disabled_on: null,
			created_at: at,
		})
		.execute();
	await store.db
		.insertInto('person_history')
		.values({
			id: randomUUID(),
			person_id: id,
			department: '人力資源部',
			role: 'hr',
			effective_from: '2025-01-01',
			recorded_at: at,
			recorded_by: null,
		})
		.execute();
	await store.close();

	const port = await freePort();
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: root,
		env: { ...process.env, ...env, ZHIDU_DIST_DIR: distDir, PORT: String(port), HOST: '127.0.0.1' },
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
		const login = await fetch(`${base}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'hr@example.com', password: 'bench password' }),
		});
		if (!login.ok) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
		const { csrfToken } = (await login.json()) as { csrfToken: string };
		const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';

		// Warm up: the first request to a route loads its code.
		for (let i = 0; i < 3; i++) await (await fetch(`${base}/api/health`)).arrayBuffer();
		const sampler = sampleHealth(base);
		const t0 = performance.now();
		const response = await fetch(`${base}/api/v1/people/import`, {
			method: 'POST',
			headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'text/csv' },
			body: csv,
		});
		const body = await response.text();
		const seconds = (performance.now() - t0) / 1000;
		const health = await sampler.stop();
		if (!response.ok) throw new Error(`import: ${response.status} ${body.slice(0, 500)}`);
		const { added } = JSON.parse(body) as { added: number };
		console.log(`${name}: POST /api/v1/people/import, ${rowCount} rows (${added} added): ${seconds.toFixed(2)} s`);
		console.log(`${name}: /api/health during the import: ${health.summary}`);
	} finally {
		child.kill('SIGTERM');
	}
}

/** The import in process on SQLite: total time and the longest gap between 1 ms timer ticks. */
async function inProcess(file: string) {
	const store = await openStore({ sqliteFile: file });
	let last = performance.now();
	let longest = 0;
	const ticks = setInterval(() => {
		const now = performance.now();
		longest = Math.max(longest, now - last);
		last = now;
	}, 1);
	const t0 = performance.now();
	const outcome = await importRoster(store, csv, {
		t: translator('en'),
		actor: { kind: 'cli', osUser: 'bench' },
		actorId: null,
	});
	const total = performance.now() - t0;
	clearInterval(ticks);
	await store.close();
	if (!outcome.ok) throw new Error(`in-process import: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
	console.log(
		`SQLite in process: importRoster, ${rowCount} rows: ${(total / 1000).toFixed(2)} s, longest event-loop block ${ms(longest)}`,
	);
}

if (!existsSync(join(distDir, 'server/entry.mjs'))) {
	console.log(`roster import: no build in ${distDir}: run npm run build for these figures`);
	process.exit(0);
}
const temp = mkdtempSync(join(tmpdir(), 'zhidu-bench-roster-'));
try {
	const sqliteFile = join(temp, 'zhidu.db');
	await run('SQLite', { sqliteFile }, { ZHIDU_DB_FILE: sqliteFile });
	await inProcess(join(temp, 'in-process.db'));
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
		await run('PostgreSQL', { databaseUrl: url.toString() }, { DATABASE_URL: url.toString() });
	} finally {
		await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await client.end();
	}
} finally {
	rmSync(temp, { recursive: true, force: true });
}
