/**
 * node:sqlite under Kysely's SqliteDialect: the dialect expects a
 * better-sqlite3-shaped database, so a small adapter bridges the two.
 * The file is opened for durability first: WAL, synchronous=FULL (an
 * answered write survives a crash), a busy timeout for concurrent writers.
 *
 * A second, read-only connection to the same file serves pure reads (the
 * health check, reports): Kysely gives SQLite one connection, which a long
 * write transaction holds, while WAL lets a reader see the last commit
 * meanwhile.
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
	return { database, adapter: adapterFor(database) };
}

/** The read-only connection; open it after the writer has made the file (and put it in WAL mode). */
export function openSqliteReader(file: string): { database: DatabaseSync; adapter: SqliteDatabase } {
	const database = new DatabaseSync(file, { readOnly: true });
	database.exec('PRAGMA busy_timeout = 5000');
	return { database, adapter: adapterFor(database) };
}

function adapterFor(database: DatabaseSync): SqliteDatabase {
	return {
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
}
