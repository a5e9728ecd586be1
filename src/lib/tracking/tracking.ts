/**
 * Who owes what, and where each person stands, as of a calendar date: the
 * roster as it was (department and role from the history, people hired by
 * then and not yet gone), the content in force then, and the records made by
 * then.
 *
 * The reports only read, so they use `store.reads`: on SQLite a second
 * connection, so a report never waits behind a long write (a roster import).
 * A report on thousands of people gives way to other requests every few
 * milliseconds (src/lib/give-way.ts): its reads run in turns and its loops in
 * slices, so a health check never waits behind the whole report.
 */
import { randomUUID } from 'node:crypto';
import { givingWay, readInTurns, type GiveWay } from '../give-way.ts';
import type { LoadedPolicy } from '../content/loader.ts';
import { versionHash } from '../content/version-hash.ts';
import type { Quiz } from '../quiz/schema.ts';
import type { Store } from '../store/database.ts';
import type { Database, Role } from '../store/schema.ts';
import { todayIn } from '../versions.ts';
import { now } from '../calendar.ts';
import { actorPersonId, personActor, recordAudit, type Actor } from '../auth/audit.ts';
import type { Kysely } from 'kysely';
import { sign, signaturesFor, type Signature, type SignRequest, type SignResult } from '../signature/index.ts';
import { ReadingError, unreadChapters } from './reading.ts';
import { readNotifyConfig } from '../notify/config.ts';
import { acknowledgementItems } from '../notify/events.ts';
import { enqueue } from '../notify/outbox.ts';
import { HistoryError, latestRecord } from './record-dates.ts';
import { versionInForceOn, versionsInForceBy } from '../catalog/index.ts';
import {
	acknowledgementStatus,
	certificationStatus,
	dueDate,
	type AcknowledgementRecord,
	type AcknowledgementStatus,
	type CertificationStatus,
	type PassRecord,
} from './status.ts';

export interface TrackingContext {
	policies: readonly LoadedPolicy[];
	quizzes: readonly Quiz[];
	timeZone: string;
}

export interface RosterEntry {
	id: string;
	employeeId: string;
	name: string;
	email: string;
	department: string;
	role: Role;
	hireDate: string | null;
	/** The manager's employee id (the roster's `manager` column), if any. */
	manager: string | null;
	/** The calendar day the person joined the roster: the hire date, else the day the record was made. */
	startedOn: string;
	/** Department and role from each dated change up to D, oldest first (one entry per date). */
	history: AttributesFrom[];
}

export interface AttributesFrom {
	from: string;
	department: string;
	role: Role;
}

export const DEFAULT_DUE_DAYS = 30;
export const DEFAULT_RECERTIFY_DAYS = 30;

/**
 * The roster on D: hired by D, not gone by D, department and role as they were on D. `personIds`: only
 * these people (one person's duties read their own rows, not the whole roster).
 */
export async function rosterAsOf(
	store: Store,
	asOf: string,
	timeZone: string,
	{ personIds, giveWay = givingWay() }: { personIds?: readonly string[] | undefined; giveWay?: GiveWay } = {},
): Promise<RosterEntry[]> {
	const only = personIds && (personIds.length ? [...personIds] : ['-']);
	const [people, history] = await readInTurns(
		() =>
			store.reads
				.selectFrom('people')
				.select(['id', 'employee_id', 'name', 'email', 'hire_date', 'created_at', 'disabled_on', 'manager_employee_id'])
				.$if(!!only, (q) => q.where('id', 'in', only!))
				.orderBy('employee_id')
				.execute(),
		() =>
			store.reads
				.selectFrom('person_history')
				.select(['person_id', 'effective_from', 'recorded_at', 'department', 'role'])
				.where('effective_from', '<=', asOf)
				.$if(!!only, (q) => q.where('person_id', 'in', only!))
				.execute(),
	);
	// Per person and date, the entry recorded last (a correction of that day's entry wins).
	const byDate = new Map<string, Map<string, (typeof history)[number]>>();
	for (const h of history) {
		if (giveWay.due()) await giveWay.turn();
		const dates = byDate.get(h.person_id) ?? new Map<string, (typeof history)[number]>();
		byDate.set(h.person_id, dates);
		const seen = dates.get(h.effective_from);
		if (!seen || h.recorded_at > seen.recorded_at) dates.set(h.effective_from, h);
	}
	const roster: RosterEntry[] = [];
	for (const p of people) {
		if (giveWay.due()) await giveWay.turn();
		const startedOn = p.hire_date ?? todayIn(timeZone, new Date(p.created_at));
		const timeline: AttributesFrom[] = [...(byDate.get(p.id)?.values() ?? [])]
			.sort((a, b) => a.effective_from.localeCompare(b.effective_from))
			.map((h) => ({ from: h.effective_from, department: h.department, role: h.role as Role }));
		const attributes = timeline.at(-1);
		if (startedOn > asOf || !attributes) continue;
		if (p.disabled_on !== null && p.disabled_on <= asOf) continue;
		roster.push({
			id: p.id,
			employeeId: p.employee_id,
			name: p.name,
			email: p.email,
			department: attributes.department,
			role: attributes.role as Role,
			hireDate: p.hire_date,
			manager: p.manager_employee_id ?? null,
			startedOn,
			history: timeline,
		});
	}
	return roster;
}

