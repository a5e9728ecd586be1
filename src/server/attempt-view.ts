/** The JSON shape of an attempt: questions without answers before grading, full feedback after. */
import type { AttemptRecord } from '../lib/quiz/attempts.ts';
import { presentQuestions } from '../lib/quiz/engine.ts';
import type { Quiz } from '../lib/quiz/schema.ts';
import { walkClauses } from '../lib/content/clause-tree.ts';
import type { LoadedVersion } from '../lib/content/loader.ts';
import { clauseLink, policyOf } from './catalog.ts';

/** How a reader finds a clause: its chapter, section and clause numbers (一、(二)1.), falling back to the id. */
export function clauseLabel(version: LoadedVersion, clauseId: string): string {
	for (const { chapter } of version.chapters) {
		for (const { clause, section } of walkClauses(chapter)) {
			if (clause.id !== clauseId) continue;
			const parts = [
				`${version.numbers.chapters.get(chapter.id) ?? ''}${chapter.title}`,
				section ? `${version.numbers.sections.get(section.id) ?? ''}${section.title}` : '',
				version.numbers.clauses.get(clause.id) ?? '',
			];
			return parts.filter(Boolean).join(' ');
		}
	}
	return clauseId;
}

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
				label: version ? clauseLabel(version, id) : id,
				url: version ? (clauseLink(quiz.policy, version, id) ?? null) : null,
			})),
		})),
	};
}
