/**
 * Many rows into one table inside a transaction, without holding the event
 * loop: rows go in slices with a yield to the event loop between them, so
 * other requests (the health check, reads on `store.reads`) are answered
 * while the transaction stays open.
 *
 * On SQLite the rows go through one prepared statement on the writing
 * connection itself, which Kysely's transaction holds, so they are part of
 * that transaction; Kysely building a multi-row insert per slice cost three
 * to five times as much. On PostgreSQL, multi-row inserts on the transaction.
 */
import type { Insertable, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from './database.ts';

/** Rows per slice: about 10–40 ms of work each on SQLite on a loaded 2-core machine. */
const SLICE = 250;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function insertMany<T extends keyof Database & string>(
	store: Store,
	tx: Transaction<Database>,
	table: T,
	rows: readonly Insertable<Database[T]>[],
): Promise<void> {
	if (!rows.length) return;
	const sqlite = store.dialect === 'sqlite' ? store.sqlite : undefined;
	if (!sqlite) {
		for (let i = 0; i < rows.length; i += SLICE) {
			await tx
				.insertInto(table)
				.values(rows.slice(i, i + SLICE) as never)
				.execute();
			await yieldToEventLoop();
		}
		return;
	}
	// Only ever inside the caller's transaction on `store.db`, which holds this connection.
	if (!sqlite.isTransaction) throw new Error(`insertMany(${table}): not inside a transaction`);
	// Table and column names come from the schema's types, never from input.
	const columns = Object.keys(rows[0]!);
	const statement = sqlite.prepare(
		`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
	);
	for (let i = 0; i < rows.length; i += SLICE) {
		for (const row of rows.slice(i, i + SLICE)) {
			const record = row as Record<string, unknown>;
			statement.run(...(columns.map((c) => record[c] ?? null) as never[]));
		}
		await yieldToEventLoop();
	}
}
