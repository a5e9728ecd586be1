/**
 * Training paths (content/training/*.yaml): schema errors name the file and
 * the field; a step pointing at a policy, chapter or quiz that does not exist
 * is an error naming the file; read steps resolve to the version in force; and
 * the real new-hire path loads.
 */
import { companyToday } from '#lib/calendar.ts';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { readBuildConfig } from '#lib/config.ts';
import { loadTrainingPaths, loadTrainingPathsOrThrow } from '#lib/training/loader.ts';
import { projectRoot } from '../support/build-site.ts';

const policies = loadContentOrThrow({ policiesDir: join(projectRoot, 'content/policies'), root: projectRoot });
/** The day 1.1 of both policies takes effect; the day before, 1.0 is in force. */
const today = '2026-11-22';

/** Writes `files` (name → YAML) into a fresh training folder beside a quizzes folder holding `quizzes`. */
function load(files: Record<string, string>, options: { quizzes?: string[]; today?: string } = {}) {
	const root = mkdtempSync(join(tmpdir(), 'zhidu-training-'));
	const dir = join(root, 'training');
	const quizzesDir = join(root, 'quizzes');
	mkdirSync(dir);
	mkdirSync(quizzesDir);
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	for (const quiz of options.quizzes ?? []) writeFileSync(join(quizzesDir, `${quiz}.yaml`), 'title: t\n');
	return loadTrainingPaths({ dir, quizzesDir, root, policies, today: options.today ?? today });
}

const valid = `title: 試用路徑
description: 測試用。
steps:
  - read: { policy: pharma-operations-department, chapters: [ch-1, ch-2] }
    note: 先讀。
  - quiz: pharma-operations-department
`;

describe('training path schema', () => {
	it('loads a valid path, resolving read steps to the version in force', () => {
		const { paths, errors } = load({ 'trial.yaml': valid }, { quizzes: ['pharma-operations-department'] });
		expect(errors).toEqual([]);
		expect(paths).toHaveLength(1);
		expect(paths[0]).toMatchObject({ id: 'trial', file: 'training/trial.yaml', title: '試用路徑' });
		expect(paths[0]!.steps).toEqual([
			{
				kind: 'read',
				policy: 'pharma-operations-department',
				version: '1.1',
				chapters: ['ch-1', 'ch-2'],
				note: '先讀。',
			},
			{ kind: 'quiz', quiz: 'pharma-operations-department' },
		]);
	});

	it('uses the version in force on the given day (1.0 before 1.1 takes effect)', () => {
		const { paths, errors } = load(
			{ 'trial.yaml': valid },
			{ quizzes: ['pharma-operations-department'], today: '2026-11-21' },
		);
		expect(errors).toEqual([]);
		expect(paths[0]!.steps[0]).toMatchObject({ kind: 'read', version: '1.0' });
	});

	it('names the field of each schema error', () => {
		const { paths, errors } = load({
			'broken.yaml': `description: 沒有標題。
steps:
  - read: { policy: pharma-operations-department, chapters: [] }
  - note: 既不是閱讀也不是測驗。
  - read: { policy: pharma-operations-department, chapters: [ch-1] }
    quiz: pharma-operations-department
  - quiz: Not_An_Id
  - read: { policy: pharma-operations-department, chapters: [chapter-one] }
  - watch: video
`,
		});
		expect(paths).toEqual([]);
		const fields = errors.map((e) => e.field);
		expect(errors.every((e) => e.file === 'training/broken.yaml')).toBe(true);
		expect(fields).toContain('title');
		expect(fields).toContain('steps.0.read.chapters');
		expect(fields).toContain('steps.1');
		expect(fields).toContain('steps.2.quiz');
		expect(fields).toContain('steps.3.quiz');
		expect(fields).toContain('steps.4.read.chapters.0');
		expect(fields).toContain('steps.5');
		expect(errors.find((e) => e.field === 'steps.1')!.reason).toMatch(/read.*quiz/);
		expect(errors.find((e) => e.field === 'steps.2.quiz')!.reason).toMatch(/not both/);
		expect(errors.find((e) => e.field === 'steps.4.read.chapters.0')!.reason).toMatch(/ch-1/);
		// The message reads file: field: reason.
		expect(errors.find((e) => e.field === 'title')!.message).toMatch(/^training\/broken\.yaml: title: /);
	});

	it('rejects a path without steps, and YAML that does not parse', () => {
		const { errors } = load({ 'empty.yaml': 'title: 空\ndescription: 無。\nsteps: []\n', 'bad.yaml': 'title: [' });
		expect(errors.find((e) => e.file === 'training/empty.yaml')).toMatchObject({ field: 'steps' });
		expect(errors.find((e) => e.file === 'training/bad.yaml')).toMatchObject({ field: '(yaml)' });
	});
});

