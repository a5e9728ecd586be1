/**
 * The JSON shape of an attempt: questions without answers before grading;
 * after grading, what its stored record says (never the bank as it is now),
 * with the answers withheld on a fail when the quiz does not reveal them.
 */
import type { AttemptRecord } from '../lib/quiz/attempts.ts';
import { presentedQuestions } from '../lib/quiz/attempts.ts';
import { presentSnapshot } from '../lib/quiz/engine.ts';
import type { Progress } from '../lib/quiz/progress.ts';
import { visibleResult, type Cite } from '../lib/quiz/record.ts';
import type { Quiz } from '../lib/quiz/schema.ts';
import { versionTables } from '../lib/catalog/index.ts';
import type { LoadedVersion } from '../lib/content/loader.ts';
import { clauseLink, policyOf } from './catalog.ts';

/**
 * How a reader finds a clause: its displayed numbers (chapter, section, the
 * items above it, its own) and its title, e.g. `三、(一) 2. 調研計劃`; a clause
 * without a title of its own is named by its section's or chapter's. Never the id,
 * unless the clause is not in the version.
 */
export function clauseLabel(version: LoadedVersion, clauseId: string): string {
	return versionTables(version).labels.get(clauseId) ?? clauseId;
}

/** Names cited clauses as the attempt's policy version shows them: what the record keeps at grading. */
export function citeIn(policyId: string, policyVersion: string): Cite {
	const version = policyOf(policyId)?.versions.find((v) => v.meta.version === policyVersion);
	return (clause) => ({
		clause,
		label: version ? clauseLabel(version, clause) : clause,
		url: version ? (clauseLink(policyId, version, clause) ?? null) : null,
	});
}

/** `quiz` (the bank now) is used only to show an open attempt started before snapshots were kept. */
export function attemptJson(attempt: AttemptRecord, quiz: Quiz | undefined, progress?: Progress) {
	const base = {
		id: attempt.id,
		quiz: attempt.quizId,
		policy: attempt.policyId,
		policyVersion: attempt.policyVersion,
		startedAt: attempt.startedAt,
		deadlineAt: attempt.deadlineAt,
	};
	if (!attempt.grade)
		return {
			...base,
			questions: presentedQuestions(attempt, quiz),
			status: 'open' as const,
			...(progress ? { saved: { answers: progress.answers, flagged: progress.flagged } } : {}),
		};
	const { record } = attempt.grade;
	const visible = visibleResult(record);
	return {
		...base,
		questions: record.format === 1 ? presentSnapshot(record.questions) : [],
		status: 'graded' as const,
		gradedAt: attempt.grade.gradedAt,
		late: record.late,
		score: record.score,
		correct: record.correct,
		total: record.total,
		passed: record.passed,
		passMark: record.format === 1 ? record.passMark : null,
		bankHash: record.format === 1 ? record.bankHash : null,
		record: record.format === 1 ? ('kept' as const) : ('legacy' as const),
		answersWithheld: visible.withheld,
		feedback: visible.feedback,
		reread: visible.reread,
	};
}

export type AttemptView = ReturnType<typeof attemptJson>;
