/**
 * Static delivery bench (issue 19 item 3): the signed-in chapter page through
 * the real server against sirv on the same file, both precompressed, with
 * server CPU per request, alternating the two for several rounds (the median
 * ratio holds better on a shared machine than one run). A quick loop for the
 * figure `npm run bench:load` reports among many others; it needs a build.
 *
 *   node scripts/bench-static.ts [--seconds 5] [--rounds 2] [--warmup 2] [--people 5000]
 *                                [--read signed-in|public] [--path /policies/…/] [--profile dir]
 *
 * `--read public` sends no cookie (what the session look-up costs); `--profile` writes the server's
 * CPU profile (--cpu-prof) into the folder.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { newToken, sha256 } from '#lib/auth/secrets.ts';
import { openStore } from '#lib/store/database.ts';
import { freePort, load, root, startServer } from './bench-support.ts';

const { values: args } = parseArgs({
	options: {
		seconds: { type: 'string', default: '5' },
		rounds: { type: 'string', default: '2' },
		people: { type: 'string', default: '5000' },
		dist: { type: 'string', default: 'dist' },
		profile: { type: 'string' },
		warmup: { type: 'string', default: '2' },
		/** `public`: reading open and no cookie sent, to see what the session look-up costs. */
		read: { type: 'string', default: 'signed-in' },
		path: { type: 'string', default: '/policies/pharma-operations-department/1.1/ch-3/' },
	},
});
const SECONDS = Number(args.seconds);
const distDir = resolve(root, args.dist);
const PAGE = args.path;

const TICKS = 100;
function cpuMs(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

const temp = mkdtempSync(join(tmpdir(), 'zhidu-bench-static-'));
try {
	const dbFile = join(temp, 'bench.db');
	const store = await openStore({ sqliteFile: dbFile });
	const at = new Date().toISOString();
	const expires = new Date(Date.now() + 24 * 3600_000).toISOString();
	const people = Array.from({ length: Number(args.people) }, (_, i) => ({
		id: randomUUID(),
		employee_id: `E${String(i).padStart(5, '0')}`,
		name: `員工${i}`,
		email: `e${i}@example.com`,
		hire_date: '2025-01-01',
		password_hash: null,
		disabled_on: null,
		created_at: at,
	}));
	const tokens = people.map(() => newToken());
	for (let i = 0; i < people.length; i += 200) {
		const part = people.slice(i, i + 200);
		await store.db.insertInto('people').values(part).execute();
		await store.db
			.insertInto('person_history')
			.values(
				part.map((p, j) => ({
					id: randomUUID(),
					person_id: p.id,
					department: '運營部門',
					role: (i + j === 0 ? 'hr' : 'staff') as 'hr' | 'staff',
					effective_from: '2025-01-01',
					recorded_at: at,
					recorded_by: null,
				})),
			)
			.execute();
		await store.db
			.insertInto('sessions')
			.values(
				part.map((p, j) => ({
					id_hash: sha256(tokens[i + j]!),
					person_id: p.id,
					csrf_token: newToken(24),
					created_at: at,
					expires_at: expires,
					revoked_at: null,
				})),
			)
			.execute();
	}
	await store.close();

	const t0 = performance.now();
	const server = await startServer({
		ZHIDU_DIST_DIR: distDir,
		ZHIDU_DB_FILE: dbFile,
		ZHIDU_READ: args.read,
		...(args.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(args.profile)}` } : {}),
	});
	const client = join(distDir, 'client');
	const plain = join(temp, 'sirv');
	const file = PAGE.endsWith('/') ? join(PAGE, 'index.html') : PAGE;
	const body = readFileSync(join(client, file));
	mkdirSync(join(plain, file, '..'), { recursive: true });
	writeFileSync(join(plain, file), body);
	writeFileSync(join(plain, `${file}.br`), brotliCompressSync(body));
	writeFileSync(join(plain, `${file}.gz`), gzipSync(body, { level: 9 }));
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
	const headers: Record<string, string> = { 'accept-encoding': 'br, gzip', accept: 'text/html' };
	if (args.read === 'signed-in') headers['cookie'] = `zhidu_session=${tokens[1]}`;
	const run = async (base: string, pid: number, h: Record<string, string>, seconds = SECONDS) => {
		const cpu0 = cpuMs(pid);
		const r = await autocannon({ url: `${base}${PAGE}`, connections: 10, duration: seconds, headers: h });
		const cpu = cpuMs(pid) - cpu0;
		if (r.non2xx) console.log(`    (${r.non2xx} non-2xx from ${base})`);
		return { rate: r.requests.average, cpuPerRequest: cpu / r.requests.total, total: r.requests.total };
	};
	try {
		// Warm up both.
		await run(server.base, server.child.pid!, headers, Number(args.warmup));
		console.log(`warmed up ${((performance.now() - t0) / 1000).toFixed(1)} s after the server's spawn`);
		await run(sirvBase, sirvChild.pid!, { 'accept-encoding': 'br, gzip' }, 2);
		const ratios: number[] = [];
		const cpuRatios: number[] = [];
		for (let round = 1; round <= Number(args.rounds); round++) {
			const ours = await run(server.base, server.child.pid!, headers);
			const theirs = await run(sirvBase, sirvChild.pid!, { 'accept-encoding': 'br, gzip' });
			ratios.push(ours.rate / theirs.rate);
			cpuRatios.push(theirs.cpuPerRequest / ours.cpuPerRequest);
			console.log(
				`round ${round}: ours ${ours.rate.toFixed(0)}/s (${(ours.cpuPerRequest * 1000).toFixed(0)} µs CPU/req), sirv ${theirs.rate.toFixed(0)}/s (${(theirs.cpuPerRequest * 1000).toFixed(0)} µs CPU/req), ratio ${(ours.rate / theirs.rate).toFixed(2)}× (${load()})`,
			);
		}
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
		console.log(
			`median over ${ratios.length} rounds: requests/s ratio ${median(ratios).toFixed(2)}×, CPU per request ratio (sirv ÷ ours) ${median(cpuRatios).toFixed(2)}× (${load()})`,
		);
	} finally {
		sirvChild.kill('SIGTERM');
		await server.stop();
	}
} finally {
	rmSync(temp, { recursive: true, force: true });
}
