/**
 * The roster: people, their department and role as history (a change is a
 * new row effective from a date, never an edit), and leaving (disabled_on).
 * Each change and its audit entry commit in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { companyToday, now as clockNow } from '../calendar.ts';
import { calendarDate, calendarDateText } from '../calendar-date.ts';
import type { Store } from '../store/database.ts';
import type { Database, Role } from '../store/schema.ts';
import { HistoryError, latestRecord } from '../tracking/record-dates.ts';
import { readNotifyConfig } from '../notify/config.ts';
import { assignmentsForNewPeople, newRosterEntry } from '../notify/events.ts';
import { enqueue } from '../notify/outbox.ts';
import { actorPersonId, recordAudit, type Actor } from './audit.ts';
import { inEffectOrder, personColumns, personOf, type PersonRow } from './person-row.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from './secrets.ts';
import { forgetCachedSessions } from './session-cache.ts';

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
	hireDate: calendarDateText.optional(),
	/** The manager's employee id (roster column `manager`), for the manager's weekly digest. */
	manager: z.string().trim().min(1).max(100).optional(),
});
export type NewPerson = z.input<typeof newPersonSchema>;
export type ParsedPerson = z.output<typeof newPersonSchema>;

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

const now = () => clockNow().toISOString();
/**
 * Now, or a millisecond after `previous` when now is not later: of two changes effective the same day the one
 * recorded last applies, so two recorded within a millisecond (or under a test's fixed clock) keep their order.
 */
const nowAfter = (previous: string | null | undefined) => {
	const at = now();
	return previous && at <= previous ? new Date(Date.parse(previous) + 1).toISOString() : at;
};

export class PersonError extends Error {
	override name = 'PersonError';
	readonly field: string;
	constructor(field: string, message: string) {
		super(`${field}: ${message}`);
		this.field = field;
	}
}

export function parsePerson(input: NewPerson): ParsedPerson {
	const parsed = newPersonSchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new PersonError(String(issue.path[0] ?? 'person'), issue.message);
	}
	return parsed.data;
}

/**
 * Writes a new person, their first history row and the audit entry with `tx` (the caller's
 * transaction). `self`: the person adds themselves (the first HR account, from the setup link).
 */
export async function insertPerson(tx: Kysely<Database>, p: ParsedPerson, by: Actor | 'self'): Promise<string> {
	const existing = await tx
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
	const actor: Actor = by === 'self' ? { kind: 'person', personId: id } : by;
	const at = now();
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
			manager_employee_id: p.manager ?? null,
		})
		.execute();
	await tx
		.insertInto('person_history')
		.values({
			id: randomUUID(),
			person_id: id,
			department: p.department,
			role: p.role,
			effective_from: p.hireDate ?? companyToday(),
			recorded_at: at,
			recorded_by: actorPersonId(actor),
		})
		.execute();
	await recordAudit(tx, {
		event: 'person.added',
		actor,
		subject: p.email,
		detail: { person: id, role: p.role, department: p.department },
	});
	// What the new person owes already: the assignment emails and webhook events, with the person.
	const today = companyToday();
	const config = readNotifyConfig();
	await enqueue(
		tx,
		assignmentsForNewPeople(
			[
				newRosterEntry({
					id,
					employeeId: p.employeeId,
					name: p.name,
					email: p.email,
					department: p.department,
					role: p.role,
					hireDate: p.hireDate ?? null,
					manager: p.manager ?? null,
					today,
				}),
			],
			today,
			config,
		),
		config,
	);
	return id;
}

export async function addPerson(store: Store, input: NewPerson, actor: Actor): Promise<Person> {
	const p = parsePerson(input);
	const id = await store.db.transaction().execute((tx) => insertPerson(tx, p, actor));
	return (await findPerson(store, { id }))!;
}

/** A person with the department and role in effect on `onDate` (default: today in the company). */
export async function findPerson(
	store: Pick<Store, 'db'>,
	by: { id?: string; email?: string; employeeId?: string },
	onDate: string = companyToday(),
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
	return personOf({
		...row,
		department: current.department,
		role: current.role as Role,
		has_password: row.password_hash !== null,
	});
}

/** Everyone with the department and role in effect on `onDate`, in one query (per person, `inEffectOrder`'s first). */
function peopleWithCurrentRole(onDate: string) {
	const text = `select ${personColumns}
from people p
join (
  select person_id, department, role, row_number() over (
    partition by person_id order by ${inEffectOrder('person_history')}) as n
  from person_history
) h on h.person_id = p.id and h.n = 1`;
	const pieces = text.split('?');
	return sql<PersonRow>`${sql.join(
		pieces.map((piece, i) => (i === 0 ? sql.raw(piece) : sql`${onDate}${sql.raw(piece)}`)),
		sql``,
	)}`;
}

