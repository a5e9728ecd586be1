/**
 * What each event sends (issue 16): the email to the person, the webhook
 * event and the xAPI statements, as outbox items. The webhook event types
 * are a zod enum, the one list the API, the HR page and the README use.
 */
import type { LoadedPolicy, LoadedVersion } from '../content/loader.ts';
import { walkClauses } from '../content/clause-tree.ts';
import type { Quiz } from '../quiz/schema.ts';
import { catalog, versionInForceOn, type Catalog } from '../catalog/index.ts';
import { dutySince, owes, trackingRow, type RosterEntry, type TrackingRow } from '../tracking/tracking.ts';
import { acknowledgementStatement, attemptStatements } from './xapi.ts';
import { chapterUrl, policyUrl, versionUrl } from '../urls.ts';
import type { NotifyConfig } from './config.ts';
import { reminderEmail, type ReminderKind } from './messages.ts';
import type { Outgoing } from './outbox.ts';

export { webhookEventType, webhookEventTypes, type WebhookEventType } from './event-types.ts';
import type { WebhookEventType } from './event-types.ts';

export const quizPageUrl = (quiz: string) => `/quizzes/${quiz}/`;
export const settingsPath = '/account/#reminders';

/** The event key: kind|policy|version|person|day, `-` for a part that does not apply. */
export const eventKey = (kind: string, policy = '-', version = '-', person = '-', day = '-') =>
	[kind, policy, version, person, day].join('|');

/** Clause label as the version shows it (number and title) and its exact URL. */
export function clauseRefs(policyId: string, version: LoadedVersion, ids: readonly string[], baseUrl: string) {
	const found = new Map<string, { label: string; url: string }>();
	for (const { chapter } of version.chapters)
		for (const { clause } of walkClauses(chapter))
			if (ids.includes(clause.id))
				found.set(clause.id, {
					label: [version.numbers.clauses.get(clause.id), clause.title].filter(Boolean).join(' ') || clause.id,
					url: `${baseUrl}${chapterUrl(policyId, version.meta.version, chapter.id)}#${clause.id}`,
				});
	return ids.map((id) => found.get(id) ?? { label: id, url: `${baseUrl}/policies/${policyId}/clauses/${id}/` });
}

/** What a tracking row says the person owes now (nothing when both are current). */
export function owed(row: TrackingRow) {
	const acknowledge = row.acknowledgement.state !== 'current';
	const quiz = !!row.quizId && row.certification.state !== 'current';
	if (!acknowledge && !quiz) return undefined;
	const dues = [acknowledge ? row.acknowledgement.due : undefined, quiz ? row.certification.due : undefined].filter(
		(d): d is string => !!d,
	);
	const outdatedBy =
		(acknowledge ? row.acknowledgement.outdatedBy : undefined) ?? (quiz ? row.certification.outdatedBy : undefined);
	const changed = [
		...new Set([
			...(acknowledge ? (row.acknowledgement.outdatedBy?.clauses ?? []) : []),
			...(quiz ? (row.certification.outdatedBy?.clauses ?? []) : []),
		]),
	];
	return { acknowledge, quiz, due: dues.sort()[0]!, outdatedBy, changed };
}

/**
 * The assignment or reminder for one row: the email (unless reminders are off and the policy does not
 * make them mandatory; assignments always go) and the webhook event, under the event's key.
 */
export function rowItem(
	kind: ReminderKind,
	row: TrackingRow,
	policy: LoadedPolicy,
	quiz: Quiz | undefined,
	key: string,
	config: NotifyConfig,
	remindersOff: boolean,
): Outgoing | undefined {
	const debt = owed(row);
	const version = row.versionInForce;
	if (!debt || !version) return undefined;
	const loaded = policy.versions.find((v) => v.meta.version === version);
	const base = config.baseUrl;
	const quiet = kind !== 'assigned' && kind !== 'revision' && remindersOff && !policy.meta.mandatoryReminders;
	const email = quiet
		? undefined
		: reminderEmail(
				{
					kind,
					to: row.person.email,
					name: row.person.name,
					policyTitle: row.policyTitle,
					version,
					due: debt.due,
					effective: debt.outdatedBy?.effective ?? loaded?.meta.effective,
					changedClauses: loaded && debt.changed.length ? clauseRefs(policy.id, loaded, debt.changed, base) : undefined,
					todo: {
						acknowledgeUrl: debt.acknowledge ? `${base}${versionUrl(policy.id, version)}` : undefined,
						quiz: debt.quiz && quiz ? { title: quiz.title, url: `${base}${quizPageUrl(quiz.id)}` } : undefined,
					},
					settingsUrl: `${base}${settingsPath}`,
				},
				config.language,
			);
	const webhookType: Record<ReminderKind, WebhookEventType | undefined> = {
		assigned: 'assignment.created',
		revision: 'assignment.created',
		'due-soon': undefined,
		overdue: 'person.overdue',
	};
	const type = webhookType[kind];
	return {
		event: type ?? `reminder.${kind}`,
		key,
		email,
		webhook: type
			? {
					person: { id: row.person.id, employeeId: row.person.employeeId, email: row.person.email },
					policy: row.policyId,
					version,
					due: debt.due,
					acknowledge: debt.acknowledge,
					quiz: debt.quiz ? (row.quizId ?? null) : null,
					changedClauses: debt.changed,
					url: `${base}${policyUrl(policy.id)}`,
				}
			: undefined,
	};
}