export function owes(policy: LoadedPolicy, person: Pick<RosterEntry, 'department' | 'role'>): boolean {
	const rule = policy.meta.assignment;
	if (!rule) return false;
	if ('everyone' in rule) return true;
	return rule.departments.includes(person.department) && (!rule.roles || rule.roles.includes(person.role));
}

/**
 * The day the person last became subject to the policy, by D: the start of the last unbroken run of
 * history entries whose department and role the policy's assignment covers (leaving and coming back
 * starts a new run). Undefined when the person does not owe it on D.
 */
export function subjectSince(policy: LoadedPolicy, person: RosterEntry): string | undefined {
	let since: string | undefined;
	for (const entry of person.history) {
		if (!owes(policy, entry)) since = undefined;
		else since ??= entry.from;
	}
	return since;
}

/** The day the duty arose: the latest of the person's start, when they became subject, and the policy's first effective date. */
export function dutySince(policy: LoadedPolicy, person: RosterEntry, asOf: string): string {
	// The first version in force by D; one with no stated effective date (an imported historical version) sets no bound.
	const firstEffective = versionsInForceBy(policy, asOf)[0]?.meta.effective;
	return [person.startedOn, subjectSince(policy, person), firstEffective]
		.filter((d): d is string => !!d)
		.reduce((a, b) => (a > b ? a : b));
}

/** Exemptions in effect on D: each record on its own dates (back-dated ones count for the past too). */
async function exemptionsAsOf(store: Store, asOf: string): Promise<Set<string>> {
	const rows = await store.reads.selectFrom('exemptions').selectAll().where('from_date', '<=', asOf).execute();
	return new Set(
		rows
			.filter((row) => row.until_date === null || row.until_date >= asOf)
			.map((row) => `${row.person_id}|${row.policy_id}`),
	);
}

async function passesBy(
	store: Store,
	timeZone: string,
	personIds: readonly string[] | undefined,
	giveWay: GiveWay,
): Promise<Map<string, PassRecord[]>> {
	let query = store.reads
		.selectFrom('attempts')
		.innerJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select([
			'attempts.id',
			'attempts.person_id',
			'attempts.quiz_id',
			'attempts.policy_version',
			'attempt_grades.graded_at',
			'attempt_grades.score',
		])
		.where('attempt_grades.passed', '=', 1);
	if (personIds) query = query.where('attempts.person_id', 'in', personIds.length ? [...personIds] : ['-']);
	const map = new Map<string, PassRecord[]>();
	for (const row of await query.execute()) {
		if (giveWay.due()) await giveWay.turn();
		const key = `${row.person_id}|${row.quiz_id}`;
		const list = map.get(key) ?? [];
		list.push({
			attemptId: row.id,
			at: row.graded_at,
			passedOn: todayIn(timeZone, new Date(row.graded_at)),
			score: Number(row.score),
			policyVersion: row.policy_version,
		});
		map.set(key, list);
	}
	return map;
}

