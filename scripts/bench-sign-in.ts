/**
 * Sign-in benchmark (part of `npm run bench`): through the real server, on
 * SQLite and on PostgreSQL, 40 people sign in at once (each from their own
 * address, as behind a proxy), and /api/health is probed meanwhile. Password
 * hashing (scrypt) runs on libuv's thread pool, so the health check should not
 * wait for it (target: p95 under 200 ms).
 *
 *   node scripts/bench-sign-in.ts [--dist <build folder>]
 *
 * Figures only. Needs a build (npm run build; default dist/) and, for
 * PostgreSQL, ZHIDU_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * PostgreSQL is skipped with a note when it does not answer.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import { hashPassword } from '#lib/auth/secrets.ts';
import { openStore, type StoreOptions } from '#lib/store/database.ts';
import { freePort, ms, sampleHealth } from './bench-support.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { dist: { type: 'string', default: join(root, 'dist') } } });
const dist = resolve(values.dist);
const SIGN_INS = 40;
const PASSWORD = 'bench sign-in password';

async function seed(options: StoreOptions): Promise<void> {
	const store = await openStore(options);
	try {
		const hash = await hashPassword(PASSWORD);
		for (let i = 0; i < SIGN_INS; i++) {
			const person = await addPerson(
				store,
				{ employeeId: `B${i}`, name: `員工${i}`, email: `b${i}@example.com`, department: '運營部', role: 'staff' },
				cliActor(),
			);
			await store.db.updateTable('people').set({ password_hash: hash }).where('id', '=', person.id).execute();
		}
	} finally {
		await store.close();
	}
}

async function figures(env: Record<string, string>) {
	const port = await freePort();
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: root,
		env: {
			...process.env,
			...env,
			ZHIDU_DIST_DIR: dist,
			ZHIDU_TRUSTED_PROXIES: '127.0.0.1',
			PORT: String(port),
			HOST: '127.0.0.1',
		},
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
		await fetch(`${base}/api/health`);
		const sampler = sampleHealth(base);
		const t0 = performance.now();
		const statuses = await Promise.all(
			Array.from({ length: SIGN_INS }, (_, i) =>
				fetch(`${base}/api/v1/auth/login`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
					body: JSON.stringify({ email: `b${i}@example.com`, password: PASSWORD }),
				}).then((r) => r.status),
			),
		);
		const burst = performance.now() - t0;
		const health = await sampler.stop();
		return { health, burst, ok: statuses.filter((s) => s === 200).length };
	} finally {
		child.kill('SIGTERM');
	}
}

async function run(name: string, options: StoreOptions, env: Record<string, string>) {
	await seed(options);
	const f = await figures(env);
	console.log(
		`${name}: ${SIGN_INS} concurrent sign-ins (${f.ok} signed in) took ${ms(f.burst)}; /api/health meanwhile: ${f.health.summary}`,
	);
}

if (!existsSync(join(dist, 'server/entry.mjs'))) {
	console.log(`sign-in bench: no build in ${dist}: run npm run build first`);
	process.exit(0);
}
const temp = mkdtempSync(join(tmpdir(), 'zhidu-bench-sign-in-'));
try {
	const sqliteFile = join(temp, 'zhidu.db');
	await run('SQLite', { sqliteFile }, { ZHIDU_DB_FILE: sqliteFile });
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
