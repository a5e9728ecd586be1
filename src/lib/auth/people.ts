/**
 * The roster: people, their department and role as history (a change is a
 * new row effective from a date, never an edit), and leaving (disabled_on).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/database.ts';
import type { Role } from '../store/schema.ts';
import { recordAudit } from './audit.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './secrets.ts';

import { calendarDate } from '../calendar.ts';

export const newPersonSchema = z.object({
	employeeId: z.string().trim().min(1, 'employee id is required'),
	name: z.string().trim().min(1, 'name is required'),
	email: z
		.string()
		.trim()
		.toLowerCase()
		.pipe(z.email({ error: 'not an email address' })),
	department: z.string().trim().min(1, 'department is required'),
	role: z.enum(['staff', 'hr'], { error: 'role must be staff or hr' }),
	hireDate: calendarDate.optional(),
});
export type NewPerson = z.input<typeof newPersonSchema>;

export interface Person {
	id: string;
	employeeId: string;
	name: string;
	email: string;
	hireDate: string | null;
	disabledOn: string | null;
	department: string;
	role: Role;
	hasPassword: boolean;
}

const now = () => new Date().toISOString();
const today = () => new Date().toISOString().slice(0, 10);

export class PersonError extends Error {
	override name = 'PersonError';
	readonly field: string;
	constructor(field: string, message: string) {
		super(`${field}: ${message}`);
		this.field = field;
	}
}

export async function addPerson(store: Store, input: NewPerson, actorId: string | null = null): Promise<Person> {
	const parsed = newPersonSchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new PersonError(String(issue.path[0] ?? 'person'), issue.message);
	}
	const p = parsed.data;
	const existing = await store.db
		.selectFrom('people')
		.select(['email', 'employee_id'])
		.where((eb) => eb.or([eb('email', '=', p.email), eb('employee_id', '=', p.employeeId)]))
		.executeTakeFirst();
	if (existing) {
		throw existing.email === p.email
			? new PersonError('email', `${p.email} is already in the roster`)
			: new PersonError('employeeId', `${p.employeeId} is already in the roster`);
	}
	const id = randomUUID();
	const at = now();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('people')
			.values({
				id,
				employee_id: p.employeeId,
				name: p.name,
				email: p.email,
				hire_date: p.hireDate ?? null,
				password_hash: null,
				disabled_on: null,
				created_at: at,
			})
			.execute();
		await tx
			.insertInto('person_history')
			.values({
				id: randomUUID(),
				person_id: id,
				department: p.department,
				role: p.role,
				effective_from: p.hireDate ?? today(),
				recorded_at: at,
				recorded_by: actorId,
			})
			.execute();
	});
	await recordAudit(store, {
		event: 'person.added',
		actorId,
		subject: p.email,
		detail: { role: p.role, department: p.department },
	});
	return (await findPerson(store, { id }))!;
}

/** A person with the department and role in effect on `onDate` (default today). */
export async function findPerson(
	store: Store,
	by: { id?: string; email?: string; employeeId?: string },
	onDate: string = today(),
): Promise<Person | undefined> {
	let query = store.db.selectFrom('people').selectAll();
	if (by.id) query = query.where('id', '=', by.id);
	else if (by.email) query = query.where('email', '=', by.email.trim().toLowerCase());
	else if (by.employeeId) query = query.where('employee_id', '=', by.employeeId);
	else return undefined;
	const row = await query.executeTakeFirst();
	if (!row) return undefined;
	const history = await store.db
		.selectFrom('person_history')
		.select(['department', 'role', 'effective_from', 'recorded_at'])
		.where('person_id', '=', row.id)
		.orderBy('effective_from', 'desc')
		.orderBy('recorded_at', 'desc')
		.execute();
	const current = history.find((h) => h.effective_from <= onDate) ?? history.at(-1)!;
	return {
		id: row.id,
		employeeId: row.employee_id,
		name: row.name,
		email: row.email,
		hireDate: row.hire_date,
		disabledOn: row.disabled_on,
		department: current.department,
		role: current.role as Role,
		hasPassword: row.password_hash !== null,
	};
}

export async function listPeople(store: Store): Promise<Person[]> {
	const ids = await store.db.selectFrom('people').select('id').orderBy('employee_id').execute();
	return Promise.all(ids.map(async ({ id }) => (await findPerson(store, { id }))!));
}

export async function setPassword(
	store: Store,
	personId: string,
	password: string,
	actorId: string | null,
): Promise<void> {
	if (password.length < MIN_PASSWORD_LENGTH)
		throw new PersonError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
	await store.db
		.updateTable('people')
		.set({ password_hash: await hashPassword(password) })
		.where('id', '=', personId)
		.execute();
	// A new password ends every session of that person.
	await store.db
		.updateTable('sessions')
		.set({ revoked_at: now() })
		.where('person_id', '=', personId)
		.where('revoked_at', 'is', null)
		.execute();
	await recordAudit(store, { event: 'person.password-set', actorId, subject: personId });
}

/** Records a department or role change, effective from a date; history is kept. */
export async function changeAttributes(
	store: Store,
	personId: string,
	change: { department?: string; role?: Role; effectiveFrom?: string },
	actorId: string | null,
): Promise<Person> {
	const person = await findPerson(store, { id: personId });
	if (!person) throw new PersonError('person', 'no such person');
	const effectiveFrom = change.effectiveFrom ?? today();
	calendarDate.parse(effectiveFrom);
	await store.db
		.insertInto('person_history')
		.values({
			id: randomUUID(),
			person_id: personId,
			department: change.department ?? person.department,
			role: change.role ?? person.role,
			effective_from: effectiveFrom,
			recorded_at: now(),
			recorded_by: actorId,
		})
		.execute();
	await recordAudit(store, {
		event: change.role && change.role !== person.role ? 'person.role-changed' : 'person.department-changed',
		actorId,
		subject: person.email,
		detail: { from: { department: person.department, role: person.role }, to: change, effectiveFrom },
	});
	return (await findPerson(store, { id: personId }))!;
}

/** The person leaves on `on`: they can no longer sign in and owe nothing from that day. */
export async function disablePerson(
	store: Store,
	personId: string,
	on: string = today(),
	actorId: string | null,
): Promise<void> {
	calendarDate.parse(on);
	const result = await store.db
		.updateTable('people')
		.set({ disabled_on: on })
		.where('id', '=', personId)
		.executeTakeFirst();
	if (Number(result.numUpdatedRows) === 0) throw new PersonError('person', 'no such person');
	await store.db
		.updateTable('sessions')
		.set({ revoked_at: now() })
		.where('person_id', '=', personId)
		.where('revoked_at', 'is', null)
		.execute();
	await recordAudit(store, { event: 'person.disabled', actorId, subject: personId, detail: { on } });
}

export async function countHr(store: Store): Promise<number> {
	const people = await listPeople(store);
	return people.filter((p) => p.role === 'hr' && !p.disabledOn).length;
}
