import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { lintQuizzes } from '#lib/lint/quizzes.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = loadContentOrThrow({ policiesDir: join(root, 'test/fixtures/content/policies'), root });

describe('quiz banks', () => {
	it('the two real banks load, with at least 20 questions each, every citation valid', () => {
		const policies = loadContentOrThrow({ root });
		const { quizzes, errors } = loadQuizzes(join(root, 'quizzes'), policies, root);
		expect(errors).toEqual([]);
		expect(quizzes.map((q) => q.id).sort()).toEqual(['operating-model-process', 'pharma-operations-department']);
		for (const quiz of quizzes) expect(quiz.questions.length).toBeGreaterThanOrEqual(20);
	});

	it('fails on a citation of a clause that does not exist, naming file and field', () => {
		const dir = mkdtempSync(join(tmpdir(), 'zhidu-quiz-'));
		cpSync(join(root, 'test/fixtures/quizzes'), dir, { recursive: true });
		const file = join(dir, 'leave-policy.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('cites: [c-1-0-2]', 'cites: [c-9-9-9]'));
		const { errors } = loadQuizzes(dir, fixtures, dir);
		expect(errors).toHaveLength(2); // both covered versions
		expect(errors[0]).toMatchObject({ file: 'leave-policy.yaml', field: 'questions.0.cites.0' });
		expect(errors[0]!.reason).toMatch(/q01 cites c-9-9-9, which is not a clause of leave-policy 1\.0/);
	});

	it('lint warns when a cited clause changed substantively after the quiz’s versions', () => {
		const findings = lintQuizzes(join(root, 'test/fixtures/quizzes'), fixtures, root);
		const for20 = findings.filter((f) => f.message.includes('leave-policy 2.0'));
		expect(for20.map((f) => f.field)).toEqual(['questions.1.cites.0', 'questions.3.cites.0']);
		expect(for20[0]).toMatchObject({
			severity: 'warning',
			file: 'test/fixtures/quizzes/leave-policy.yaml',
			rule: 'quiz-citation-changed',
		});
	});
});
