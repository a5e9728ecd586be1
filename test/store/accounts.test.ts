/** Accounts, sessions, rate limits, tokens and the audit log, on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { addPerson, changeAttributes, disablePerson, findPerson, PersonError, setPassword } from '#lib/auth/people.ts';
import {
	apiTokenScope,
	createApiToken,
	issueSetupToken,
	revokeApiToken,
	sessionFor,
	signIn,
	signOut,
} from '#lib/auth/sessions.ts';
import { cliActor, personActor } from '#lib/auth/audit.ts';
import { completeSetup } from '#lib/auth/setup.ts';
import { companyToday } from '#lib/calendar.ts';
import { openStore, type Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const cli = cliActor();

describe.each(testDatabases)('accounts on $name', (database) => {
	let store: Store;
	let options: { databaseUrl?: string; sqliteFile?: string };
	let drop: () => Promise<void>;
	beforeAll(async () => {
		({ store, options, drop } = await openTestStore(database));
	});
	afterAll(() => drop());

	it('adds people with a validated email and refuses duplicates, naming the field', async () => {
		const person = await addPerson(
			store,
			{
				employeeId: 'E001',
				name: '陳小華',
				email: 'Hua.Chen@Example.com',
				department: '運營部',
				role: 'staff',
				hireDate: '2026-01-05',
			},
			cli,
		);
		expect(person).toMatchObject({
			email: 'hua.chen@example.com',
			role: 'staff',
			department: '運營部',
			hasPassword: false,
		});
		await expect(
			addPerson(
				store,
				{
					employeeId: 'E002',
					name: 'x',
					email: 'hua.chen@example.com',
					department: 'x',
					role: 'staff',
				},
				cli,
			),
		).rejects.toThrow(/email: hua.chen@example.com is already in the roster/);
		await expect(
			addPerson(store, { employeeId: 'E003', name: 'x', email: 'not-an-email', department: 'x', role: 'staff' }, cli),
		).rejects.toBeInstanceOf(PersonError);
	});

	it('signs in with the right password only, with a fresh session id each time', async () => {
		const person = (await findPerson(store, { employeeId: 'E001' }))!;
		await setPassword(store, person.id, 'correct horse battery', cli);
		expect(await signIn(store, 'hua.chen@example.com', 'wrong password!', '10.0.0.1')).toMatchObject({
			ok: false,
			reason: 'invalid',
		});
		const first = await signIn(store, 'HUA.CHEN@example.com', 'correct horse battery', '10.0.0.1');
		const second = await signIn(store, 'hua.chen@example.com', 'correct horse battery', '10.0.0.1');
		expect(first.ok && second.ok).toBe(true);
		if (!first.ok || !second.ok) return;
		expect(first.token).not.toBe(second.token);
		expect((await sessionFor(store, first.token))?.person.email).toBe('hua.chen@example.com');
		await signOut(store, first.token, '10.0.0.1');
		expect(await sessionFor(store, first.token)).toBeUndefined();
		expect(await sessionFor(store, second.token)).toBeDefined();
		expect(await sessionFor(store, `${second.token}x`)).toBeUndefined();
	});

	it('expires sessions', async () => {
		const result = await signIn(store, 'hua.chen@example.com', 'correct horse battery', '10.0.0.2', {
			lifetimeMinutes: -1,
			maxFailures: 5,
			windowMinutes: 15,
		});
		expect(result.ok).toBe(true);
		if (result.ok) expect(await sessionFor(store, result.token)).toBeUndefined();
	});

	it('rate-limits failed sign-ins per account and address, counted in the database (another instance sees them)', async () => {
		const person = await addPerson(
			store,
			{
				employeeId: 'E010',
				name: '林',
				email: 'lin@example.com',
				department: 'HR',
				role: 'hr',
			},
			cli,
		);
		await setPassword(store, person.id, 'another good password', cli);
		for (let i = 0; i < 5; i++) await signIn(store, 'lin@example.com', `guess ${i}`, '10.1.0.1');
		// A second connection to the same database, as a second server instance would have.
		const other = await openStore(options);
		try {
			expect(await signIn(other, 'lin@example.com', 'another good password', '10.1.0.1')).toMatchObject({
				ok: false,
				reason: 'rate-limited',
			});
			// The owner, from another address, is not locked out by the attacker.
			expect(await signIn(other, 'lin@example.com', 'another good password', '10.1.0.99')).toMatchObject({ ok: true });
		} finally {
			await other.close();
		}
	});

	it('keeps department and role changes as history, answerable for a past date', async () => {
		const person = (await findPerson(store, { employeeId: 'E001' }))!;
		await changeAttributes(store, person.id, { department: '市場部', effectiveFrom: '2026-06-01' }, cli);
		expect((await findPerson(store, { id: person.id }, '2026-03-01'))!.department).toBe('運營部');
		expect((await findPerson(store, { id: person.id }, '2026-07-01'))!.department).toBe('市場部');
		await expect(sql`update person_history set department = 'x'`.execute(store.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
	});

	it('a disabled person cannot sign in and loses their sessions', async () => {
		const person = await addPerson(
			store,
			{
				employeeId: 'E020',
				name: '王',
				email: 'wang@example.com',
				department: '運營部',
				role: 'staff',
			},
			cli,
		);
		await setPassword(store, person.id, 'wang password 1', cli);
		const session = await signIn(store, 'wang@example.com', 'wang password 1', '10.2.0.1');
		await disablePerson(store, person.id, companyToday(), cli);
		if (session.ok) expect(await sessionFor(store, session.token)).toBeUndefined();
		expect(await signIn(store, 'wang@example.com', 'wang password 1', '10.2.0.1')).toMatchObject({ ok: false });
	});

	it('API tokens: shown once, stored hashed, scoped, revocable, expiring', async () => {
		const hr = (await findPerson(store, { email: 'lin@example.com' }))!;
		const { token, info } = await createApiToken(
			store,
			{ name: 'LMS', scope: 'read', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
			personActor(hr.id),
		);
		const stored = await store.db
			.selectFrom('api_tokens')
			.select('token_hash')
			.where('id', '=', info.id)
			.executeTakeFirstOrThrow();
		expect(stored.token_hash).not.toContain(token);
		expect(await apiTokenScope(store, token)).toEqual({ id: info.id, scope: 'read', name: 'LMS', createdBy: hr.id });
		expect(await revokeApiToken(store, info.id, personActor(hr.id))).toBe(true);
		expect(await apiTokenScope(store, token)).toBeUndefined();
		await expect(
			createApiToken(
				store,
				{ name: 'old', scope: 'read-write', expiresAt: '2000-01-01T00:00:00.000Z' },
				personActor(hr.id),
			),
		).rejects.toThrow(/expiresAt: must be in the future/);
		await expect(
			createApiToken(store, { name: 'far', scope: 'read', expiresAt: '2099-01-01T00:00:00.000Z' }, personActor(hr.id)),
		).rejects.toThrow(/expiresAt: must be at most one year ahead/);
	});

	it('a setup token works once, and not once an HR account exists', async () => {
		const token = await issueSetupToken(store);
		const input = { employeeId: 'HR9', name: '人資', email: 'setup@example.com', department: 'HR' };
		// HR people already exist in this store (lin@example.com): the link is refused and stays unused by nothing.
		await expect(completeSetup(store, token, input, 'a long enough password', null)).rejects.toThrow(/setup link used/);
		await expect(completeSetup(store, token, input, 'a long enough password', null)).rejects.toThrow(/setup link used/);
	});

	it('audits sign-ins, failures, changes and tokens', async () => {
		const events = await store.db.selectFrom('audit_log').select('event').execute();
		const names = new Set(events.map((e) => e.event));
		for (const e of [
			'auth.login',
			'auth.login-failed',
			'auth.logout',
			'auth.rate-limited',
			'person.department-changed',
			'person.disabled',
			'token.created',
			'token.revoked',
		])
			expect(names, e).toContain(e);
	});
});