describe('training path references', () => {
	it('rejects an unknown policy, naming the file and the step', () => {
		const { paths, errors } = load(
			{
				'unknown-policy.yaml': valid.replace(
					'read: { policy: pharma-operations-department',
					'read: { policy: no-such-policy',
				),
			},
			{ quizzes: ['pharma-operations-department'] },
		);
		expect(paths).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ file: 'training/unknown-policy.yaml', field: 'steps.0.read.policy' });
		expect(errors[0]!.reason).toMatch(/unknown policy "no-such-policy"/);
	});

	it('rejects a chapter that is not in the version in force, naming the file and the chapter', () => {
		const { paths, errors } = load(
			{ 'unknown-chapter.yaml': valid.replace('chapters: [ch-1, ch-2]', 'chapters: [ch-1, ch-99]') },
			{ quizzes: ['pharma-operations-department'] },
		);
		expect(paths).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ file: 'training/unknown-chapter.yaml', field: 'steps.0.read.chapters.1' });
		expect(errors[0]!.reason).toMatch(/"ch-99" is not a chapter of pharma-operations-department 1\.1/);
		expect(errors[0]!.message).toMatch(/^training\/unknown-chapter\.yaml: steps\.0\.read\.chapters\.1: /);
	});

	it('rejects a quiz with no quizzes/<id>.yaml, naming the file and the step', () => {
		const { paths, errors } = load({ 'missing-quiz.yaml': valid });
		expect(paths).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ file: 'training/missing-quiz.yaml', field: 'steps.1.quiz' });
		expect(errors[0]!.reason).toMatch(
			/no quiz "pharma-operations-department" \(quizzes\/pharma-operations-department\.yaml/,
		);
	});

	it('throws every problem at once from loadTrainingPathsOrThrow', () => {
		const root = mkdtempSync(join(tmpdir(), 'zhidu-training-'));
		mkdirSync(join(root, 'training'));
		writeFileSync(join(root, 'training', 'a.yaml'), valid.replace('ch-2', 'ch-42'));
		expect(() =>
			loadTrainingPathsOrThrow({ dir: join(root, 'training'), quizzesDir: join(root, 'q'), root, policies, today }),
		).toThrow(/training\/a\.yaml: steps\.0\.read\.chapters\.1: [\s\S]*training\/a\.yaml: steps\.1\.quiz: /);
	});

	it('has no paths (and no error) when the folder does not exist', () => {
		const { paths, errors } = loadTrainingPaths({ dir: join(tmpdir(), 'zhidu-no-such-dir'), policies, today });
		expect({ paths, errors }).toEqual({ paths: [], errors: [] });
	});
});

describe('the real new-hire path', () => {
	const config = readBuildConfig();
	const quizzesDir = join(projectRoot, config.quizzesDir);

	it('loads: every chapter of both policies in order, then the two quizzes', () => {
		const { paths, errors } = loadTrainingPaths({
			dir: join(projectRoot, 'content/training'),
			quizzesDir,
			root: projectRoot,
			policies,
			today: companyToday(),
		});
		expect(errors.map((e) => e.message)).toEqual([]);
		const path = paths.find((p) => p.id === 'new-hire')!;
		expect(path.file).toBe('content/training/new-hire.yaml');
		expect(path.title).toBeTruthy();
		const reads = path.steps.flatMap((s) => (s.kind === 'read' ? s.chapters.map((c) => `${s.policy}/${c}`) : []));
		const expected = ['pharma-operations-department', 'operating-model-process'].flatMap((id) =>
			policies
				.find((p) => p.id === id)!
				.versions.at(-1)!
				.chapters.map((c) => `${id}/${c.chapter.id}`),
		);
		expect(reads).toEqual(expected);
		expect(path.steps.slice(-2)).toEqual([
			expect.objectContaining({ kind: 'quiz', quiz: 'pharma-operations-department' }),
			expect.objectContaining({ kind: 'quiz', quiz: 'operating-model-process' }),
		]);
		// Reading comes first: no read step after a quiz step.
		const firstQuiz = path.steps.findIndex((s) => s.kind === 'quiz');
		expect(path.steps.slice(firstQuiz).every((s) => s.kind === 'quiz')).toBe(true);
		for (const step of path.steps) {
			if (step.kind === 'quiz') expect(existsSync(join(quizzesDir, `${step.quiz}.yaml`))).toBe(true);
		}
	});
});
