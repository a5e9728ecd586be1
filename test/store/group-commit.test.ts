/**
 * Group commit on SQLite (src/lib/store/group-commit.ts): writes that arrive
 * together share one COMMIT, each in its own savepoint; a failing one rolls
 * back only itself; each is answered only once a second connection can read
 * it (committed); a write outside a transaction commits the group first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '#lib/store/database.ts';

let dir: string;
let store: Store;
let observer: DatabaseSync;
let commits = 0;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'zhidu-group-commit-'));
	const file = join(dir, 'group.db');
	store = await openStore({ sqliteFile: file });
	await sql`create table notes (id integer primary key, text text not null unique)`.execute(store.db);
	// Count the COMMITs the driver issues on the writing connection.
	const exec = store.sqlite!.exec.bind(store.sqlite!);
	store.sqlite!.exec = (text: string) => {
		if (text === 'COMMIT') commits++;
		return exec(text);
	};
	observer = new DatabaseSync(file, { readOnly: true });
});
afterAll(async () => {
	observer.close();
	await store.close();
	rmSync(dir, { recursive: true, force: true });
});

const committed = (text: string) =>
	observer.prepare('select count(*) as n from notes where text = ?').get(text)!['n'] === 1;

it('commits writes that arrive together once, each answered only after the commit, a failure rolling back only itself', async () => {
	await sql`insert into notes (text) values ('taken')`.execute(store.db);
	commits = 0;
	const writes = Array.from({ length: 20 }, (_, i) =>
		store.db.transaction().execute(async (trx) => {
			await sql`insert into notes (text) values (${`note ${i}`})`.execute(trx);
			// The seventh also writes a duplicate: its whole transaction fails, the others stand.
			if (i === 7) await sql`insert into notes (text) values ('taken')`.execute(trx);
			return i;
		}),
	);
	const answered = await Promise.all(
		writes.map((write, i) =>
			write.then(
				// Answered: a second connection already reads the row.
				() => ({ i, ok: true, visible: committed(`note ${i}`) }),
				(error: Error) => ({ i, ok: false, visible: committed(`note ${i}`), error: error.message }),
			),
		),
	);
	for (const a of answered) {
		expect(a.ok).toBe(a.i !== 7);
		expect(a.visible).toBe(a.i !== 7);
	}
	expect(answered[7]).toMatchObject({ error: expect.stringMatching(/UNIQUE/) });
	expect(commits).toBeGreaterThan(0);
	expect(commits).toBeLessThan(20);
	expect(store.sqlite!.isTransaction).toBe(false);
});

it('commits the open group before a write outside a transaction, which is durable when it returns', async () => {
	const grouped = store.db
		.transaction()
		.execute((trx) => sql`insert into notes (text) values ('grouped')`.execute(trx));
	// Let the transaction release its savepoint and wait for its group.
	await new Promise<void>((resolve) => queueMicrotask(resolve));
	await sql`insert into notes (text) values ('alone')`.execute(store.db);
	expect(committed('alone')).toBe(true);
	await grouped;
	expect(committed('grouped')).toBe(true);
});

it('answers a read that sees a member of the open group only after that group commits', async () => {
	const write = store.db.transaction().execute((trx) => sql`insert into notes (text) values ('seen')`.execute(trx));
	let read: boolean | undefined;
	const reading = (async () => {
		// Queued behind the write's transaction: it runs once the write's savepoint is released.
		const rows = await store.db
			.selectFrom('notes' as never)
			.select(sql`count(*)`.as('n'))
			.where(sql`text`, '=', 'seen')
			.execute();
		read = committed('seen');
		return rows;
	})();
	await Promise.all([write, reading]);
	expect(read).toBe(true);
});

it('when the COMMIT itself fails, every member of the group is told and nothing of the group is stored', async () => {
	// A deferred foreign key is checked at COMMIT only: one member's bad row fails the group's COMMIT. (Zhidu's
	// schema has no deferred constraints; this is the one way to make a COMMIT fail on purpose.)
	await sql`create table owners (id integer primary key)`.execute(store.db);
	await sql`create table owned (id integer primary key, owner integer references owners(id) deferrable initially deferred, text text)`.execute(
		store.db,
	);
	const good = store.db
		.transaction()
		.execute((trx) => sql`insert into owned (owner, text) values (null, 'good')`.execute(trx));
	const bad = store.db
		.transaction()
		.execute((trx) => sql`insert into owned (owner, text) values (42, 'bad')`.execute(trx));
	const results = await Promise.allSettled([good, bad]);
	expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
	expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
	expect(observer.prepare('select count(*) as n from owned').get()!['n']).toBe(0);
	expect(store.sqlite!.isTransaction).toBe(false);
	// The next write begins a new group and stands.
	await store.db
		.transaction()
		.execute((trx) => sql`insert into owned (owner, text) values (null, 'after')`.execute(trx));
	expect(observer.prepare('select count(*) as n from owned').get()!['n']).toBe(1);
});