/** The roster, by employee id: one query, not one per person. */
export async function listPeople(store: Pick<Store, 'db'>, onDate: string = companyToday()): Promise<Person[]> {
	const { rows } = await sql<PersonRow>`${peopleWithCurrentRole(onDate)} order by p.employee_id`.execute(store.db);
	return rows.map(personOf);
}

export function checkPassword(password: string): void {
	if (password.length < MIN_PASSWORD_LENGTH)
		throw new PersonError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
}

/** Ends every session of a person still open (a new password; leaving). */
async function endSessions(tx: Kysely<Database>, personId: string): Promise<void> {
	await tx
		.updateTable('sessions')
		.set({ revoked_at: now() })
		.where('person_id', '=', personId)
		.where('revoked_at', 'is', null)
		.execute();
	forgetCachedSessions();
}

/** Stores a password hash (computed before the transaction: scrypt never holds a write lock) and ends the person's sessions. */
export async function writePasswordHash(
	tx: Kysely<Database>,
	personId: string,
	hash: string,
	actor: Actor,
): Promise<void> {
	await tx.updateTable('people').set({ password_hash: hash }).where('id', '=', personId).execute();
	// A new password ends every session of that person.
	await endSessions(tx, personId);
	await recordAudit(tx, { event: 'person.password-set', actor, subject: personId });
}

export async function setPassword(store: Store, personId: string, password: string, actor: Actor): Promise<void> {
	checkPassword(password);
	const hash = await hashPassword(password);
	await store.db.transaction().execute((tx) => writePasswordHash(tx, personId, hash, actor));
}

/** Records a department or role change, effective from a date; history is kept. */
export async function changeAttributes(
	store: Store,
	personId: string,
	change: { department?: string; role?: Role; effectiveFrom?: string },
	actor: Actor,
): Promise<Person> {
	const person = await findPerson(store, { id: personId });
	if (!person) throw new PersonError('person', 'no such person');
	const effectiveFrom = change.effectiveFrom ?? companyToday();
	const date = calendarDate.safeParse(effectiveFrom);
	if (!date.success) throw new PersonError('effectiveFrom', date.error.issues[0]!.message);
	await store.db.transaction().execute(async (tx) => {
		// Two changes to one person at once on PostgreSQL: the second waits, then records after the first.
		if (store.dialect === 'postgres')
			await tx.selectFrom('people').select('id').where('id', '=', personId).forUpdate().execute();
		const latest = await tx
			.selectFrom('person_history')
			.select((eb) => eb.fn.max('recorded_at').as('at'))
			.where('person_id', '=', personId)
			.executeTakeFirst();
		await tx
			.insertInto('person_history')
			.values({
				id: randomUUID(),
				person_id: personId,
				department: change.department ?? person.department,
				role: change.role ?? person.role,
				effective_from: effectiveFrom,
				recorded_at: nowAfter(latest?.at),
				recorded_by: actorPersonId(actor),
			})
			.execute();
		await recordAudit(tx, {
			event: change.role && change.role !== person.role ? 'person.role-changed' : 'person.department-changed',
			actor,
			subject: person.email,
			detail: { from: { department: person.department, role: person.role }, to: change, effectiveFrom },
		});
	});
	// A signed-in person's new role counts from their next request.
	forgetCachedSessions();
	return (await findPerson(store, { id: personId }))!;
}

/**
 * The person leaves on `on`: from the company's midnight that day they can no
 * longer sign in or write, and owe nothing. A date on or before one of their
 * records (an acknowledgement, an attempt) is refused: it would rewrite history.
 */
export async function disablePerson(
	store: Store,
	personId: string,
	on: string = companyToday(),
	actor: Actor,
): Promise<void> {
	const date = calendarDate.safeParse(on);
	if (!date.success) throw new PersonError('disabledOn', date.error.issues[0]!.message);
	await store.db.transaction().execute(async (tx) => {
		const person = await tx.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst();
		if (!person) throw new PersonError('person', 'no such person');
		const latest = await latestRecord(tx, personId);
		if (latest && on <= latest.on)
			throw new HistoryError(
				'disabledOn',
				`${on} is not after this person's ${latest.kind} on ${latest.on}; choose a later date`,
			);
		await tx.updateTable('people').set({ disabled_on: on }).where('id', '=', personId).execute();
		// From that day on, no session works (sessionFor checks the date); end them now if the day has come.
		if (on <= companyToday()) await endSessions(tx, personId);
		await recordAudit(tx, { event: 'person.disabled', actor, subject: personId, detail: { on } });
	});
	forgetCachedSessions();
}

