/**
 * An ended session reads nothing from its next request on, though the server
 * keeps the person behind a session for a second (src/lib/auth/session-cache.ts)
 * and answers static pages from memory: signing out, a session ended by
 * another instance (its row in the shared database), leaving and a role
 * change, each right after the same session has just read a guarded page. On
 * SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '#lib/auth/secrets.ts';
import { companyToday } from '#lib/calendar.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';

const guardedPage = '/policies/leave-policy/2.0/ch-1/';
const guardedJson = '/api/v1/policies/leave-policy/versions/2.0.json';
const asBrowser = { accept: 'text/html', 'accept-encoding': 'br, gzip' };

describe.each(testDatabases)('revoked sessions on $name', (database) => {
	let rig: SecurityRig;
	let n = 0;

	/** A new staff person, signed in, who has just read the guarded page (so the server keeps their session). */
	async function signedInStaff(): Promise<{ client: Client; id: string; email: string }> {
		n++;
		const email = `revoked${n}@example.com`;
		const id = await staffWithPassword(rig, { employeeId: `R00${n}`, email }, 'revocation password');
		const client = new Client(rig.server.url);
		expect((await client.signIn(email, 'revocation password')).status).toBe(200);
		for (let i = 0; i < 3; i++) expect((await client.request(guardedPage, { headers: asBrowser })).status).toBe(200);
		expect((await client.request(guardedJson)).status).toBe(200);
		return { client, id, email };
	}

	/** What a session that must be over gets: the sign-in page for a browser, 401 for the JSON file. */
	async function expectRefused(client: Client): Promise<void> {
		const page = await client.request(guardedPage, { headers: asBrowser });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toMatch(/^\/login\//);
		expect(page.headers.get('content-encoding')).toBeNull();
		expect((await client.request(guardedJson)).status).toBe(401);
	}

	beforeAll(async () => {
		rig = await securityRig(database);
	}, 180_000);
	afterAll(() => rig?.close());

	it('signing out: the same cookie is refused at once', async () => {
		const { client } = await signedInStaff();
		const cookie = client.cookie!;
		expect((await client.write('/api/v1/auth/logout', 'POST', {})).status).toBe(200);
		client.cookie = cookie;
		await expectRefused(client);
	});

	it('a session ended elsewhere (another instance, the shared database) is refused at once', async () => {
		const { client } = await signedInStaff();
		const idHash = sha256(client.cookie!.split('=')[1]!);
		await rig.store.db
			.updateTable('sessions')
			.set({ revoked_at: new Date().toISOString() })
			.where('id_hash', '=', idHash)
			.execute();
		await expectRefused(client);
	});

	it('leaving today: the person is refused at once', async () => {
		const { client, id } = await signedInStaff();
		expect((await rig.hr.write(`/api/v1/people/${id}`, 'PATCH', { disabledOn: companyToday() })).status).toBe(200);
		await expectRefused(client);
	});

	it('a new role counts from the next request: made HR, then staff again', async () => {
		const { client, id } = await signedInStaff();
		expect((await client.request('/hr/dashboard/', { headers: asBrowser })).status).toBe(403);
		expect((await rig.hr.write(`/api/v1/people/${id}`, 'PATCH', { role: 'hr' })).status).toBe(200);
		expect((await client.request('/hr/dashboard/', { headers: asBrowser })).status).toBe(200);
		expect((await rig.hr.write(`/api/v1/people/${id}`, 'PATCH', { role: 'staff' })).status).toBe(200);
		expect((await client.request('/hr/dashboard/', { headers: asBrowser })).status).toBe(403);
	});
});
