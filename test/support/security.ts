/** For the security tests: a real server on a fresh SQLite or PostgreSQL database, with HR set up, and a store on the same data. */
import { dirname } from 'node:path';
import { inject } from 'vitest';
import { openStore, type Store } from '#lib/store/database.ts';
import { zhidu } from './cli.ts';
import type { TestDatabase } from './databases.ts';
import { Client, setUpHr } from './http-client.ts';
import { startServer, type RunningServer } from './server-process.ts';
import { fixtureServerEnv } from './site-server.ts';

export interface SecurityRig {
	server: RunningServer;
	env: Record<string, string>;
	hr: Client;
	store: Store;
	close: () => Promise<void>;
}

export const serverDist = () => dirname(inject('fixtureProductionSiteDir'));

export async function databaseEnv(database: TestDatabase) {
	const { drop, ...options } = await database.options();
	const env: Record<string, string> = {
		...fixtureServerEnv,
		...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
	};
	return { env, options, drop };
}

export async function securityRig(database: TestDatabase, extra: Record<string, string> = {}): Promise<SecurityRig> {
	const { env: base, options, drop } = await databaseEnv(database);
	const env = { ...base, ...extra };
	const server = await startServer(env, serverDist());
	const hr = await setUpHr(server);
	const store = await openStore(options);
	const rig: SecurityRig = {
		server,
		env,
		hr,
		store,
		close: async () => {
			await store.close();
			await rig.server.stop();
			await drop();
		},
	};
	return rig;
}

/**
 * Runs the CLI against the rig's data, in this process (test/support/cli.ts: a function call, not a
 * process start; test/lib/cli-smoke.test.ts spawns the program itself).
 */
export async function cli(
	env: Record<string, string>,
	args: string[],
	extra: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
	const { status, stdout, stderr } = await zhidu(args, { env: { ...env, ...extra } });
	return { status, stdout, stderr };
}

/** Adds a staff person through the API and gives them a password through the CLI. */
export async function staffWithPassword(
	rig: SecurityRig,
	person: { employeeId: string; email: string; name?: string },
	password: string,
	extraEnv: Record<string, string> = {},
): Promise<string> {
	const response = await rig.hr.write('/api/v1/people', 'POST', {
		name: person.name ?? person.employeeId,
		department: '運營部',
		role: 'staff',
		...person,
	});
	if (response.status !== 201) throw new Error(`add ${person.email}: ${response.status} ${await response.text()}`);
	const id = ((await response.json()) as { person: { id: string } }).person.id;
	const result = await cli(rig.env, ['users', 'set-password', person.email], {
		ZHIDU_NEW_PASSWORD: password,
		...extraEnv,
	});
	if (result.status !== 0) throw new Error(result.stderr);
	return id;
}
