#!/usr/bin/env node
/**
 * `npx zhidu <command>`: the project's CLI. Each command is a module under
 * ./commands exporting `run(args, io): Promise<number>` (the exit code); `run`
 * below dispatches to them, so tests run the CLI in-process with a capturing io.
 */
import { realpathSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.ts';
import { processIo, type CliIo } from './io.ts';

type Command = { run: (args: string[], io: CliIo) => Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
	import: {
		summary: 'import <file> --policy <id> --version <v> [--force]   import a .txt, .md or .docx policy',
		load: () => import('./commands/import.ts'),
	},
	search: {
		summary: 'search "<query>" [--policy <id>] [--json] [--limit N] ranked clauses for a query',
		load: () => import('./commands/search.ts'),
	},
	users: {
		summary: 'users list | add | import <csv> | export | set-password <email> | disable <email>   the roster',
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

/** Runs `zhidu <argv…>`; returns the exit code (2: bad usage). */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
	const [commandName, ...args] = argv;
	if (!commandName || commandName === '--help' || commandName === '-h' || commandName === 'help') {
		io.out(usage());
		return commandName ? 0 : 2;
	}
	const command = commands[commandName];
	if (!command) {
		io.err(`zhidu: unknown command "${commandName}"\n\n${usage()}`);
		return 2;
	}
	try {
		return await (await command.load()).run(args, io);
	} catch (error) {
		io.err(`zhidu ${commandName}: ${(error as Error).message}`);
		return error instanceof UsageError ? 2 : 1;
	}
}

/** Run as a program (also through the node_modules/.bin/zhidu link), not when imported. */
const invokedAs = (path: string | undefined) => {
	try {
		return path ? realpathSync(path) : '';
	} catch {
		return '';
	}
};
if (invokedAs(process.argv[1]) === fileURLToPath(import.meta.url)) {
	// As src/cli/bin.mjs does (there before any TypeScript loads): compiled modules kept on disk for the next run.
	enableCompileCache();
	process.exitCode = await run(process.argv.slice(2));
}