async function acknowledgementsBy(
	store: Store,
	timeZone: string,
	personIds: readonly string[] | undefined,
	giveWay: GiveWay,
): Promise<Map<string, AcknowledgementRecord[]>> {
	let query = store.reads
		.selectFrom('acknowledgements')
		.select(['id', 'person_id', 'policy_id', 'policy_version', 'acknowledged_at']);
	if (personIds) query = query.where('person_id', 'in', personIds.length ? [...personIds] : ['-']);
	const map = new Map<string, AcknowledgementRecord[]>();
	for (const row of await query.execute()) {
		if (giveWay.due()) await giveWay.turn();
		const key = `${row.person_id}|${row.policy_id}`;
		const list = map.get(key) ?? [];
		list.push({
			id: row.id,
			at: row.acknowledged_at,
			acknowledgedOn: todayIn(timeZone, new Date(row.acknowledged_at)),
			policyVersion: row.policy_version,
		});
		map.set(key, list);
	}
	return map;
}

export interface TrackingRow {
	person: RosterEntry;
	policyId: string;
	policyTitle: string;
	versionInForce: string | undefined;
	quizId: string | undefined;
	certification: CertificationStatus & { due: string | undefined; overdue: boolean };
	acknowledgement: AcknowledgementStatus & { due: string | undefined; overdue: boolean };
}

export interface TrackingFilter {
	personIds?: readonly string[];
	policy?: string;
	department?: string;
	status?: string;
}

/** Everyone who owes a policy on D (exemptions applied), with both statuses and due dates. */
export async function trackingAsOf(
	store: Store,
	ctx: TrackingContext,
	asOf: string,
	filter: TrackingFilter = {},
): Promise<TrackingRow[]> {
	const giveWay = givingWay();
	let roster = await rosterAsOf(store, asOf, ctx.timeZone, { giveWay, personIds: filter.personIds });
	if (filter.department) roster = roster.filter((p) => p.department === filter.department);
	const ids = filter.personIds ? roster.map((p) => p.id) : undefined;
	const [exempt, passes, acks] = await readInTurns(
		() => exemptionsAsOf(store, asOf),
		() => passesBy(store, ctx.timeZone, ids, giveWay),
		() => acknowledgementsBy(store, ctx.timeZone, ids, giveWay),
	);
	const rows: TrackingRow[] = [];
	for (const policy of ctx.policies) {
		// A policy assigned to no one is owed by no one: not a pass over the roster.
		if (!policy.meta.assignment || (filter.policy && policy.id !== filter.policy)) continue;
		const inForce = versionInForceOn(policy, asOf);
		if (!inForce) continue;
		const quiz = ctx.quizzes.find((q) => q.policy === policy.id);
		for (const person of roster) {
			if (giveWay.due()) await giveWay.turn();
			if (!owes(policy, person) || exempt.has(`${person.id}|${policy.id}`)) continue;
			const row = trackingRow(
				policy,
				quiz,
				person,
				asOf,
				passes.get(`${person.id}|${quiz?.id}`) ?? [],
				acks.get(`${person.id}|${policy.id}`) ?? [],
			);
			if (filter.status) {
				const wanted = filter.status;
				const matches =
					wanted === 'overdue'
						? row.certification.overdue || row.acknowledgement.overdue
						: row.certification.state === wanted;
				if (!matches) continue;
			}
			rows.push(row);
		}
	}
	return rows;
}

/**
 * One person's row for a policy in force on D, from their passes and acknowledgements (the report's
 * rule, also used for a person not yet committed, e.g. when notifying a new hire in the same transaction).
 */
