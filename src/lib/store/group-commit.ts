/**
 * Group commit on SQLite: the writes that arrive together share one durable
 * transaction, so one fsync (synchronous=FULL) serves them all. node:sqlite
 * is synchronous, so a COMMIT blocks the whole process while the disk syncs;
 * one COMMIT per request made that wait the ceiling of the server.
 *
 * Each Kysely transaction runs in its own SAVEPOINT inside the group's
 * transaction: a failure rolls back only itself (ROLLBACK TO its savepoint),
 * and the others go on. Its `commit` releases the savepoint and then waits for
 * the group's COMMIT, so every request is answered only after what it wrote is
 * durable; if the COMMIT fails, every member's commit fails with it. (A
 * deferred constraint, checked only at COMMIT, would fail the whole group: the
 * schema has none, and must keep it so.)
 *
 * The group commits when the connection is free at the end of the event-loop
 * turn (setImmediate): the transactions that reached the database in the same
 * turn are in it. It also commits when it grows past GROUP_LIMIT members or
 * GROUP_MAX_MS of age, so a steady stream cannot hold it open.
 *
 * Outside a transaction: a write statement first commits the open group (it
 * then runs on its own, durable when it returns, as before); a read runs in the
 * group, sees what its members wrote, and waits for the group's COMMIT before
 * answering, so nothing not yet durable leaves the process.
 */
import type { DatabaseSync } from 'node:sqlite';
import {
	SelectQueryNode,
	SqliteAdapter,
	SqliteIntrospector,
	SqliteQueryCompiler,
	type CompiledQuery,
	type DatabaseConnection,
	type DatabaseIntrospector,
	type Dialect,
	type DialectAdapter,
	type Driver,
	type Kysely,
	type QueryCompiler,
	type QueryResult,
} from 'kysely';
import { cachedStatement } from './sqlite.ts';

/** A group commits once it has this many members, even if more are coming. */
export const GROUP_LIMIT = 200;
/** …or once it is this old. */
export const GROUP_MAX_MS = 50;

interface Group {
	durable: Promise<void>;
	settle: (error?: unknown) => void;
	members: number;
	openedAt: number;
}

function newGroup(): Group {
	let settle!: (error?: unknown) => void;
	const durable = new Promise<void>((resolve, reject) => {
		settle = (error) => (error === undefined ? resolve() : reject(error));
	});
	// A group nobody waits on (its only member rolled back) may fail unobserved.
	durable.catch(() => {});
	return { durable, settle, members: 0, openedAt: performance.now() };
}

/** One use of the connection (Kysely acquires it per query or per transaction). */
class GroupConnection implements DatabaseConnection {
	savepoint: string | undefined;
	/** The connection was handed back early (a released savepoint waiting for its group). */
	released = false;
	/** A read outside a transaction saw this group's uncommitted work: it waits for its COMMIT. */
	sawGroup: Group | undefined;
	readonly #driver: GroupCommitDriver;
	constructor(driver: GroupCommitDriver) {
		this.#driver = driver;
	}
	async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
		return this.#driver.run<R>(this, query);
	}
	async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
		// Only selects stream; read whole, like the rest (node:sqlite is synchronous anyway).
		const result = await this.executeQuery<R>(query);
		for (const row of result.rows) yield { rows: [row] };
	}
}

export class GroupCommitDriver implements Driver {
	readonly #db: DatabaseSync;
	#locked = false;
	readonly #waiting: (() => void)[] = [];
	#group: Group | undefined;
	#flushScheduled = false;
	#savepoints = 0;

	constructor(db: DatabaseSync) {
		this.#db = db;
	}

	async init(): Promise<void> {}

