/**
 * The audit trail, against the real server on SQLite and PostgreSQL: a
 * `kill -9` under write load never leaves a record without its audit entry or
 * an entry without its record; every entry names its actor (person, API token
 * with its creator, CLI with the OS user); API tokens cannot make HR people
 * without the admin scope, nor live longer than a year.
 */
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '#lib/store/database.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer } from '../support/server-process.ts';
import { cli, databaseEnv, securityRig, serverDist, type SecurityRig } from '../support/security.ts';

const inMonths = (months: number) => new Date(Date.now() + months * 30 * 86_400_000).toISOString();

async function tokenClient(rig: SecurityRig, name: string, scope: string): Promise<{ client: Client; id: string }> {
	const response = await rig.hr.write('/api/v1/tokens', 'POST', { name, scope, expiresAt: inMonths(6) });
	expect(response.status, await response.clone().text()).toBe(201);
	const { token, id } = (await response.json()) as { token: string; id: string };
	const client = new Client(rig.server.url);
	const request = client.request.bind(client);
	client.request = (path, init = {}) =>
		request(path, {
			...init,
			headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
		});
	return { client, id };
}

const person = (employeeId: string, role = 'staff') => ({
	employeeId,
	name: employeeId,
	email: `${employeeId.toLowerCase()}@example.com`,
	department: '運營部',
	role,
});

describe.each(testDatabases)('audit trail on $name', (database) => {
	let rig: SecurityRig;
	beforeAll(async () => {
		rig = await securityRig(database);
	}, 180_000);
	afterAll(() => rig?.close());

	const entry = async (event: string, subject: string) =>
		rig.store.db
			.selectFrom('audit_log')
			.selectAll()
			.where('event', '=', event)
			.where('subject', '=', subject)
			.executeTakeFirstOrThrow();

	it('an entry names the person who acted', async () => {
		expect((await rig.hr.write('/api/v1/people', 'POST', person('A001'))).status).toBe(201);
		const hrId = (
			await rig.store.db
				.selectFrom('people')
				.select('id')
				.where('email', '=', 'hr@example.com')
				.executeTakeFirstOrThrow()
		).id;
		const added = await entry('person.added', 'a001@example.com');
		expect(added.actor_id).toBe(hrId);
		expect(JSON.parse(added.actor!)).toEqual({ kind: 'person', personId: hrId });
	});

	it('an entry made with an API token names the token, its name and who created it', async () => {
		const { client, id } = await tokenClient(rig, 'LMS sync', 'read-write');
		expect((await client.write('/api/v1/people', 'POST', person('A002'))).status).toBe(201);
		const hrId = (
			await rig.store.db
				.selectFrom('people')
				.select('id')
				.where('email', '=', 'hr@example.com')
				.executeTakeFirstOrThrow()
		).id;
		expect(JSON.parse((await entry('person.added', 'a002@example.com')).actor!)).toEqual({
			kind: 'token',
			tokenId: id,
			tokenName: 'LMS sync',
			createdBy: hrId,
		});
	});

	it('an entry made from the CLI names the CLI and the OS user', async () => {
		const result = await cli(rig.env, [
			'users',
			'add',
			'--employee-id',
			'A003',
			'--name',
			'A003',
			'--email',
			'a003@example.com',
			'--department',
			'運營部',
			'--role',
			'staff',
		]);
		expect(result.status, result.stderr).toBe(0);
		expect(JSON.parse((await entry('person.added', 'a003@example.com')).actor!)).toEqual({
			kind: 'cli',
			osUser: userInfo().username,
		});
	});

	it('a read-write API token cannot create or promote HR people; an admin token can', async () => {
		const { client } = await tokenClient(rig, 'roster bot', 'read-write');
		const created = await client.write('/api/v1/people', 'POST', person('A010', 'hr'));
		expect(created.status).toBe(403);
		expect(((await created.json()) as { fields: Record<string, string> }).fields).toHaveProperty('role');
		const staff = await client.write('/api/v1/people', 'POST', person('A011'));
		const id = ((await staff.json()) as { person: { id: string } }).person.id;
		expect((await client.write(`/api/v1/people/${id}`, 'PATCH', { role: 'hr' })).status).toBe(403);
		const imported = await client.request('/api/v1/people/import', {
			method: 'POST',
			headers: { 'content-type': 'text/csv' },
			body: 'employee_id,name,email,department,role,hire_date\nA012,A012,a012@example.com,HR,hr,\n',
		});
		expect(imported.status).toBe(403);
		const roles = await rig.store.db
			.selectFrom('person_history')
			.innerJoin('people', 'people.id', 'person_history.person_id')
			.select(['people.email', 'person_history.role'])
			.where('person_history.role', '=', 'hr')
			.execute();
		expect(roles.map((r) => r.email)).toEqual(['hr@example.com']);
		const admin = await tokenClient(rig, 'directory sync', 'admin');
		expect((await admin.client.write('/api/v1/people', 'POST', person('A013', 'hr'))).status).toBe(201);
	});

	it('a token expiring more than a year ahead is refused, naming expiresAt', async () => {
		const response = await rig.hr.write('/api/v1/tokens', 'POST', {
			name: 'forever',
			scope: 'read',
			expiresAt: inMonths(13),
		});
		expect(response.status).toBe(400);
		const body = (await response.json()) as { fields: Record<string, string> };
		expect(body.fields['expiresAt']).toMatch(/one year/);
	});

	it('every entry names its actor', async () => {
		const rows = await rig.store.db.selectFrom('audit_log').select(['event', 'actor']).execute();
		expect(rows.length).toBeGreaterThan(5);
		for (const row of rows) expect(row.actor, row.event).toMatch(/"kind":"(person|token|cli|anonymous)"/);
	});
});

describe.each(testDatabases)('kill -9 under write load on $name', (database) => {
	it('leaves no record without its audit entry and no entry without its record', async () => {
		const { env, options, drop } = await databaseEnv(database);
		const server = await startServer(env, serverDist());
		try {
			const hr = await setUpHr(server);
			let written = 0;
			let stop = false;
			const writer = async (worker: number) => {
				for (let i = 0; !stop; i++) {
					const id = `K${worker}-${i}`;
					const response = await hr.write('/api/v1/people', 'POST', person(id)).catch(() => undefined);
					if (!response) return;
					if (response.status === 201) {
						written += 1;
						const { person: p } = (await response.json()) as { person: { id: string } };
						await hr.write(`/api/v1/people/${p.id}`, 'PATCH', { department: '市場部' }).catch(() => undefined);
					}
				}
			};
			const writers = Array.from({ length: 6 }, (_, w) => writer(w));
			const deadline = Date.now() + 60_000;
			while (written < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
			server.child.kill('SIGKILL');
			stop = true;
			await Promise.all(writers);
			await server.stop();
		} finally {
			await server.stop();
		}
		const store = await openStore(options);
		try {
			const people = await store.db.selectFrom('people').select(['id', 'email']).execute();
			const history = await store.db.selectFrom('person_history').select('person_id').execute();
			const audit = await store.db.selectFrom('audit_log').select(['event', 'subject']).execute();
			const added = audit.filter((a) => a.event === 'person.added').map((a) => a.subject!);
			expect(people.length).toBeGreaterThan(20);
			expect(added.sort()).toEqual(people.map((p) => p.email).sort());
			const changes = audit.filter((a) => a.event === 'person.department-changed').length;
			expect(history.length).toBe(people.length + changes);
		} finally {
			await store.close();
			await drop();
		}
	}, 240_000);
});