export function trackingRow(
	policy: LoadedPolicy,
	quiz: Quiz | undefined,
	person: RosterEntry,
	asOf: string,
	passes: readonly PassRecord[],
	acks: readonly AcknowledgementRecord[],
): TrackingRow {
	const inForce = versionInForceOn(policy, asOf);
	const days = {
		dueDays: policy.meta.dueDays ?? DEFAULT_DUE_DAYS,
		recertifyDays: policy.meta.recertifyDays ?? DEFAULT_RECERTIFY_DAYS,
	};
	const certification: CertificationStatus = quiz
		? certificationStatus(policy, quiz, passes, asOf)
		: { state: 'none', pass: undefined, validUntil: undefined, outdatedBy: undefined };
	const acknowledgement = acknowledgementStatus(policy, acks, asOf);
	const duty = { since: dutySince(policy, person, asOf), ...days };
	const certDue = quiz
		? dueDate(certification.state, certification.outdatedBy, certification.validUntil, duty)
		: undefined;
	const ackDue = dueDate(acknowledgement.state, acknowledgement.outdatedBy, undefined, duty);
	return {
		person,
		policyId: policy.id,
		policyTitle: policy.meta.title,
		versionInForce: inForce?.meta.version,
		quizId: quiz?.id,
		certification: { ...certification, due: certDue, overdue: !!certDue && asOf > certDue },
		acknowledgement: { ...acknowledgement, due: ackDue, overdue: !!ackDue && asOf > ackDue },
	};
}

export interface AcknowledgementRow {
	id: string;
	policy_id: string;
	policy_version: string;
	text_hash: string;
	acknowledged_at: string;
	statement: string | null;
}

export interface AcknowledgeOptions {
	at?: Date;
	address?: string | null;
	/** The attestation shown to the person (attestationStatement), kept with the record. */
	statement?: string | null;
}

/** The person's acknowledgement of this version's text, if they made one. */
export function acknowledgementOf(
	db: Kysely<Database>,
	policyId: string,
	version: string,
	textHash: string,
	personId: string,
): Promise<AcknowledgementRow | undefined> {
	return db
		.selectFrom('acknowledgement_keys')
		.innerJoin('acknowledgements', 'acknowledgements.id', 'acknowledgement_keys.acknowledgement_id')
		.select([
			'acknowledgements.id',
			'acknowledgements.policy_id',
			'acknowledgements.policy_version',
			'acknowledgements.text_hash',
			'acknowledgements.acknowledged_at',
			'acknowledgements.statement',
		])
		.where('acknowledgement_keys.person_id', '=', personId)
		.where('acknowledgement_keys.policy_id', '=', policyId)
		.where('acknowledgement_keys.policy_version', '=', version)
		.where('acknowledgement_keys.text_hash', '=', textHash)
		.executeTakeFirst();
}

/**
 * Records, with `tx`, that a person acknowledged a version's text, with its
 * audit entry. The same text again (even concurrently) stores nothing new:
 * the key table's primary key admits one record, and the existing one is
 * returned with `created: false`. A new acknowledgement needs a reading
 * receipt for every chapter of the version (ReadingError naming the rest).
 */
export async function acknowledgeIn(
	tx: Kysely<Database>,
	policy: LoadedPolicy,
	version: string,
	personId: string,
	options: AcknowledgeOptions = {},
): Promise<{ record: AcknowledgementRow; created: boolean }> {
	const id = randomUUID();
	const textHash = versionHash(policy, version);
	const key = { person_id: personId, policy_id: policy.id, policy_version: version, text_hash: textHash };
	const existing = () => acknowledgementOf(tx, policy.id, version, textHash, personId);
	const made = await existing();
	if (made) return { record: made, created: false };
	const unread = await unreadChapters(tx, policy, version, personId);
	if (unread.length > 0)
		throw new ReadingError(
			'chapters',
			`read every chapter of ${policy.id} ${version} before acknowledging; not yet read: ${unread.join(', ')}`,
			unread,
		);
	const claimed = await tx
		.insertInto('acknowledgement_keys')
		.values({ ...key, acknowledgement_id: id })
		.onConflict((oc) => oc.columns(['person_id', 'policy_id', 'policy_version', 'text_hash']).doNothing())
		.returning('acknowledgement_id')
		.executeTakeFirst();
	if (!claimed) return { record: (await existing())!, created: false };
	const record: AcknowledgementRow = {
		id,
		policy_id: policy.id,
		policy_version: version,
		text_hash: textHash,
		acknowledged_at: (options.at ?? now()).toISOString(),
		statement: options.statement ?? null,
	};
	await tx
		.insertInto('acknowledgements')
		.values({ ...record, person_id: personId })
		.execute();
	await recordAudit(tx, {
		event: 'acknowledgement.recorded',
		actor: personActor(personId),
		subject: personId,
		address: options.address ?? null,
		detail: { acknowledgement: id, policy: policy.id, version, textHash },
	});
	// The webhook event and xAPI statement are written with the record (the outbox).
	const person = await tx
		.selectFrom('people')
		.select(['id', 'employee_id', 'name', 'email'])
		.where('id', '=', personId)
		.executeTakeFirstOrThrow();
	const config = readNotifyConfig();
	await enqueue(
		tx,
		acknowledgementItems(
			{
				acknowledgementId: id,
				person: { id: person.id, employeeId: person.employee_id, name: person.name, email: person.email },
				policy: { id: policy.id, title: policy.meta.title, version },
				textHash,
				at: record.acknowledged_at,
			},
			config,
		),
		config,
		new Date(record.acknowledged_at),
	);
	return { record, created: true };
}

