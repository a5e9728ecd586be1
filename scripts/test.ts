/**
 * `npm test [-- <vitest options>]`: checks (and sets up when it can) what the
 * selected lanes need outside npm (scripts/test-prerequisites.ts), then runs
 * Vitest with the same arguments. `npm test -- --project unit` runs one lane
 * and asks only for what that lane needs.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defaultTestPgUrl, ensurePrerequisites, lanes, report, type Lane } from './test-prerequisites.ts';

const args = process.argv.slice(2);

/** The lanes named with --project (Vitest's option), else all of them. */
function selectedLanes(argv: string[]): Lane[] {
	const named: string[] = [];
	argv.forEach((arg, i) => {
		if (arg === '--project' && argv[i + 1]) named.push(argv[i + 1]!);
		else if (arg.startsWith('--project=')) named.push(arg.slice('--project='.length));
	});
	const known = lanes.filter((lane) => named.some((name) => name === lane || name.includes('*')));
	return named.length ? known : [...lanes];
}

const env = { ...process.env, ZHIDU_TEST_PG_URL: process.env['ZHIDU_TEST_PG_URL'] || defaultTestPgUrl };
const problems = await ensurePrerequisites(selectedLanes(args), env);
if (problems.length) {
	report(problems);
	process.exit(1);
}

const vitestPackage = createRequire(import.meta.url).resolve('vitest/package.json');
const vitest = join(dirname(vitestPackage), 'vitest.mjs');
// The lanes are defined in test/vitest.config.ts (kept out of the top level).
const config = args.some((a) => a === '--config' || a.startsWith('--config='))
	? []
	: ['--config', 'test/vitest.config.ts'];
const child = spawn(process.execPath, [vitest, 'run', ...config, ...args], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
