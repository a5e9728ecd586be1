/**
 * One person's training record, as the HR person page shows and prints it:
 * status today, every attempt, acknowledgements, exemptions, the department
 * and role history, and the corrections of name and email. Domain objects
 * (dates, titles, results), never database rows; the page translates.
 */
import { findPerson, identityCorrections, type IdentityCorrection, type Person } from '../auth/people.ts';
import { todayIn } from '../calendar.ts';
import type { Store } from '../store/database.ts';
import type { Role } from '../store/schema.ts';
import { signaturesFor, type Signature } from '../signature/index.ts';
import { readingReceipts } from './reading.ts';
import { trackingAsOf, type TrackingContext, type TrackingRow } from './tracking.ts';

export interface AttemptSummary {
	id: string;
	quizId: string;
	quizTitle: string;
	policyVersion: string;
	startedAt: string;
	gradedAt: string | null;
	score: number | null;
	result: 'open' | 'late' | 'passed' | 'failed';
}

export interface AcknowledgementSummary {
	acknowledgedAt: string;
	policyId: string;
	policyTitle: string;
	policyVersion: string;
	textHash: string;
	/** The electronic signature, when the policy asks acknowledgements to be signed. */
	signature: Signature | undefined;
}

/** A reading receipt: the person reached the end of this chapter of this version. */
export interface ReadingSummary {
	readAt: string;
	policyTitle: string;
	policyVersion: string;
	chapterTitle: string;
}

export interface ExemptionSummary {
	policyTitle: string;
	from: string;
	until: string | null;
	reason: string;
	/** The company calendar day it was recorded. */
	recordedOn: string;
}

export interface HistoryEntry {
	effectiveFrom: string;
	department: string;
	role: Role;
	recordedOn: string;
}

export interface PersonRecordView {
	person: Person;
	asOf: string;
	status: TrackingRow[];
	attempts: AttemptSummary[];
	acknowledgements: AcknowledgementSummary[];
	reading: ReadingSummary[];
	exemptions: ExemptionSummary[];
	history: HistoryEntry[];
	corrections: IdentityCorrection[];
}

/** The record of the person with `personId` on `asOf`, or undefined when there is no such person. */
export async function personRecordView(
	store: Store,
	catalog: TrackingContext,
	personId: string,
	asOf: string,
): Promise<PersonRecordView | undefined> {
	const person = await findPerson(store, { id: personId });
	if (!person) return undefined;
	const titleOf = (policyId: string) => catalog.policies.find((p) => p.id === policyId)?.meta.title ?? policyId;
	const quizTitle = (quizId: string) => catalog.quizzes.find((q) => q.id === quizId)?.title ?? quizId;
	const dayOf = (iso: string) => todayIn(catalog.timeZone, new Date(iso));
	const [status, attempts, acknowledgements, exemptions, history, corrections] = await Promise.all([
		trackingAsOf(store, catalog, asOf, { personIds: [person.id] }),
		store.db
			.selectFrom('attempts')
			.leftJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
			.select([
				'attempts.id',
				'attempts.quiz_id',
				'attempts.policy_version',
				'attempts.started_at',
				'attempt_grades.graded_at',
				'attempt_grades.score',
				'attempt_grades.passed',
				'attempt_grades.late',
			])
			.where('attempts.person_id', '=', person.id)
			.orderBy('attempts.started_at')
			.execute(),
		store.db
			.selectFrom('acknowledgements')
			.selectAll()
			.where('person_id', '=', person.id)
			.orderBy('acknowledged_at')
			.execute(),
		store.db.selectFrom('exemptions').selectAll().where('person_id', '=', person.id).orderBy('recorded_at').execute(),
		store.db
			.selectFrom('person_history')
			.selectAll()
			.where('person_id', '=', person.id)
			.orderBy('effective_from')
			.orderBy('recorded_at')
			.execute(),
		identityCorrections(store, person.id),
	]);
	const [receipts, signatures] = await Promise.all([
		readingReceipts(store.db, person.id),
		signaturesFor(
			store.db,
			'acknowledgement',
			acknowledgements.map((a) => a.id),
		),
	]);
	const chapterTitle = (policyId: string, version: string, chapterId: string) =>
		catalog.policies
			.find((p) => p.id === policyId)
			?.versions.find((v) => v.meta.version === version)
			?.chapters.find((c) => c.chapter.id === chapterId)?.chapter.title ?? chapterId;
	return {
		person,
		asOf,
		status,
		attempts: attempts.map((a) => ({
			id: a.id,
			quizId: a.quiz_id,
			quizTitle: quizTitle(a.quiz_id),
			policyVersion: a.policy_version,
			startedAt: a.started_at,
			gradedAt: a.graded_at ?? null,
			score: a.graded_at ? Number(a.score) : null,
			result: !a.graded_at ? 'open' : Number(a.late) === 1 ? 'late' : Number(a.passed) === 1 ? 'passed' : 'failed',
		})),
		acknowledgements: acknowledgements.map((a) => ({
			acknowledgedAt: a.acknowledged_at,
			policyId: a.policy_id,
			policyTitle: titleOf(a.policy_id),
			policyVersion: a.policy_version,
			textHash: a.text_hash,
			signature: signatures.get(a.id)?.[0],
		})),
		reading: receipts.map((r) => ({
			readAt: r.readAt,
			policyTitle: titleOf(r.policy),
			policyVersion: r.version,
			chapterTitle: chapterTitle(r.policy, r.version, r.chapter),
		})),
		exemptions: exemptions.map((e) => ({
			policyTitle: titleOf(e.policy_id),
			from: e.from_date,
			until: e.until_date,
			reason: e.reason,
			recordedOn: dayOf(e.recorded_at),
		})),
		history: history.map((h) => ({
			effectiveFrom: h.effective_from,
			department: h.department,
			role: h.role as Role,
			recordedOn: dayOf(h.recorded_at),
		})),
		corrections,
	};
}
