/**
 * Publication without a terminal (issue 17): approval → served by the site, at about 1,000 chapter pages.
 *
 * Copies the policies of content/policies into N policies (default 72: about 1,000 chapter pages) in a git
 * repository under $TMPDIR/zhidu-bench-publish, gives one of them a 1.2 in review, builds the site, starts
 * the real server on it, signs the approval through the browser's form (an HR person's password), and
 * times until the server serves 1.2's chapter page (the background rebuild swapped in). Prints figures
 * only; asserts nothing. `--policies N`, `--keep`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { companyToday } from '../src/lib/calendar.ts';
import { loadContentOrThrow } from '../src/lib/content/loader.ts';
import { versionHash } from '../src/lib/content/version-hash.ts';

const projectRoot = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
	options: { policies: { type: 'string', default: '72' }, keep: { type: 'boolean', default: false } },
});
const count = Number(values.policies);
const folder = join(tmpdir(), 'zhidu-bench-publish');
const contentDir = join(folder, 'content', 'policies');
const distDir = join(folder, 'dist');
const children = new Set<ChildProcess>();
const git = (...args: string[]) =>
	execFileSync('git', args, {
		cwd: folder,
		env: {
			...process.env,
			GIT_AUTHOR_NAME: 'bench',
			GIT_AUTHOR_EMAIL: 'bench@example.com',
			GIT_COMMITTER_NAME: 'bench',
			GIT_COMMITTER_EMAIL: 'bench@example.com',
		},
	});

function corpus(): { policy: string; pages: number } {
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(contentDir, { recursive: true });
	mkdirSync(join(folder, 'no-quizzes'));
	const sources = readdirSync(join(projectRoot, 'content/policies')).sort();
	let pages = 0;
	for (let copy = 1; copy <= count; copy++) {
		const source = sources[(copy - 1) % sources.length]!;
		const id = `bench-${String(copy).padStart(3, '0')}-${source}`;
		cpSync(join(projectRoot, 'content/policies', source), join(contentDir, id), { recursive: true });
		const yaml = join(contentDir, id, 'policy.yaml');
		writeFileSync(
			yaml,
			readFileSync(yaml, 'utf8').replace(/^title: *(.+)$/m, (_, t: string) => `title: ${t.trim()}（測試 ${copy}）`),
		);
		for (const v of readdirSync(join(contentDir, id)).filter((n) => /^\d+\.\d+$/.test(n)))
			pages += readdirSync(join(contentDir, id, v)).filter((n) => n.endsWith('.mdx')).length;
	}
	// One policy gets a 1.2 in review: one clause changed, its text hash recorded as `zhidu submit` does.
	// The second copy: a policy without template blanks (blanks left block approval).
	const policy = `bench-002-${sources[1 % sources.length]}`;
	const draft = join(contentDir, policy, '1.2');
	cpSync(join(contentDir, policy, '1.1'), draft, { recursive: true });
	const first = readdirSync(draft)
		.filter((n) => n.endsWith('.mdx'))
		.sort()[0]!;
	const file = join(draft, first);
	// A substantive change; the chapter's knowledge checks are confirmed still correct, as HR does in the editor.
	writeFileSync(
		file,
		readFileSync(file, 'utf8')
			.replace(/(<Clause id="[^"]+"[^>]*>\n)(.)/, '$1（修訂）$2')
			.replaceAll('<KnowledgeCheck\n', '<KnowledgeCheck\n\treviewedFor="1.2"\n'),
	);
	writeFileSync(
		join(draft, 'version.yaml'),
		stringify({ version: '1.2', status: 'draft', changeSummary: ['修訂一條。'] }),
	);
	const loaded = loadContentOrThrow({ policiesDir: contentDir }).find((p) => p.id === policy)!;
	const hash = versionHash(loaded, '1.2');
	writeFileSync(
		join(draft, 'version.yaml'),
		stringify({
			version: '1.2',
			status: 'in-review',
			changeSummary: ['修訂一條。'],
			review: { submittedHash: hash, submittedOn: companyToday() },
		}),
	);
	pages += readdirSync(draft).filter((n) => n.endsWith('.mdx')).length;
	git('init', '--quiet');
	git('add', '.');
	git('commit', '--quiet', '-m', 'bench corpus');
	// dist/server imports packages by name.
	symlinkSync(join(projectRoot, 'node_modules'), join(folder, 'node_modules'));
	return { policy, pages };
}

/** The text of a page's alerts (the refusal HR would read), not its markup. */
function alerts(html: string): string {
	const found = [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:div|section)>/g)].map((m) =>
		m[1]!
			.replace(/<[^>]+>/g, ' ')
			.replace(/\s+/g, ' ')
			.trim(),
	);
	return found.join(' | ') || html.slice(0, 2000);
}

