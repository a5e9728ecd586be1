/**
 * Answers saved as the person goes: one draft row per question of an open
 * attempt (answer and review flag), upserted. A reload or a lost connection
 * resumes from it; when the time runs out the server grades it. It is not the
 * record: the grade's record keeps what counted, and the drafts go with grading.
 */
import type { Store } from '../store/database.ts';
import type { AttemptRecord } from './attempts.ts';
import type { Answer, Answers, PresentedQuestion } from './engine.ts';

export interface Progress {
	answers: Answers;
	/** Question ids the person flagged for review. */
	flagged: string[];
	/** The last save, if any. */
	savedAt: string | undefined;
}

export async function loadProgress(store: Store, attemptId: string): Promise<Progress> {
	const rows = await store.db
		.selectFrom('attempt_progress')
		.selectAll()
		.where('attempt_id', '=', attemptId)
		.orderBy('question_id')
		.execute();
	const answers: Answers = {};
	for (const row of rows) if (row.answer !== null) answers[row.question_id] = JSON.parse(row.answer) as Answer;
	return {
		answers,
		flagged: rows.filter((r) => Number(r.flagged) === 1).map((r) => r.question_id),
		savedAt: rows
			.map((r) => r.saved_at)
			.sort()
			.at(-1),
	};
}

/** Why an answer does not fit its question, or undefined when it does. */
export function answerProblem(question: PresentedQuestion, answer: Answer | null): string | undefined {
	if (answer === null) return undefined;
	if (question.type === 'true-false')
		return typeof answer === 'boolean' ? undefined : 'a true/false question takes true or false';
	if (!Array.isArray(answer)) return 'a choice question takes a list of option ids';
	if (question.type === 'single' && answer.length > 1) return 'a single-choice question takes one option';
	if (new Set(answer).size !== answer.length) return 'an option is chosen twice';
	const known = new Set(question.options.map((o) => o.id));
	const unknown = answer.find((id) => !known.has(id));
	return unknown === undefined ? undefined : `"${unknown}" is not an option of this question`;
}

/**
 * Saves one question's answer and flag (replacing the previous save for it);
 * false when the attempt is no longer open. The caller checks the deadline.
 */
export async function saveProgress(
	store: Store,
	attempt: Pick<AttemptRecord, 'id'>,
	questionId: string,
	answer: Answer | null,
	flagged: boolean,
	at: Date,
): Promise<boolean> {
	const values = {
		answer: answer === null || (Array.isArray(answer) && answer.length === 0) ? null : JSON.stringify(answer),
		flagged: flagged ? 1 : 0,
		saved_at: at.toISOString(),
	};
	return store.db.transaction().execute(async (trx) => {
		// Only while the attempt is open: a save racing the grade must not leave a draft behind it.
		const open = await trx
			.selectFrom('open_attempts')
			.select('attempt_id')
			.where('attempt_id', '=', attempt.id)
			.executeTakeFirst();
		if (!open) return false;
		await trx
			.insertInto('attempt_progress')
			.values({ attempt_id: attempt.id, question_id: questionId, ...values })
			.onConflict((oc) => oc.columns(['attempt_id', 'question_id']).doUpdateSet(values))
			.execute();
		return true;
	});
}
