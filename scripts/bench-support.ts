/**
 * What every bench script shares: the health-wait sampler (how long
 * `/api/health` waits while something else runs), percentiles, a free port,
 * starting the real server as a child process, a throwaway PostgreSQL
 * database, and synthetic people to seed. One copy, so every bench measures
 * the health wait the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import pg from 'pg';
import type { Database } from '#lib/store/schema.ts';

export const root = resolve(import.meta.dirname, '..');

export const percentile = (xs: readonly number[], p: number) =>
	xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
export const ms = (n: number) => (Number.isNaN(n) ? '–' : n < 10 ? `${n.toFixed(1)} ms` : `${n.toFixed(0)} ms`);
/** The 1-minute load average, printed beside figures taken on a shared machine. */
export const load = () => `load ${loadavg()[0]!.toFixed(1)}`;

export interface HealthWaits {
	samples: number[];
	p50: number;
	p95: number;
	max: number;
	/** "p50 x, p95 y, max z (n probes)" */
	summary: string;
}

export function summariseWaits(samples: number[]): HealthWaits {
	const p50 = percentile(samples, 50);
	const p95 = percentile(samples, 95);
	const max = samples.length ? Math.max(...samples) : NaN;
	return {
		samples,
		p50,
		p95,
		max,
		summary: `p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(max)} (${samples.length} probes)`,
	};
}

/**
 * Asks `/api/health` one request at a time, `intervalMs` apart, until
 * `stop()`; each figure is how long one answer took (request to body read).
 */
export function sampleHealth(base: string, intervalMs = 10): { stop(): Promise<HealthWaits> } {
	const samples: number[] = [];
	let running = true;
	const loop = (async () => {
		while (running) {
			const t0 = performance.now();
			try {
				await (await fetch(`${base}/api/health`)).arrayBuffer();
			} catch {
				// A refused probe counts as the time it took to be refused.
			}
			samples.push(performance.now() - t0);
			await new Promise((r) => setTimeout(r, intervalMs));
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			return summariseWaits(samples);
		},
	};
}

/** Health waits while `work` runs. */
export async function healthDuring<T>(
	base: string,
	work: () => Promise<T>,
	intervalMs = 10,
): Promise<{ result: T; health: HealthWaits }> {
	const sampler = sampleHealth(base, intervalMs);
	try {
		const result = await work();
		return { result, health: await sampler.stop() };
	} catch (error) {
		await sampler.stop();
		throw error;
	}
}

export function freePort(): Promise<number> {
	return new Promise((done) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => done(port));
		});
	});
}

export interface RunningServer {
	base: string;
	child: ChildProcess;
	port: number;
	/** Milliseconds from spawn to the "serving" line. */
	startedIn: number;
	/** Milliseconds from spawn to the first 200 from /api/health. */
	healthyIn: number;
	output(): string;
	stop(): Promise<void>;
}

/**
 * Starts `src/server/main.ts` (the real server) on a free port and waits for
 * its "serving" line and its first healthy answer (asked every 10 ms from the
 * start: the server listens before it prints the line).
 */
export async function startServer(env: Record<string, string>, timeoutMs = 300_000): Promise<RunningServer> {
	const port = await freePort();
	const t0 = performance.now();
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: root,
		env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const base = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + timeoutMs;
	let startedIn = NaN;
	let healthyIn = NaN;
	while (Number.isNaN(startedIn) || Number.isNaN(healthyIn)) {
		if (Date.now() > deadline || child.exitCode !== null) {
			child.kill('SIGKILL');
			throw new Error(`server did not start:\n${out}`);
		}
		if (Number.isNaN(startedIn) && out.includes('zhidu: serving')) startedIn = performance.now() - t0;
		if (Number.isNaN(healthyIn)) {
			const ok = await fetch(`${base}/api/health`).then(
				async (r) => (await r.arrayBuffer(), r.ok),
				() => false,
			);
			if (ok) healthyIn = performance.now() - t0;
		}
		await new Promise((r) => setTimeout(r, 10));
	}
	return {
		healthyIn,
		base,
		child,
		port,
		startedIn,
		output: () => out,
		stop: () =>
			new Promise<void>((done) => {
				if (child.exitCode !== null) return done();
				child.once('exit', () => done());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
			}),
	};
}

export const pgAdminUrl = () => process.env['ZHIDU_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database for one bench, or undefined (with the reason printed) when PostgreSQL does not answer. */
export async function throwawayPg(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
	const admin = pgAdminUrl();
	const name = `zhidu_bench_${Date.now().toString(36)}_${process.pid}`;
	const client = new pg.Client({ connectionString: admin });
	try {
		await client.connect();
		await client.query(`CREATE DATABASE ${name}`);
	} catch (error) {
		console.log(`PostgreSQL: skipped (${(error as Error).message})`);
		await client.end().catch(() => {});
		return undefined;
	}
	const url = new URL(admin);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await client.end();
		},
	};
}

/**
 * `count` people rows to seed a store with (benches, and tests of large rosters): `<prefix>00042`,
 * 員工42, `<prefix>42@example.com` (lower case), no password; hire date and leaving date per index.
 */
export function syntheticPeople(
	count: number,
	{
		prefix = 'E',
		createdAt,
		hireDate = () => '2025-01-01',
		disabledOn = () => null,
	}: {
		prefix?: string;
		createdAt: string;
		hireDate?: (i: number) => string;
		disabledOn?: (i: number) => string | null;
	},
): (Insertable<Database['people']> & { id: string; hire_date: string; created_at: string })[] {
	return Array.from({ length: count }, (_, i) => ({
		id: randomUUID(),
		employee_id: `${prefix}${String(i).padStart(5, '0')}`,
		name: `員工${i}`,
		email: `${prefix.toLowerCase()}${i}@example.com`,
		hire_date: hireDate(i),
		password_hash: null,
		disabled_on: disabledOn(i),
		created_at: createdAt,
	}));
}

/** A passed attempt (9 of 10) of `quizId` on version 1.1, its grade and an acknowledgement of that version. */
export function syntheticPass({
	personId,
	quizId,
	policyId = quizId,
	seed,
	startedAt,
	gradedAt = startedAt,
	acknowledgedAt = startedAt,
}: {
	personId: string;
	quizId: string;
	policyId?: string;
	seed: number;
	startedAt: string;
	gradedAt?: string;
	acknowledgedAt?: string;
}): {
	attempt: Insertable<Database['attempts']>;
	grade: Insertable<Database['attempt_grades']>;
	acknowledgement: Insertable<Database['acknowledgements']>;
} {
	const id = randomUUID();
	return {
		attempt: {
			id,
			person_id: personId,
			quiz_id: quizId,
			policy_id: policyId,
			policy_version: '1.1',
			seed,
			questions: '[]',
			started_at: startedAt,
			deadline_at: null,
			snapshot: null,
		},
		grade: {
			attempt_id: id,
			graded_at: gradedAt,
			answers: '{}',
			correct: 9,
			total: 10,
			score: 90,
			passed: 1,
			late: 0,
			record: null,
		},
		acknowledgement: {
			id: randomUUID(),
			person_id: personId,
			policy_id: policyId,
			policy_version: '1.1',
			text_hash: 'seeded',
			acknowledged_at: acknowledgedAt,
		},
	};
}
