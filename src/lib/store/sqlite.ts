/**
 * node:sqlite under Kysely's SqliteDialect: the dialect expects a
 * better-sqlite3-shaped database, so a small adapter bridges the two.
 * The file is opened for durability first: WAL, synchronous=FULL (an
 * answered write survives a crash), a busy timeout for concurrent writers.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function openSqlite(file: string): { database: DatabaseSync; adapter: SqliteDatabase } {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const database = new DatabaseSync(file);
	database.exec('PRAGMA journal_mode = WAL');
	database.exec('PRAGMA synchronous = FULL');
	database.exec('PRAGMA busy_timeout = 5000');
	database.exec('PRAGMA foreign_keys = ON');
	const adapter: SqliteDatabase = {
		close: () => database.close(),
		prepare: (sql: string): SqliteStatement => {
			const statement: StatementSync = database.prepare(sql);
			return {
				reader: statement.columns().length > 0,
				all: (parameters) => statement.all(...(parameters as never[])),
				run: (parameters) => statement.run(...(parameters as never[])),
				iterate: (parameters) => statement.iterate(...(parameters as never[])) as IterableIterator<unknown>,
			};
		},
	};
	return { database, adapter };
}
