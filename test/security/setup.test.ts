/**
 * The first-start setup link, against the real server on SQLite and
 * PostgreSQL: a failed setup does not use the link up; several instances
 * starting at once on one PostgreSQL each print a link that works until the
 * first HR account exists, which revokes them all.
 */
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, testDatabases } from '../support/databases.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { databaseEnv, serverDist } from '../support/security.ts';

const form = (password: string, email = 'first.hr@example.com') =>
	new URLSearchParams({
		name: '林人資',
		email,
		employeeId: 'HR001',
		department: '人力資源部',
		password,
		confirm: password,
	});

const postSetup = (server: RunningServer, link: string, body: URLSearchParams) =>
	fetch(`${server.url}/setup/${new URL(link).search}`, {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
		redirect: 'manual',
	});

const getSetup = (server: RunningServer, link: string) =>
	fetch(`${server.url}/setup/${new URL(link).search}`, { headers: { accept: 'text/html' }, redirect: 'manual' });

describe.each(testDatabases)('setup link on $name', (database) => {
	it('a failed setup (too-short password, bad email) leaves the link usable', async () => {
		const { env, drop } = await databaseEnv(database);
		const server = await startServer(env, serverDist());
		try {
			const link = server.setupUrl!;
			expect(link).toBeDefined();
			expect((await postSetup(server, link, form('short'))).status).toBe(400);
			expect((await postSetup(server, link, form('a long enough password', 'not-an-email'))).status).toBe(400);
			expect((await getSetup(server, link)).status).toBe(200);
			expect((await postSetup(server, link, form('a long enough password'))).status).toBe(303);
			// Used up by the success.
			expect((await getSetup(server, link)).status).toBe(403);
			expect((await postSetup(server, link, form('a long enough password', 'second@example.com'))).status).toBe(403);
		} finally {
			await server.stop();
			await drop();
		}
	}, 120_000);
});

describe('several instances on one PostgreSQL', () => {
	it('each prints a working link until the first HR account exists, which revokes them all', async () => {
		const { url, drop } = await createPostgresDatabase();
		const env = { ...fixtureServerEnv, DATABASE_URL: url };
		const servers = await Promise.all([1, 2, 3].map(() => startServer(env, serverDist())));
		try {
			const links = servers.map((s) => s.setupUrl!);
			expect(links.every(Boolean), servers.map((s) => s.output()).join('\n')).toBe(true);
			expect(new Set(links).size).toBe(3);
			for (const [i, server] of servers.entries()) expect((await getSetup(server, links[i]!)).status).toBe(200);
			// Two people race through different links: exactly one HR account is made.
			const [a, b] = await Promise.all([
				postSetup(servers[0]!, links[0]!, form('a long enough password', 'first@example.com')),
				postSetup(servers[1]!, links[1]!, form('a long enough password', 'second@example.com')),
			]);
			expect([a.status, b.status].sort()).toEqual([303, 403]);
			for (const [i, server] of servers.entries()) expect((await getSetup(server, links[i]!)).status).toBe(403);
			expect(
				(await postSetup(servers[2]!, links[2]!, form('a long enough password', 'third@example.com'))).status,
			).toBe(403);
		} finally {
			await Promise.all(servers.map((s) => s.stop()));
			await drop();
		}
	}, 180_000);
});
