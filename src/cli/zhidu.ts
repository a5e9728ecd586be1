#!/usr/bin/env node
/**
 * `npx zhidu <command>`: the project's CLI. Each command is a module under
 * ./commands exporting `run(args): Promise<number>` (the exit code).
 */
import { UsageError } from './args.ts';

const commands: Record<string, { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> }> =
	{
		import: {
			summary: 'import <file> --policy <id> --version <v> [--force]   import a .txt, .md or .docx policy',
			load: () => import('./commands/import.ts'),
		},
		search: {
			summary: 'search "<query>" [--policy <id>] [--json] [--limit N] ranked clauses for a query',
			load: () => import('./commands/search.ts'),
		},
		users: {
			summary: 'users list | add | import <csv> | set-password <email> | disable <email>   the roster',
			load: () => import('./commands/users.ts'),
		},
		db: {
			summary: 'db backup <file>                                     consistent copy of the SQLite database',
			load: () => import('./commands/db.ts'),
		},
		lint: {
			summary: 'lint [--content <dir>] [--json]                       check content; non-zero exit on errors',
			load: () => import('./commands/lint.ts'),
		},
		revise: {
			summary: 'revise <policy> [--to <v>] [--major]                  new draft version copied from the latest one',
			load: () => import('./commands/revise.ts'),
		},
		status: {
			summary: 'status <policy> [--json] | status [<policy>] --due     versions, states, what blocks approval',
			load: () => import('./commands/status.ts'),
		},
		diff: {
			summary: 'diff <policy> <from> <to> [--json]                   the redline between two versions',
			load: () => import('./commands/diff.ts'),
		},
		submit: {
			summary: 'submit <policy> <version>                            draft → in-review (records a hash of the text)',
			load: () => import('./commands/submit.ts'),
		},
		approve: {
			summary: 'approve <policy> <version> --effective <date> --by <name> --meaning <text>   in-review → approved',
			load: () => import('./commands/approve.ts'),
		},
	};

function usage(): string {
	return ['Usage: zhidu <command> [options]', '', ...Object.values(commands).map((c) => `  zhidu ${c.summary}`)].join(
		'\n',
	);
}

const [commandName, ...args] = process.argv.slice(2);
if (!commandName || commandName === '--help' || commandName === '-h' || commandName === 'help') {
	console.log(usage());
	process.exit(commandName ? 0 : 2);
}
const command = commands[commandName];
if (!command) {
	console.error(`zhidu: unknown command "${commandName}"\n\n${usage()}`);
	process.exit(2);
}
try {
	process.exitCode = await (await command.load()).run(args);
} catch (error) {
	console.error(`zhidu ${commandName}: ${(error as Error).message}`);
	process.exitCode = error instanceof UsageError ? 2 : 1;
}
