/**
 * Opens the store: node:sqlite by default (a file, created on first start),
 * PostgreSQL when DATABASE_URL is postgres://…. Migrations run at open; on
 * PostgreSQL under an advisory lock, so several instances can start at once.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import type pg from 'pg';
import { migrations, type Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import { GroupCommitDialect } from './group-commit.ts';
import { cachedStatement, openSqlite, openSqliteReader } from './sqlite.ts';

export interface Store {
	db: Kysely<Database>;
	/**
	 * For pure reads that must not wait behind a long write (health, reports): on a SQLite file a
	 * read-only connection that sees the last commit; otherwise `db`. Not for checks before a write.
	 */
	reads: Kysely<Database>;
	/** SQLite: the writing connection itself, for bulk inserts inside a transaction on `db` (bulk-insert.ts). */
	sqlite?: DatabaseSync;
	dialect: Dialect;
	/** Where the data lives, without credentials (for logs and health). */
	location: string;
	close(): Promise<void>;
	/** The raw node:sqlite handle, for `zhidu db backup` (SQLite only). */
	sqliteFile?: string;
	/** SQLite: the read-only connection behind `reads` (the writer for an in-memory database). */
	sqliteReader?: DatabaseSync;
	/** PostgreSQL: the pool behind `db`. */
	pool?: pg.Pool;
}

export interface StoreOptions {
	/** postgres://… or undefined for SQLite. */
	databaseUrl?: string | undefined;
	/** The SQLite file (default ./data/zhidu.db). */
	sqliteFile?: string;
}

/** An arbitrary, fixed key: every Zhidu instance takes the same lock to migrate. */
const MIGRATION_LOCK = 727_105_001;

export async function openStore(options: StoreOptions = {}): Promise<Store> {
	if (options.databaseUrl) {
		// Loaded only for PostgreSQL: a SQLite server (the default) starts without its modules.
		const { default: postgres } = await import('pg');
		const pool = new postgres.Pool({ connectionString: options.databaseUrl, max: 10 });
		// An idle connection the server ends (a restart, a terminated backend) is an 'error' event on the pool:
		// unhandled, it would end the whole process; the pool replaces the connection at the next query.
		pool.on('error', (error) => console.error(`zhidu: an idle PostgreSQL connection ended: ${error.message}`));
		const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
		const url = new URL(options.databaseUrl);
		const store: Store = {
			db,
			reads: db,
			pool,
			dialect: 'postgres',
			location: `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`,
			close: () => db.destroy(),
		};
		await migrate(store);
		return store;
	}
	const file = options.sqliteFile ?? 'data/zhidu.db';
	const { database } = openSqlite(file);
	// Writes that arrive together share one durable COMMIT, each in its own savepoint (group-commit.ts).
	const db = new Kysely<Database>({ dialect: new GroupCommitDialect(database) });
	const store: Store = {
		db,
		reads: db,
		sqlite: database,
		sqliteReader: database,
		dialect: 'sqlite',
		location: file,
		close: () => db.destroy(),
		sqliteFile: file,
	};
	await migrate(store);
	// After migrating: the file exists, in WAL mode, with its tables. (":memory:" has no second connection.)
	if (file !== ':memory:' && !file.startsWith('file::memory:')) {
		const reader = openSqliteReader(file);
		const reads = new Kysely<Database>({ dialect: new SqliteDialect({ database: reader.adapter }) });
		store.reads = reads;
		store.sqliteReader = reader.database;
		store.close = async () => {
			await reads.destroy();
			await db.destroy();
		};
	}
	return store;
}

async function migrate(store: Store): Promise<void> {
	const provider: MigrationProvider = { getMigrations: async () => migrations(store.dialect) };
	const run = async (db: Kysely<Database>) => {
		const migrator = new Migrator({ db, provider });
		const { error, results } = await migrator.migrateToLatest();
		if (error) {
			const failed = results?.find((r) => r.status === 'Error');
			throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message}`);
		}
	};
	if (store.dialect === 'sqlite') return run(store.db);
	// One connection holds the session-level advisory lock while it migrates.
	await store.db.connection().execute(async (connection) => {
		await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
		try {
			await run(connection);
		} finally {
			await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
		}
	});
}

/** Whether the database answers (for /api/health), without waiting for a write in progress. */
export async function ping(store: Store): Promise<boolean> {
	try {
		await sql`select 1`.execute(store.reads);
		return true;
	} catch {
		return false;
	}
}

type Parameter = string | number | null;
const pgTexts = new Map<string, string>();

/**
 * A pure read on the hot path (the session check on every request), past the
 * query builder: on SQLite a statement prepared once on the read-only
 * connection, run synchronously; on PostgreSQL a named prepared statement
 * (each pooled connection prepares it once). `text` is fixed SQL with `?`
 * placeholders, valid on both; `name` identifies it.
 */
export async function readRows<T>(
	store: Store,
	name: string,
	text: string,
	params: readonly Parameter[],
): Promise<T[]> {
	if (store.dialect === 'sqlite') {
		const database = store.sqliteReader ?? store.sqlite!;
		return cachedStatement(database, text).statement.all(...params) as T[];
	}
	let pgText = pgTexts.get(name);
	if (pgText === undefined) {
		let n = 0;
		pgText = text.replace(/\?/g, () => `$${++n}`);
		pgTexts.set(name, pgText);
	}
	if (!store.pool) throw new Error('readRows: a PostgreSQL store without its pool');
	return (await store.pool.query({ name: `zhidu_${name}`, text: pgText, values: params as Parameter[] })).rows as T[];
}