/** HR people not marked as leaving: one query (it runs at every start). */
export async function countHr(store: Pick<Store, 'db'>): Promise<number> {
	const { rows } = await sql<{
		n: number | string;
	}>`select count(*) as n from (${peopleWithCurrentRole(companyToday())}) x
where x.role = 'hr' and x.disabled_on is null`.execute(store.db);
	return Number(rows[0]?.n ?? 0);
}

export interface IdentityCorrection {
	previousName: string;
	previousEmail: string;
	name: string;
	email: string;
	recordedAt: string;
	/** The person who recorded it (null: the CLI or an API token without a person). */
	recordedBy: string | null;
}

const correctionSchema = newPersonSchema.pick({ name: true, email: true }).partial();

/**
 * Corrects a person's name or email (a typo, a new surname, a new address):
 * the person row changes, the correction with what it replaced is kept in
 * `person_identity_history` (append-only), and the audit entry commits with it.
 * Records already made (acknowledgements, attempts, signatures) keep the name
 * they were made with. An email another person has is refused.
 */
export async function correctIdentity(
	store: Store,
	personId: string,
	change: { name?: string | undefined; email?: string | undefined },
	actor: Actor,
): Promise<Person> {
	const parsed = correctionSchema.safeParse(change);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new PersonError(String(issue.path[0] ?? 'person'), issue.message);
	}
	await store.db.transaction().execute(async (tx) => {
		const row = await tx.selectFrom('people').select(['name', 'email']).where('id', '=', personId).executeTakeFirst();
		if (!row) throw new PersonError('person', 'no such person');
		const name = parsed.data.name ?? row.name;
		const email = parsed.data.email ?? row.email;
		if (name === row.name && email === row.email) return;
		if (email !== row.email) {
			const holder = await tx
				.selectFrom('people')
				.select('id')
				.where('email', '=', email)
				.where('id', '!=', personId)
				.executeTakeFirst();
			if (holder) throw new PersonError('email', `${email} is already in the roster`);
		}
		const at = now();
		await tx.updateTable('people').set({ name, email }).where('id', '=', personId).execute();
		await tx
			.insertInto('person_identity_history')
			.values({
				id: randomUUID(),
				person_id: personId,
				previous_name: row.name,
				previous_email: row.email,
				name,
				email,
				recorded_at: at,
				recorded_by: actorPersonId(actor),
			})
			.execute();
		await recordAudit(tx, {
			event: 'person.identity-corrected',
			actor,
			subject: personId,
			detail: { from: { name: row.name, email: row.email }, to: { name, email } },
		});
	});
	forgetCachedSessions();
	return (await findPerson(store, { id: personId }))!;
}

/** Every correction of a person's name or email, oldest first. */
export async function identityCorrections(store: Pick<Store, 'db'>, personId: string): Promise<IdentityCorrection[]> {
	const rows = await store.db
		.selectFrom('person_identity_history')
		.selectAll()
		.where('person_id', '=', personId)
		.orderBy('recorded_at')
		.execute();
	return rows.map((r) => ({
		previousName: r.previous_name,
		previousEmail: r.previous_email,
		name: r.name,
		email: r.email,
		recordedAt: r.recorded_at,
		recordedBy: r.recorded_by,
	}));
}

export interface PersonChange {
	name?: string | undefined;
	email?: string | undefined;
	department?: string | undefined;
	role?: Role | undefined;
	effectiveFrom?: string | undefined;
	disabledOn?: string | undefined;
}

/**
 * One change to a person, as the API's PATCH and the HR pages make it: a name
 * or email correction, a department or role from a date (history), leaving.
 */
export async function changePerson(
	store: Store,
	personId: string,
	change: PersonChange,
	actor: Actor,
): Promise<Person> {
	if (!(await findPerson(store, { id: personId }))) throw new PersonError('person', 'no such person');
	if (change.name !== undefined || change.email !== undefined)
		await correctIdentity(store, personId, { name: change.name, email: change.email }, actor);
	if (change.department || change.role)
		await changeAttributes(
			store,
			personId,
			{
				...(change.department ? { department: change.department } : {}),
				...(change.role ? { role: change.role } : {}),
				...(change.effectiveFrom ? { effectiveFrom: change.effectiveFrom } : {}),
			},
			actor,
		);
	if (change.disabledOn) await disablePerson(store, personId, change.disabledOn, actor);
	return (await findPerson(store, { id: personId }))!;
}
