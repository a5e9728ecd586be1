/**
 * HR corrects a person's name or email: the person row changes (the new email
 * signs in), the correction with what it replaced is kept append-only, and
 * its audit entry commits with it, on SQLite and PostgreSQL. An email someone
 * else has is refused and changes nothing.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, changePerson, findPerson, identityCorrections } from '#lib/auth/people.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

describe.each(testDatabases)('name and email corrections on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	const actor = { kind: 'cli', osUser: 'test' } as const;

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
	});
	afterAll(async () => {
		await drop?.();
	});

	it('a correction changes the person, keeps what it replaced and is audited', async () => {
		const person = await addPerson(
			store,
			{ employeeId: 'C1', name: '陳美玲', email: 'chen@example.com', department: '業務部', role: 'staff' },
			actor,
		);
		const corrected = await changePerson(
			store,
			person.id,
			{ name: '陳美齡', email: 'Meiling.Chen@example.com' },
			actor,
		);
		expect(corrected).toMatchObject({ name: '陳美齡', email: 'meiling.chen@example.com', department: '業務部' });
		expect(await findPerson(store, { email: 'meiling.chen@example.com' })).toMatchObject({ id: person.id });
		expect(await findPerson(store, { email: 'chen@example.com' })).toBeUndefined();
		expect(await identityCorrections(store, person.id)).toEqual([
			expect.objectContaining({
				previousName: '陳美玲',
				previousEmail: 'chen@example.com',
				name: '陳美齡',
				email: 'meiling.chen@example.com',
			}),
		]);
		const audit = await store.db
			.selectFrom('audit_log')
			.select(['detail', 'actor'])
			.where('event', '=', 'person.identity-corrected')
			.where('subject', '=', person.id)
			.execute();
		expect(audit).toHaveLength(1);
		expect(JSON.parse(audit[0]!.detail)).toEqual({
			from: { name: '陳美玲', email: 'chen@example.com' },
			to: { name: '陳美齡', email: 'meiling.chen@example.com' },
		});
		expect(JSON.parse(audit[0]!.actor!)).toMatchObject({ kind: 'cli' });
	});

	it('the correction history is append-only', async () => {
		await expect(sql`update person_identity_history set name = 'x'`.execute(store.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from person_identity_history`.execute(store.db)).rejects.toThrow(/append-only/);
	});

	it('an email another person has is refused, and nothing changes', async () => {
		const other = await addPerson(
			store,
			{ employeeId: 'C2', name: '林志偉', email: 'lin@example.com', department: '運營部', role: 'staff' },
			actor,
		);
		await expect(
			changePerson(store, other.id, { name: '林志為', email: 'meiling.chen@example.com' }, actor),
		).rejects.toThrow(/email: meiling\.chen@example\.com is already in the roster/);
		expect(await findPerson(store, { id: other.id })).toMatchObject({ name: '林志偉', email: 'lin@example.com' });
		expect(await identityCorrections(store, other.id)).toEqual([]);
	});

	it('an empty name or a bad email is refused by field', async () => {
		const person = (await findPerson(store, { employeeId: 'C2' }))!;
		await expect(changePerson(store, person.id, { name: ' ' }, actor)).rejects.toMatchObject({ field: 'name' });
		await expect(changePerson(store, person.id, { email: 'nope' }, actor)).rejects.toMatchObject({ field: 'email' });
	});
});
