/**
 * Where a person stands on each policy they owe (issue 15, item 5): one state
 * per duty, in the order the work is done: read every chapter of the version
 * in force, acknowledge it, pass its quiz, done. Overdue when a step still to
 * do is past its due date. Built from the tracking row (the HR dashboard's
 * rule) and the person's reading receipts, so My training, the home page and
 * the dashboard agree.
 */
import type { LoadedPolicy } from '../content/loader.ts';
import { chapterReading, type ReadingReceipt } from './reading.ts';
import type { AcknowledgementState, CertificationState } from './status.ts';
import type { TrackingRow } from './tracking.ts';

export type DutyState = 'read' | 'acknowledge' | 'pass' | 'done';

export interface DutyView {
	state: DutyState;
	overdue: boolean;
	/** The nearest due date of what is still to do (undefined when done). */
	due: string | undefined;
	chaptersRead: number;
	chaptersTotal: number;
}

export function dutyOf(
	row: TrackingRow,
	policy: LoadedPolicy | undefined,
	receipts: readonly ReadingReceipt[],
): DutyView {
	const reading =
		policy && row.versionInForce ? chapterReading(policy, row.versionInForce, receipts) : ([] as { read: boolean }[]);
	const chaptersRead = reading.filter((c) => c.read).length;
	const acknowledged = row.acknowledgement.state === 'current';
	const certified = !row.quizId || row.certification.state === 'current';
	const state: DutyState = !acknowledged
		? chaptersRead < reading.length
			? 'read'
			: 'acknowledge'
		: !certified
			? 'pass'
			: 'done';
	const open = [...(acknowledged ? [] : [row.acknowledgement]), ...(certified ? [] : [row.certification])];
	const due = open
		.map((d) => d.due)
		.filter((d): d is string => !!d)
		.sort()[0];
	return {
		state,
		overdue: open.some((d) => d.overdue),
		due,
		chaptersRead,
		chaptersTotal: reading.length,
	};
}

/** One step of a duty as a person's page lists it: its state, the record that counts, its due date. */
export type DutyStep =
	| {
			step: 'acknowledgement';
			state: AcknowledgementState;
			/** The acknowledgement that counts: on which day, which version. */
			done: { on: string; version: string } | undefined;
			due: string | undefined;
			overdue: boolean;
	  }
	| {
			step: 'certification';
			/** `no-quiz`: the policy has no quiz, nothing to pass. */
			state: CertificationState | 'no-quiz';
			/** The pass that counts: on which day, which version, the score, valid until. */
			done: { on: string; version: string; score: number; until: string } | undefined;
			due: string | undefined;
			overdue: boolean;
	  };

/** The two steps of a tracking row (My training and HR's person page list them alike). */
export function dutySteps(row: TrackingRow): { acknowledgement: DutyStep; certification: DutyStep } {
	const { acknowledgement: ack, certification: cert } = row;
	return {
		acknowledgement: {
			step: 'acknowledgement',
			state: ack.state,
			done: ack.acknowledgement
				? { on: ack.acknowledgement.acknowledgedOn, version: ack.acknowledgement.policyVersion }
				: undefined,
			due: ack.due,
			overdue: ack.overdue,
		},
		certification: row.quizId
			? {
					step: 'certification',
					state: cert.state,
					done: cert.pass
						? {
								on: cert.pass.passedOn,
								version: cert.pass.policyVersion,
								score: cert.pass.score,
								until: cert.validUntil ?? '',
							}
						: undefined,
					due: cert.due,
					overdue: cert.overdue,
				}
			: { step: 'certification', state: 'no-quiz', done: undefined, due: undefined, overdue: false },
	};
}

export interface OwedSummary {
	/** Duties not done. */
	count: number;
	nearestDue: string | undefined;
	overdue: boolean;
}

/** What the home page tells a person: how many duties are open, and the nearest due date. */
export function owedSummary(duties: readonly DutyView[]): OwedSummary {
	const open = duties.filter((d) => d.state !== 'done');
	return {
		count: open.length,
		nearestDue: open
			.map((d) => d.due)
			.filter((d): d is string => !!d)
			.sort()[0],
		overdue: open.some((d) => d.overdue),
	};
}
