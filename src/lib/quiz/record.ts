/**
 * The permanent record of an attempt. At start the drawn questions are copied
 * from the bank with their key (the snapshot); at grading the whole record is
 * written once: every question as shown, the chosen and the right answer, the
 * explanation, the cited clauses with the labels and links shown, score, pass
 * mark, the bank's content hash and the policy version. Pages, the API and the
 * certificate read this record, never the bank as it is now.
 */
import { createHash } from 'node:crypto';
import type { Answer, DrawnQuestion, GradedQuestion, QuestionResult, SnapshotQuestion } from './engine.ts';
import { snapshotQuestions } from './engine.ts';
import type { Quiz } from './schema.ts';

export interface Citation {
	clause: string;
	/** How the clause was named when the attempt was graded (chapter, section, number). */
	label: string;
	url: string | null;
}

/** Names a cited clause in the attempt's policy version. */
export type Cite = (clauseId: string) => Citation;
export const plainCite: Cite = (clause) => ({ clause, label: clause, url: null });

/** Stored with the attempt when it starts: the quiz as the person sees it, key included (server side only). */
export interface AttemptSnapshot {
	quizTitle: string;
	bankHash: string;
	passMark: number;
	revealAnswersOnFail: boolean;
	validityMonths: number;
	/** Every clause the bank cited: what a pass certifies (for "still current" checks). */
	coveredClauses: string[];
	questions: SnapshotQuestion[];
}

export interface RecordQuestion extends SnapshotQuestion {
	chosen: Answer | null;
	correct: boolean;
	citations: Citation[];
}

/** Stored with the grade, once. */
export interface GradedRecord {
	format: 1;
	quizTitle: string;
	bankHash: string;
	policyVersion: string;
	passMark: number;
	revealAnswersOnFail: boolean;
	validityMonths: number;
	coveredClauses: string[];
	score: number;
	correct: number;
	total: number;
	passed: boolean;
	late: boolean;
	questions: RecordQuestion[];
}

/**
 * A grade written before records were kept (migration 0004): only what the
 * grade row itself says. Shown as such, never re-graded against the bank.
 */
export interface LegacyRecord {
	format: 0;
	score: number;
	correct: number;
	total: number;
	passed: boolean;
	late: boolean;
}

/** sha256 of the bank as loaded (settings, questions, keys): which bank an attempt was drawn from. */
export function bankHash(quiz: Quiz): string {
	let hash = bankHashes.get(quiz);
	if (hash === undefined)
		bankHashes.set(quiz, (hash = createHash('sha256').update(JSON.stringify(quiz)).digest('hex')));
	return hash;
}
/**
 * Per loaded bank (a reload makes new objects, so a changed bank is hashed anew): every start takes a snapshot,
 * and hashing the whole bank each time was a quarter of a start's CPU.
 */
const bankHashes = new WeakMap<Quiz, string>();
const coveredByBank = new WeakMap<Quiz, readonly string[]>();

/** Every clause the bank cites, sorted. */
function coveredClauses(quiz: Quiz): string[] {
	let covered = coveredByBank.get(quiz);
	if (!covered) coveredByBank.set(quiz, (covered = [...new Set(quiz.questions.flatMap((q) => q.cites))].sort()));
	return [...covered];
}

export function takeSnapshot(quiz: Quiz, drawn: readonly DrawnQuestion[]): AttemptSnapshot {
	return {
		quizTitle: quiz.title,
		bankHash: bankHash(quiz),
		passMark: quiz.passMark,
		revealAnswersOnFail: quiz.revealAnswersOnFail,
		validityMonths: quiz.validityMonths,
		coveredClauses: coveredClauses(quiz),
		questions: snapshotQuestions(quiz, drawn),
	};
}

export function buildRecord(
	snapshot: AttemptSnapshot,
	policyVersion: string,
	graded: { score: number; correct: number; total: number; passed: boolean; questions: GradedQuestion[] },
	late: boolean,
	cite: Cite,
): GradedRecord {
	const { questions: shown, ...settings } = snapshot;
	return {
		format: 1,
		...settings,
		policyVersion,
		score: graded.score,
		correct: graded.correct,
		total: graded.total,
		passed: graded.passed,
		late,
		questions: shown.map((q, i) => ({
			...q,
			chosen: graded.questions[i]!.chosen,
			correct: graded.questions[i]!.correct,
			citations: q.cites.map(cite),
		})),
	};
}

/** What the person sees of a graded attempt. */
export interface VisibleFeedback extends QuestionResult {
	citations: Citation[];
}

export interface VisibleResult {
	/** Per question: on a pass, or when the quiz reveals answers on a fail. */
	feedback: VisibleFeedback[];
	/** On a fail that reveals nothing: the clauses to re-read, without saying which question missed them. */
	reread: Citation[];
	/** Whether the right options and explanations are withheld. */
	withheld: boolean;
}

/**
 * A failed attempt of a quiz that does not reveal answers shows only the score
 * and the clauses to re-read: no explanation, no right option, not even which
 * question was missed (for true/false that alone would give the answer away).
 */
export function visibleResult(record: GradedRecord | LegacyRecord): VisibleResult {
	if (record.format === 0) return { feedback: [], reread: [], withheld: false };
	if (!record.passed && !record.revealAnswersOnFail) {
		const seen = new Map<string, Citation>();
		for (const q of record.questions)
			if (!q.correct) for (const c of q.citations) if (!seen.has(c.clause)) seen.set(c.clause, c);
		return { feedback: [], reread: [...seen.values()], withheld: true };
	}
	return {
		feedback: record.questions.map((q) => ({
			id: q.id,
			correct: q.correct,
			chosen: q.chosen,
			rightAnswer: q.right,
			explanation: q.explanation,
			cites: q.cites,
			citations: q.citations,
		})),
		reread: [],
		withheld: false,
	};
}