const env = () => ({
	...process.env,
	ZHIDU_CONTENT_DIR: contentDir,
	ZHIDU_QUIZZES_DIR: join(folder, 'no-quizzes'),
	ZHIDU_DB_FILE: join(folder, 'zhidu.db'),
	ASTRO_TELEMETRY_DISABLED: '1',
});

function run(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
	const child = spawn(process.execPath, args, {
		cwd: projectRoot,
		env: { ...env(), ...extraEnv },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

async function build(): Promise<number> {
	const started = performance.now();
	const child = run([join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'build', '--outDir', distDir]);
	let tail = '';
	child.stderr!.on('data', (d) => (tail = (tail + d).slice(-4000)));
	child.stdout!.on('data', (d) => (tail = (tail + d).slice(-4000)));
	const code = await new Promise<number | null>((done) => child.once('exit', done));
	if (code !== 0) throw new Error(`astro build failed:\n${tail}`);
	return (performance.now() - started) / 1000;
}

const freePort = () =>
	new Promise<number>((done) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => done(port));
		});
	});

async function main() {
	console.log(`Publication bench: ${count} policies`);
	const { policy, pages } = corpus();
	console.log(`  corpus: ${pages} chapter files (${folder})`);
	const initial = await build();
	console.log(`  initial build: ${initial.toFixed(1)} s`);
	const port = await freePort();
	const server = run(['src/server/main.ts'], { HOST: '127.0.0.1', PORT: String(port), ZHIDU_DIST_DIR: distDir });
	let output = '';
	server.stdout!.on('data', (d) => (output += d));
	server.stderr!.on('data', (d) => (output += d));
	while (!/zhidu: serving/.test(output)) {
		if (server.exitCode !== null) throw new Error(output);
		await new Promise((r) => setTimeout(r, 100));
	}
	const base = `http://127.0.0.1:${port}`;
	const setup = /(http:\/\/\S+\/setup\/\?token=\S+)/.exec(output)![1]!;
	const password = 'bench approver password';
	const form = (data: Record<string, string>) => new URLSearchParams(data).toString();
	const made = await fetch(setup, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
		body: form({
			name: '核准人',
			email: 'approver@example.com',
			employeeId: 'A1',
			department: '人力資源部',
			password,
			confirm: password,
		}),
	});
	if (made.status !== 303) throw new Error(`setup: ${made.status}`);
	const login = await fetch(`${base}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'approver@example.com', password }),
	});
	const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
	const { csrfToken } = (await login.json()) as { csrfToken: string };
	const chapter = `${base}/policies/${policy}/1.2/ch-1/`;
	const before = (await fetch(chapter, { headers: { cookie } })).status;
	const started = performance.now();
	const signed = await fetch(`${base}/hr/policies/${policy}/1.2/`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie },
		body: form({ _csrf: csrfToken, op: 'sign', meaning: '核准', effective: companyToday(), password }),
	});
	const signedAt = (performance.now() - started) / 1000;
	if (signed.status !== 303) throw new Error(`signing answered ${signed.status}: ${alerts(await signed.text())}`);
	let served = 0;
	while (served !== 200) {
		await new Promise((r) => setTimeout(r, 500));
		served = (await fetch(chapter, { headers: { cookie } })).status;
		if ((performance.now() - started) / 1000 > 600) throw new Error(`not served after 600 s:\n${output.slice(-3000)}`);
	}
	const total = (performance.now() - started) / 1000;
	const overview = await (await fetch(`${base}/policies/${policy}/`, { headers: { cookie } })).text();
	console.log(`  1.2 chapter page before approval: ${before}`);
	console.log(`  signing (password check, signature, approve, commit): ${signedAt.toFixed(2)} s`);
	console.log(`  approval → 1.2 served by the site: ${total.toFixed(1)} s (target < 60 s)`);
	console.log(`  overview names 1.2 in force: ${overview.includes('1.2')}`);
	console.log(`  ${/published .* in ([\d.]+) s/.exec(output)?.[0] ?? ''}`);
}

async function cleanup() {
	for (const child of children) child.kill('SIGTERM');
	if (!values.keep) rmSync(folder, { recursive: true, force: true });
	else console.log(`kept ${folder}`);
}

process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
main()
	.catch((error: unknown) => {
		console.error((error as Error).message);
		process.exitCode = 1;
	})
	.finally(() => void cleanup());
