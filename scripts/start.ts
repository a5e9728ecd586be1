/**
 * `npm start`: builds the site when it is missing or stale, then serves it
 * with the Zhidu server (src/server/main.ts).
 *
 *   node scripts/start.ts [--build]
 *
 * Rebuilds when dist/ is missing, when any file in content/ (or
 * ZHIDU_CONTENT_DIR), src/, quizzes/, public/ or the Astro config is newer than
 * the last build, when ZHIDU_CONTENT_DIR or ZHIDU_PREVIEW differ from the last
 * build, or always with --build. Serves on $HOST:$PORT (default 127.0.0.1:4321).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const astro = join(root, 'node_modules', '.bin', 'astro');
const dist = join(root, 'dist');
/** Outside dist/, so it is never served. */
const stampFile = join(root, 'node_modules', '.cache', 'zhidu', 'last-build.json');

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--build');
if (unknown.length) {
	console.error(`start: unknown argument ${unknown.join(' ')}\nusage: node scripts/start.ts [--build]`);
	process.exit(2);
}
const buildEnv = {
	contentDir: process.env.ZHIDU_CONTENT_DIR || 'content/policies',
	preview: process.env.ZHIDU_PREVIEW === '1',
};

/** Newest modification time of any file under the given paths (0 when none exist). */
function newestMtime(paths: string[]): number {
	let newest = 0;
	for (const path of paths) {
		if (!existsSync(path)) continue;
		const stat = statSync(path);
		if (stat.isFile()) {
			newest = Math.max(newest, stat.mtimeMs);
			continue;
		}
		for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
			if (!entry.isFile()) continue;
			newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
		}
	}
	return newest;
}

interface Stamp {
	/** When the last build by this script started. */
	builtAt: number;
	/** dist/index.html's mtime after that build: if it differs now, something else rebuilt dist/. */
	indexMtime: number;
	contentDir: string;
	preview: boolean;
}

function readStamp(): Stamp | undefined {
	try {
		return JSON.parse(readFileSync(stampFile, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Why a build is needed, or undefined when dist/ is up to date. */
function staleReason(): string | undefined {
	if (args.includes('--build')) return '--build';
	const index = join(dist, 'client', 'index.html');
	if (!existsSync(index)) return 'dist/ is missing';
	const indexMtime = statSync(index).mtimeMs;
	const stamp = readStamp();
	if (stamp?.indexMtime !== indexMtime) return 'dist/ was not built by npm start (environment unknown)';
	if (stamp.contentDir !== buildEnv.contentDir || stamp.preview !== buildEnv.preview) {
		return 'ZHIDU_CONTENT_DIR or ZHIDU_PREVIEW changed since the last build';
	}
	const builtAt = stamp.builtAt;
	const sources = [
		resolve(root, buildEnv.contentDir),
		join(root, 'content'),
		join(root, 'src'),
		join(root, 'quizzes'),
		join(root, 'public'),
		join(root, 'astro.config.mjs'),
		join(root, 'package-lock.json'),
	];
	if (newestMtime(sources) > builtAt) return 'sources changed since the last build';
	return undefined;
}

/**
 * Runs the Astro CLI with the Node that runs this script (Astro 7 needs Node >= 22.12; the
 * `#!/usr/bin/env node` of node_modules/.bin/astro would pick whatever `node` is first on PATH),
 * forwarding termination signals; resolves with its exit code.
 */
function runAstro(astroArgs: string[]): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(process.execPath, [realpathSync(astro), ...astroArgs], {
			cwd: root,
			stdio: 'inherit',
			env: process.env,
		});
		const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
		const forward = (signal: NodeJS.Signals) => {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		};
		for (const signal of signals) process.on(signal, forward);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			for (const s of signals) process.off(s, forward);
			// A child ended by a signal: report it as the shell would (128 + signal number).
			if (code === null && signal) resolvePromise(128 + (signalNumbers[signal] ?? 1));
			else resolvePromise(code ?? 1);
		});
	});
}
const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

if (!existsSync(astro)) {
	console.error(`start: ${astro} not found; run npm install first`);
	process.exit(1);
}

const reason = staleReason();
if (reason) {
	console.log(`start: building the site (${reason})`);
	const startedAt = Date.now();
	const code = await runAstro(['build']);
	if (code !== 0) {
		console.error(`start: astro build failed (exit code ${code})`);
		process.exit(code);
	}
	mkdirSync(dirname(stampFile), { recursive: true });
	const stamp: Stamp = {
		builtAt: startedAt,
		indexMtime: statSync(join(dist, 'client', 'index.html')).mtimeMs,
		...buildEnv,
	};
	writeFileSync(stampFile, JSON.stringify(stamp, null, '\t') + '\n');
} else {
	console.log('start: dist/ is up to date');
}

// Serve through our server: identity, read access and security headers on every response.
const { startServer } = await import('../src/server/main.ts');
await startServer(dist).catch((error: unknown) => {
	console.error(
		(error as Error).name === 'ServerConfigError' ? (error as Error).message : `zhidu: ${(error as Error).message}`,
	);
	process.exit(1);
});
