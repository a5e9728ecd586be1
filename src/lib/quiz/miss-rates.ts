/**
 * Where people go wrong on a quiz (the HR miss-rate page's view-model). Every
 * graded attempt except late ones (which score nothing whatever was answered)
 * counts as its record says; attempts graded before records were kept are
 * regraded from their recorded questions and answers. Misses per question and
 * per cited clause, highest rate first. Domain objects; the page renders.
 */
import type { Store } from '../store/database.ts';
import { gradeAttempt, type Answers, type DrawnQuestion } from './engine.ts';
import type { GradedRecord } from './record.ts';
import type { Quiz } from './schema.ts';

export interface MissCount {
	asked: number;
	missed: number;
	/** missed / asked (0 when never asked). */
	rate: number;
}

export interface MissRatesView {
	quiz: Quiz;
	/** Graded attempts counted (late ones left out). */
	counted: number;
	questions: (MissCount & { question: Quiz['questions'][number] })[];
	clauses: (MissCount & { clause: string })[];
}

export async function missRatesView(store: Store, quiz: Quiz): Promise<MissRatesView> {
	const graded = await store.db
		.selectFrom('attempts')
		.innerJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select(['attempts.questions', 'attempt_grades.answers', 'attempt_grades.late', 'attempt_grades.record'])
		.where('attempts.quiz_id', '=', quiz.id)
		.execute();
	const counted = graded.filter((a) => Number(a.late) !== 1);
	const inBank = new Set(quiz.questions.map((q) => q.id));
	const byQuestion = new Map<string, { asked: number; missed: number }>();
	const byClause = new Map<string, { asked: number; missed: number }>();
	const count = (map: typeof byQuestion, key: string, missed: boolean) => {
		const entry = map.get(key) ?? { asked: 0, missed: 0 };
		entry.asked += 1;
		if (missed) entry.missed += 1;
		map.set(key, entry);
	};
	for (const attempt of counted) {
		const results = attempt.record
			? (JSON.parse(attempt.record) as GradedRecord).questions
			: gradeAttempt(
					quiz,
					(JSON.parse(attempt.questions) as DrawnQuestion[]).filter((d) => inBank.has(d.id)),
					JSON.parse(attempt.answers) as Answers,
				).questions;
		for (const result of results) {
			count(byQuestion, result.id, !result.correct);
			for (const clause of new Set(result.cites)) count(byClause, clause, !result.correct);
		}
	}
	const withRate = (e: { asked: number; missed: number }): MissCount => ({
		...e,
		rate: e.asked ? e.missed / e.asked : 0,
	});
	const order = (a: MissCount, b: MissCount) => b.rate - a.rate || b.asked - a.asked;
	return {
		quiz,
		counted: counted.length,
		questions: quiz.questions
			.map((question) => ({ question, ...withRate(byQuestion.get(question.id) ?? { asked: 0, missed: 0 }) }))
			.sort(order),
		clauses: [...byClause.entries()].map(([clause, e]) => ({ clause, ...withRate(e) })).sort(order),
	};
}
