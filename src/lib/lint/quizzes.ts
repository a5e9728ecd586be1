/**
 * Quiz banks in lint: schema and citation errors (as the build reports them),
 * and a warning for every cited clause that changed substantively in a later
 * version than the ones the quiz was written for: the question may no longer
 * match the policy.
 */
import { join, relative } from 'node:path';
import type { LoadedPolicy } from '../content/loader.ts';
import { compareVersions } from '../content/loader.ts';
import { compareVersionTrees } from '../diff/redline.ts';
import { loadQuizzes } from '../quiz/loader.ts';
import type { LintFinding } from './lint.ts';

export function lintQuizzes(dir: string, policies: readonly LoadedPolicy[], root: string): LintFinding[] {
	const { quizzes, errors } = loadQuizzes(dir, policies, root);
	const findings: LintFinding[] = errors.map((e) => ({
		severity: 'error',
		file: e.file,
		field: e.field,
		message: e.reason,
		rule: 'quiz',
	}));
	for (const quiz of quizzes) {
		const policy = policies.find((p) => p.id === quiz.policy);
		if (!policy) continue;
		const written = [...quiz.versions].sort(compareVersions).at(-1)!;
		const base = policy.versions.find((v) => v.meta.version === written);
		if (!base) continue;
		for (const later of policy.versions.filter((v) => compareVersions(v.meta.version, written) > 0)) {
			const changed = new Set(compareVersionTrees(base, later).substantiveClauseIds);
			quiz.questions.forEach((question, i) =>
				question.cites.forEach((clause, k) => {
					if (!changed.has(clause)) return;
					findings.push({
						severity: 'warning',
						file: relative(root, join(dir, `${quiz.id}.yaml`)),
						field: `questions.${i}.cites.${k}`,
						message: `${question.id} cites ${clause}, which changed substantively in ${quiz.policy} ${later.meta.version} (the quiz covers up to ${written}); review the question`,
						rule: 'quiz-citation-changed',
					});
				}),
			);
		}
	}
	return findings;
}