	async acquireConnection(): Promise<DatabaseConnection> {
		if (this.#locked) await new Promise<void>((granted) => this.#waiting.push(granted));
		else this.#locked = true;
		return new GroupConnection(this);
	}

	async beginTransaction(connection: DatabaseConnection): Promise<void> {
		const conn = connection as GroupConnection;
		this.#checkGroup();
		if (!this.#group) {
			this.#db.exec('BEGIN');
			this.#group = newGroup();
		}
		conn.savepoint = `zhidu_write_${++this.#savepoints}`;
		this.#db.exec(`SAVEPOINT ${conn.savepoint}`);
	}

	async commitTransaction(connection: DatabaseConnection): Promise<void> {
		const conn = connection as GroupConnection;
		const group = this.#group!;
		this.#db.exec(`RELEASE ${conn.savepoint}`);
		group.members++;
		conn.released = true;
		this.#release();
		await group.durable;
	}

	async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		const conn = connection as GroupConnection;
		// Released already: its group's COMMIT failed, which ended the whole group.
		if (conn.released || !conn.savepoint) return;
		// An error SQLite answers by rolling back the whole transaction (disk full, I/O) leaves no savepoint:
		// the group is lost, and its members learn it from their commit (#checkGroup).
		if (!this.#db.isTransaction) return;
		this.#db.exec(`ROLLBACK TO ${conn.savepoint}`);
		this.#db.exec(`RELEASE ${conn.savepoint}`);
	}

	async releaseConnection(connection: DatabaseConnection): Promise<void> {
		const conn = connection as GroupConnection;
		if (conn.released) return;
		conn.released = true;
		this.#release();
		if (conn.sawGroup) await conn.sawGroup.durable;
	}

	async destroy(): Promise<void> {
		if (this.#group) this.#commitGroup();
		this.#db.close();
	}

	/** A statement on a connection held by its caller. */
	async run<R>(conn: GroupConnection, query: CompiledQuery): Promise<QueryResult<R>> {
		if (!conn.savepoint && this.#group) {
			this.#checkGroup();
			if (this.#group && !SelectQueryNode.is(query.query)) this.#commitGroup();
			else if (this.#group && this.#group.members > 0) conn.sawGroup = this.#group;
		}
		const { statement, reader } = cachedStatement(this.#db, query.sql);
		const parameters = query.parameters as never[];
		if (reader) return { rows: statement.all(...parameters) as R[] };
		const { changes, lastInsertRowid } = statement.run(...parameters);
		return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
	}

	/** Hands the connection to the next in line, or frees it and lets the group commit at the end of the turn. */
	#release(): void {
		const group = this.#group;
		// Between transactions: a large or old group commits now, before the next member joins.
		if (group && (group.members >= GROUP_LIMIT || performance.now() - group.openedAt >= GROUP_MAX_MS))
			this.#commitGroup();
		const next = this.#waiting.shift();
		if (next) return next();
		this.#locked = false;
		if (this.#group && !this.#flushScheduled) {
			this.#flushScheduled = true;
			setImmediate(() => {
				this.#flushScheduled = false;
				// Someone holds the connection: their release schedules the commit again.
				if (!this.#locked && this.#group) this.#commitGroup();
			});
		}
	}

	/** Commits the open group (durable when this returns) and tells its members. */
	#commitGroup(): void {
		const group = this.#group!;
		this.#group = undefined;
		try {
			if (!this.#db.isTransaction) throw new Error('the write transaction was rolled back by the database');
			this.#db.exec('COMMIT');
			group.settle();
		} catch (error) {
			// Never thrown from here (a timer calls this): the members are told, and the next write begins anew.
			try {
				if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
			} catch (rollback) {
				console.error('zhidu: rolling back a failed group commit:', rollback);
			}
			group.settle(error ?? new Error('commit failed'));
		}
	}

	/** The group's transaction ended under it (SQLite rolled it back on an error): its members fail. */
	#checkGroup(): void {
		if (this.#group && !this.#db.isTransaction) this.#commitGroup();
	}
}

/** Kysely's SQLite dialect on node:sqlite, with the group-commit driver (which keeps its own connection lock). */
export class GroupCommitDialect implements Dialect {
	readonly #db: DatabaseSync;
	constructor(db: DatabaseSync) {
		this.#db = db;
	}
	createDriver(): Driver {
		return new GroupCommitDriver(this.#db);
	}
	createQueryCompiler(): QueryCompiler {
		return new SqliteQueryCompiler();
	}
	createAdapter(): DialectAdapter {
		// The driver serialises use of the one connection itself (and hands it back before a group's COMMIT).
		return new (class extends SqliteAdapter {
			override get supportsMultipleConnections(): boolean {
				return true;
			}
		})();
	}
	createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
		return new SqliteIntrospector(db);
	}
}
