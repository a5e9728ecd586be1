/**
 * `npm start`: builds the site when it is missing or stale, then serves it
 * with the Zhidu server (src/server/main.ts).
 *
 *   node scripts/start.ts [--build]
 *
 * Rebuilds when the build in ZHIDU_DIST_DIR (default dist/) is missing, when
 * its build stamp (dist/build-stamp.json, see src/integrations/build-stamp.ts)
 * differs from what a build would be made from now (content, quiz banks, code,
 * ZHIDU_UI_LANG, ZHIDU_TIMEZONE, ZHIDU_CONTENT_DIR, ZHIDU_QUIZZES_DIR,
 * ZHIDU_PREVIEW), or always with --build. Serves on $HOST:$PORT (default
 * 127.0.0.1:4321).
 */
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentStamp, staleReason } from '#integrations/build-stamp.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const astro = join(root, 'node_modules', '.bin', 'astro');
const dist = resolve(root, process.env['ZHIDU_DIST_DIR'] || 'dist');

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--build');
if (unknown.length) {
	console.error(`start: unknown argument ${unknown.join(' ')}\nusage: node scripts/start.ts [--build]`);
	process.exit(2);
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
			// Served, so a production build whatever NODE_ENV the shell has: under another, Vite makes a development
			// bundle (as the server's rebuilds after an approval, src/server/publisher.ts).
			env: { ...process.env, NODE_ENV: 'production' },
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

const reason = args.includes('--build') ? '--build' : staleReason(dist, currentStamp(root));
if (reason) {
	console.log(`start: building the site (${reason})`);
	// The build writes its stamp (src/integrations/build-stamp.ts).
	const code = await runAstro(['build', '--outDir', dist]);
	if (code !== 0) {
		console.error(`start: astro build failed (exit code ${code})`);
		process.exit(code);
	}
} else {
	console.log(`start: ${dist} is up to date`);
}

// Serve through our server: identity, read access and security headers on every response.
const { startServer } = await import('#server/main.ts');
await startServer(dist).catch((error: unknown) => {
	console.error(
		(error as Error).name === 'ServerConfigError' ? (error as Error).message : `zhidu: ${(error as Error).message}`,
	);
	process.exit(1);
});