/** An acknowledgement in its own transaction (see acknowledgeIn). */
export function acknowledge(
	store: Store,
	policy: LoadedPolicy,
	version: string,
	personId: string,
	options: AcknowledgeOptions = {},
): Promise<{ record: AcknowledgementRow; created: boolean }> {
	return store.db.transaction().execute((tx) => acknowledgeIn(tx, policy, version, personId, options));
}

/**
 * A signed acknowledgement (`acknowledgement: signature`): the credential is checked and limited by
 * the signature module, and the acknowledgement and its signature (bound to the acknowledgement's id
 * and the version's text hash) commit together. Already acknowledged: the record, nothing signed.
 */
export async function acknowledgeSigned(
	store: Store,
	policy: LoadedPolicy,
	version: string,
	personId: string,
	signing: Omit<SignRequest, 'personId'>,
	options: AcknowledgeOptions = {},
): Promise<
	| SignResult<{ record: AcknowledgementRow; created: boolean }>
	| { ok: true; signature: Signature | undefined; result: { record: AcknowledgementRow; created: false } }
> {
	// The same text acknowledged already: that record (and its signature), nothing signed again.
	const made = await acknowledgementOf(store.db, policy.id, version, versionHash(policy, version), personId);
	if (made) {
		const signature = (await signaturesFor(store.db, 'acknowledgement', [made.id])).get(made.id)?.[0];
		return { ok: true, signature, result: { record: made, created: false } };
	}
	// Checked before the credential too, so that reading left to do costs no signing try (and again inside).
	const unread = await unreadChapters(store.db, policy, version, personId);
	if (unread.length > 0)
		throw new ReadingError(
			'chapters',
			`read every chapter of ${policy.id} ${version} before acknowledging; not yet read: ${unread.join(', ')}`,
			unread,
		);
	return sign(store, { ...signing, personId, address: signing.address ?? options.address ?? null }, async (tx) => {
		const result = await acknowledgeIn(tx, policy, version, personId, options);
		return {
			subject: { kind: 'acknowledgement', id: result.record.id, textHash: result.record.text_hash },
			result,
		};
	});
}

/**
 * HR exempts a person from a policy from a date. An exemption starting before
 * a record the person already has for that policy is refused: it would change
 * what that record meant. The exemption and its audit entry commit together.
 */
export async function recordExemption(
	store: Store,
	input: { personId: string; policyId: string; reason: string; from: string; until?: string | undefined },
	actor: Actor,
	address: string | null = null,
): Promise<string> {
	const id = randomUUID();
	await store.db.transaction().execute(async (tx) => {
		const latest = await latestRecord(tx, input.personId, input.policyId);
		if (latest && input.from < latest.on)
			throw new HistoryError(
				'from',
				`${input.from} is before this person's ${latest.kind} on ${latest.on} for ${input.policyId}; an exemption cannot start before records already made`,
			);
		await tx
			.insertInto('exemptions')
			.values({
				id,
				person_id: input.personId,
				policy_id: input.policyId,
				reason: input.reason,
				from_date: input.from,
				until_date: input.until ?? null,
				recorded_by: actorPersonId(actor),
				recorded_at: now().toISOString(),
			})
			.execute();
		await recordAudit(tx, {
			event: 'exemption.recorded',
			actor,
			subject: input.personId,
			address,
			detail: {
				exemption: id,
				policy: input.policyId,
				from: input.from,
				until: input.until ?? null,
				reason: input.reason,
			},
		});
	});
	return id;
}
