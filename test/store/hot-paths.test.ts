/**
 * The hot paths read in one query what they read in many before (issue 19):
 * the session check (session, person, role in effect), the roster listing and
 * the HR count agree with `findPerson` person by person, whatever the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { addPerson, changeAttributes, countHr, disablePerson, findPerson, listPeople } from '#lib/auth/people.ts';
import { sessionFor, signIn } from '#lib/auth/sessions.ts';
import { setPassword } from '#lib/auth/people.ts';
import { cliActor } from '#lib/auth/audit.ts';
import { addDays } from '#lib/versions.ts';
import { companyToday } from '#lib/calendar.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const cli = cliActor();

describe.each(testDatabases)('hot paths on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
	});
	afterAll(() => drop());

	it('lists the roster in one query, each person as findPerson sees them', async () => {
		const today = companyToday();
		const a = await addPerson(
			store,
			{ employeeId: 'H02', name: '甲', email: 'a@example.com', department: '運營部', role: 'staff' },
			cli,
		);
		// A promotion from tomorrow: today they are still staff.
		await changeAttributes(store, a.id, { role: 'hr', effectiveFrom: addDays(today, 1) }, cli);
		const b = await addPerson(
			store,
			{ employeeId: 'H01', name: '乙', email: 'b@example.com', department: '市場部', role: 'hr' },
			cli,
		);
		// Two changes effective the same day: the one recorded last applies.
		await changeAttributes(store, b.id, { department: '研發部', effectiveFrom: today }, cli);
		await changeAttributes(store, b.id, { department: '銷售部', effectiveFrom: today }, cli);
		// Hired in the future: the first row applies before it takes effect.
		const c = await addPerson(
			store,
			{
				employeeId: 'H03',
				name: '丙',
				email: 'c@example.com',
				department: '業務部',
				role: 'hr',
				hireDate: addDays(today, 30),
			},
			cli,
		);
		await disablePerson(store, c.id, addDays(today, 60), cli);
		const listed = await listPeople(store);
		const expected = await Promise.all(listed.map((p) => findPerson(store, { id: p.id })));
		expect(listed).toEqual(expected);
		expect(listed.map((p) => p.employeeId)).toEqual(['H01', 'H02', 'H03']);
		expect(listed.find((p) => p.id === b.id)).toMatchObject({ department: '銷售部', role: 'hr' });
		expect(listed.find((p) => p.id === a.id)).toMatchObject({ role: 'staff' });
		// H01 is HR and active; H03 is HR but marked as leaving; H02 becomes HR only tomorrow.
		expect(await countHr(store)).toBe(1);
	});

	it('of two changes effective the same day the one recorded last applies, even within one millisecond', async () => {
		// A fixed clock: every change is recorded at the same instant.
		const saved = process.env['ZHIDU_NOW'];
		process.env['ZHIDU_NOW'] = '2026-06-01T04:00:00Z';
		try {
			const person = await addPerson(
				store,
				{ employeeId: 'T01', name: '丁', email: 't@example.com', department: '運營部', role: 'staff' },
				cli,
			);
			for (const department of ['研發部', '銷售部', '財務部'])
				await changeAttributes(store, person.id, { department, effectiveFrom: '2026-06-01' }, cli);
			expect((await findPerson(store, { id: person.id }))?.department).toBe('財務部');
			expect((await listPeople(store)).find((p) => p.id === person.id)?.department).toBe('財務部');
		} finally {
			if (saved === undefined) delete process.env['ZHIDU_NOW'];
			else process.env['ZHIDU_NOW'] = saved;
		}
	});

	it('checks a session in one read: the person with the role in effect today', async () => {
		const person = await addPerson(
			store,
			{ employeeId: 'S01', name: '丁', email: 's@example.com', department: '運營部', role: 'staff' },
			cli,
		);
		await setPassword(store, person.id, 'a long enough password', cli);
		await changeAttributes(store, person.id, { role: 'hr', effectiveFrom: addDays(companyToday(), 2) }, cli);
		const signedIn = await signIn(store, 's@example.com', 'a long enough password', '127.0.0.1');
		if (!signedIn.ok) throw new Error('sign-in failed');
		const session = await sessionFor(store, signedIn.token);
		expect(session?.person).toEqual(await findPerson(store, { id: person.id }));
		expect(session?.person.role).toBe('staff');
		expect(session?.csrfToken).toBe(signedIn.session.csrfToken);
		expect(await sessionFor(store, randomUUID())).toBeUndefined();
		// Leaving today ends the session at once.
		await disablePerson(store, person.id, companyToday(), cli);
		expect(await sessionFor(store, signedIn.token)).toBeUndefined();
	});
});
