/**
 * Real databases for tests: a SQLite file in a temporary folder, and a fresh
 * PostgreSQL database on the local server (CI starts one; never mocked).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defaultTestPgUrl } from '../../scripts/test-prerequisites.ts';
import { openStore, type Store } from '#lib/store/database.ts';

/** An account allowed to create databases; `npm test` creates this one (scripts/test-prerequisites.ts). */
export const postgresAdminUrl = process.env['ZHIDU_TEST_PG_URL'] || defaultTestPgUrl;

export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
	const name = `zhidu_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = new pg.Client({ connectionString: postgresAdminUrl });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.end();
	const url = new URL(postgresAdminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			const c = new pg.Client({ connectionString: postgresAdminUrl });
			await c.connect();
			// Let the connections being closed (a store's pool ending, a stopped server) go first: FORCE would
			// terminate a closing client mid-goodbye, and its FATAL arrives in the test as an unhandled error.
			// FORCE still ends what is left after a while (a killed process's sessions).
			const deadline = Date.now() + 10_000;
			const sessions = async () =>
				Number((await c.query('select count(*) as n from pg_stat_activity where datname = $1', [name])).rows[0].n);
			while ((await sessions()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
			await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await c.end();
		},
	};
}

export const sqliteFileInTemp = () => join(mkdtempSync(join(tmpdir(), 'zhidu-db-')), 'zhidu.db');

export interface TestDatabase {
	name: 'sqlite' | 'postgres';
	/** The options openStore (and the server) take. */
	options: () => Promise<{ databaseUrl?: string; sqliteFile?: string; drop: () => Promise<void> }>;
}

export const testDatabases: TestDatabase[] = [
	{ name: 'sqlite', options: async () => ({ sqliteFile: sqliteFileInTemp(), drop: async () => {} }) },
	{
		name: 'postgres',
		options: async () => {
			const { url, drop } = await createPostgresDatabase();
			return { databaseUrl: url, drop };
		},
	},
];

export async function openTestStore(
	db: TestDatabase,
): Promise<{ store: Store; options: { databaseUrl?: string; sqliteFile?: string }; drop: () => Promise<void> }> {
	const { drop, ...options } = await db.options();
	const store = await openStore(options);
	return {
		store,
		options,
		drop: async () => {
			await store.close();
			await drop();
		},
	};
}
