/**
 * `zhidu db backup <file>`: a consistent copy of the SQLite database while the
 * server runs (VACUUM INTO reads one snapshot; writers carry on under WAL).
 * For PostgreSQL use pg_dump (see README).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { readServerConfig } from '#server/config.ts';
import { UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const [action, target] = args;
	if (action !== 'backup' || !target) throw new UsageError('usage: zhidu db backup <file>');
	const config = readServerConfig(io.env);
	if (config.databaseUrl) throw new UsageError('DATABASE_URL is PostgreSQL: back it up with pg_dump (see README)');
	const source = resolve(io.cwd, config.dbFile);
	if (!existsSync(source)) throw new UsageError(`${source}: no database yet`);
	const file = resolve(io.cwd, target);
	if (existsSync(file)) throw new UsageError(`${file} already exists; choose a new file`);
	const db = new DatabaseSync(source);
	try {
		db.exec('PRAGMA busy_timeout = 10000');
		db.prepare('VACUUM INTO ?').run(file);
	} finally {
		db.close();
	}
	const check = new DatabaseSync(file, { readOnly: true });
	const result = check.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
	check.close();
	io.out(`backed up ${source} to ${file} (integrity: ${result.integrity_check})`);
	return result.integrity_check === 'ok' ? 0 : 1;
}
