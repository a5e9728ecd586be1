import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '#lib/store/database.ts';
import { createPostgresDatabase, postgresAdminUrl } from '../support/databases.ts';

describe('PostgreSQL connections', () => {
	const cleanup: Array<() => Promise<void>> = [];
	afterAll(async () => {
		for (const step of cleanup.reverse()) await step();
	});

	it('an idle connection ended by the server (a restart, an administrator) is replaced, and the process lives on', async () => {
		const { url, drop } = await createPostgresDatabase();
		cleanup.push(drop);
		const store = await openStore({ databaseUrl: url });
		cleanup.push(() => store.close());
		await sql`select 1`.execute(store.db);
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		cleanup.push(async () => logged.mockRestore());

		const admin = new pg.Client({ connectionString: postgresAdminUrl });
		await admin.connect();
		const name = new URL(url).pathname.slice(1);
		const ended = await admin.query(
			'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
			[name],
		);
		await admin.end();
		expect(ended.rowCount).toBeGreaterThan(0);

		// The pool hears of it as an error on the idle connection; logged, not thrown.
		await vi.waitFor(
			() => expect(logged).toHaveBeenCalledWith(expect.stringContaining('idle PostgreSQL connection ended')),
			{
				timeout: 30_000,
				interval: 50,
			},
		);
		const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(store.db);
		expect(rows[0]?.answer).toBe(42);
	}, 120_000);
});
