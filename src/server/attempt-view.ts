/** The JSON shape of an attempt: questions without answers before grading, full feedback after. */
import type { AttemptRecord } from '../lib/quiz/attempts.ts';
import { presentQuestions } from '../lib/quiz/engine.ts';
import type { Quiz } from '../lib/quiz/schema.ts';
import { clauseLink, policyOf } from './catalog.ts';

export function attemptJson(quiz: Quiz, attempt: AttemptRecord) {
	const version = policyOf(quiz.policy)?.versions.find((v) => v.meta.version === attempt.policyVersion);
	const base = {
		id: attempt.id,
		quiz: quiz.id,
		policy: quiz.policy,
		policyVersion: attempt.policyVersion,
		startedAt: attempt.startedAt,
		deadlineAt: attempt.deadlineAt,
		questions: presentQuestions(quiz, attempt.drawn),
	};
	if (!attempt.grade) return { ...base, status: 'open' as const };
	const { result } = attempt.grade;
	return {
		...base,
		status: 'graded' as const,
		gradedAt: attempt.grade.gradedAt,
		late: attempt.grade.late,
		score: result.score,
		correct: result.correct,
		total: result.total,
		passed: result.passed,
		passMark: quiz.passMark,
		feedback: result.questions.map((q) => ({
			...q,
			citations: q.cites.map((id) => ({
				clause: id,
				url: version ? (clauseLink(quiz.policy, version, id) ?? null) : null,
			})),
		})),
	};
}
