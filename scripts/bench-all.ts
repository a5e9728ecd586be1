/**
 * `npm run bench`: the build and search bench, then tracking, roster import
 * and sign-in; `npm run bench -- --load` runs the load bench instead
 * (scripts/bench-load.ts). Options after `--` go to the first script (or to
 * the load bench), not to the last one of a chain.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const run = (script: string, scriptArgs: string[] = []) => {
	const result = spawnSync(process.execPath, [join(import.meta.dirname, script), ...scriptArgs], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
};
if (args.includes('--load'))
	run(
		'bench-load.ts',
		args.filter((a) => a !== '--load'),
	);
else
	for (const [script, scriptArgs] of [
		['bench.ts', args],
		['bench-tracking.ts'],
		['bench-roster.ts'],
		['bench-sign-in.ts'],
		['bench-publish.ts'],
	] as const)
		run(script, [...(scriptArgs ?? [])]);