/** The start of the duty a row describes: a revision's effective date, an expiry, else when the duty arose. */
export function dutyStart(row: TrackingRow, dutySince: string): string {
	const debt = owed(row);
	if (debt?.outdatedBy) return debt.outdatedBy.effective;
	if (row.certification.state === 'expired' && row.certification.validUntil) return row.certification.validUntil;
	return dutySince;
}

/**
 * New people's assignments, written with the transaction that adds them (the daily job would find them
 * tomorrow under the same keys). When the content cannot be read, nothing is lost: the job sends them.
 */
export function assignmentsForNewPeople(
	people: readonly RosterEntry[],
	today: string,
	config: NotifyConfig,
	from?: Catalog,
): Outgoing[] {
	let source: Catalog;
	try {
		source = from ?? catalog();
	} catch {
		return [];
	}
	const items: Outgoing[] = [];
	for (const policy of source.policies) {
		if (!versionInForceOn(policy, today)) continue;
		const quiz = source.quizzes.find((q) => q.policy === policy.id);
		for (const person of people) {
			if (person.startedOn > today || !owes(policy, person)) continue;
			const row = trackingRow(policy, quiz, person, today, [], []);
			const start = dutyStart(row, dutySince(policy, person, today));
			const item = rowItem(
				'assigned',
				row,
				policy,
				quiz,
				eventKey('assigned', policy.id, row.versionInForce ?? '-', person.id, start),
				config,
				false,
			);
			if (item) items.push(item);
		}
	}
	return items;
}

/** A person as tracking sees them on the day they are added (one history entry). */
export function newRosterEntry(
	p: Omit<RosterEntry, 'startedOn' | 'history' | 'manager'> & { manager?: string | null; today: string },
): RosterEntry {
	const startedOn = p.hireDate ?? p.today;
	return {
		id: p.id,
		employeeId: p.employeeId,
		name: p.name,
		email: p.email,
		department: p.department,
		role: p.role,
		hireDate: p.hireDate,
		manager: p.manager ?? null,
		startedOn,
		history: [{ from: startedOn, department: p.department, role: p.role }],
	};
}

/** attempt.graded (and certification.changed for a pass) with the xAPI statements. */
export function attemptGradedItems(
	input: {
		attemptId: string;
		person: { id: string; employeeId: string; name: string; email: string };
		quiz: { id: string; title: string; policy: string };
		policyVersion: string;
		correct: number;
		total: number;
		score: number;
		passed: boolean;
		late: boolean;
		gradedAt: string;
	},
	config: NotifyConfig,
): Outgoing[] {
	const person = { id: input.person.id, employeeId: input.person.employeeId, email: input.person.email };
	const items: Outgoing[] = [
		{
			event: 'attempt.graded',
			webhook: {
				attempt: input.attemptId,
				person,
				quiz: input.quiz.id,
				policy: input.quiz.policy,
				version: input.policyVersion,
				score: input.score,
				correct: input.correct,
				total: input.total,
				passed: input.passed,
				late: input.late,
				gradedAt: input.gradedAt,
				url: `${config.baseUrl}/attempts/${input.attemptId}/`,
			},
			// Only with an LRS to send them to (each statement's id is a hash: not made for nothing).
			xapi: config.lrs
				? attemptStatements({
						baseUrl: config.baseUrl,
						uiLanguage: config.language,
						person: input.person,
						attemptId: input.attemptId,
						quiz: input.quiz,
						policy: { id: input.quiz.policy, version: input.policyVersion },
						correct: input.correct,
						total: input.total,
						passed: input.passed,
						gradedAt: input.gradedAt,
					})
				: undefined,
		},
	];
	if (input.passed)
		items.push({
			event: 'certification.changed',
			webhook: {
				person,
				quiz: input.quiz.id,
				policy: input.quiz.policy,
				state: 'current',
				since: input.gradedAt.slice(0, 10),
				attempt: input.attemptId,
			},
		});
	return items;
}

export function acknowledgementItems(
	input: {
		acknowledgementId: string;
		person: { id: string; employeeId: string; name: string; email: string };
		policy: { id: string; title: string; version: string };
		textHash: string;
		at: string;
	},
	config: NotifyConfig,
): Outgoing[] {
	return [
		{
			event: 'acknowledgement.recorded',
			webhook: {
				acknowledgement: input.acknowledgementId,
				person: { id: input.person.id, employeeId: input.person.employeeId, email: input.person.email },
				policy: input.policy.id,
				version: input.policy.version,
				textHash: input.textHash,
				acknowledgedAt: input.at,
			},
			xapi: config.lrs
				? [
						acknowledgementStatement({
							baseUrl: config.baseUrl,
							uiLanguage: config.language,
							person: input.person,
							acknowledgementId: input.acknowledgementId,
							policy: input.policy,
							at: input.at,
						}),
					]
				: undefined,
		},
	];
}
