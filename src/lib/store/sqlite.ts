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

/** Statements kept prepared per connection; past this many distinct texts the cache starts again. */
const STATEMENT_CACHE = 500;

/**
 * The connection's statement for `sql`, prepared once: preparing costs several
 * times what running a small query does (the session check ran 320 µs prepared
 * anew, 42 µs on a kept statement). Kysely's queries are fixed texts with `?`
 * parameters, so a handful of texts cover every request.
 */
export function cachedStatement(database: DatabaseSync, sql: string): { statement: StatementSync; reader: boolean } {
	let cache = statementCaches.get(database);
	if (!cache) statementCaches.set(database, (cache = new Map()));
	let entry = cache.get(sql);
	if (!entry) {
		if (cache.size >= STATEMENT_CACHE) cache.clear();
		const statement = database.prepare(sql);
		entry = { statement, reader: statement.columns().length > 0 };
		cache.set(sql, entry);
	}
	return entry;
}
const statementCaches = new WeakMap<DatabaseSync, Map<string, { statement: StatementSync; reader: boolean }>>();

function adapterFor(database: DatabaseSync): SqliteDatabase {
	return {
		close: () => database.close(),
		prepare: (sql: string): SqliteStatement => {
			const { statement, reader } = cachedStatement(database, sql);
			return {
				reader,
				all: (parameters) => statement.all(...(parameters as never[])),
				run: (parameters) => statement.run(...(parameters as never[])),
				iterate: (parameters) => statement.iterate(...(parameters as never[])) as IterableIterator<unknown>,
			};
		},
	};
}
