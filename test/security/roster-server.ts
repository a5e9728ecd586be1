/** What the roster security tests share: the real server on a test database, signed in as HR. */
import { dirname } from 'node:path';
import { inject } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';

export interface RosterServer {
	server: RunningServer;
	hr: Client;
	env: Record<string, string>;
	options: { databaseUrl?: string; sqliteFile?: string };
	stop: () => Promise<void>;
}

export async function startRosterServer(
	database: TestDatabase,
	extra: Record<string, string> = {},
): Promise<RosterServer> {
	const { drop, ...options } = await database.options();
	const env = {
		...fixtureServerEnv,
		...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
		...extra,
	};
	const server = await startServer(env, dirname(inject('fixtureProductionSiteDir')));
	// The setup line follows the serving line; on a loaded machine it can come later than startServer waits.
	const deadline = Date.now() + 30_000;
	while (!server.setupUrl && Date.now() < deadline) {
		server.setupUrl = /(http:\/\/\S+\/setup\/\?token=\S+)/.exec(server.output())?.[1];
		if (!server.setupUrl) await new Promise((r) => setTimeout(r, 50));
	}
	const hr = await setUpHr(server);
	return {
		server,
		hr,
		env,
		options,
		stop: async () => {
			await server.stop();
			await drop();
		},
	};
}

/** POST /api/v1/people/import with the CSV's exact bytes. */
export function importCsv(hr: Client, csv: Uint8Array | string) {
	return hr.request('/api/v1/people/import', {
		method: 'POST',
		body: typeof csv === 'string' ? csv : Buffer.from(csv),
		headers: { 'content-type': 'text/csv', 'x-csrf-token': hr.csrf! },
	});
}

export interface PersonJson {
	employeeId: string;
	name: string;
	email: string;
	department: string;
	role: string;
}

export async function roster(hr: Client): Promise<PersonJson[]> {
	// A kept-alive connection may have been closed by the server while a slow step ran (the CLI): ask again once.
	const response = await hr.request('/api/v1/people').catch(() => hr.request('/api/v1/people'));
	if (response.status !== 200) throw new Error(`GET /api/v1/people: ${response.status}`);
	return ((await response.json()) as { people: PersonJson[] }).people;
}

export const header = 'employee_id,name,email,department,role,hire_date\n';
