/**
 * Revisions reach the quiz and the training (issue 15, item 2), through the CLI (in-process), on a
 * temporary copy of the fixture policy (1.1 in force, with a knowledge check added to its chapter 2) and
 * its quiz bank: a substantive change to a quizzed clause blocks approval, naming every question and
 * check that cites it, until each is confirmed (reviewedFor) or edited.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { zhidu as run } from '../support/cli.ts';
import { clockOn } from '../support/clock.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const fixtures = join(projectRoot, 'test/fixtures');
const today = '2026-11-22';
const dir = join(projectRoot, 'test-output/question-review');
const policiesDir = join(dir, 'policies');
const quizzesDir = join(dir, 'quizzes');
const bank = join(quizzesDir, 'leave-policy.yaml');
const versionDir = (v: string) => join(policiesDir, 'leave-policy', v);
const chapter2 = (v: string) => join(versionDir(v), '02-假別.mdx');

/** The CLI in-process on the copied content, as of `today`. */
const zhidu = (...args: string[]) =>
	run([...args, '--content', policiesDir, '--quizzes', quizzesDir], { env: clockOn(today) });

const editFile = (path: string, from: string | RegExp, to: string) => {
	const text = readFileSync(path, 'utf8');
	const next = text.replace(from, to);
	expect(next, `${path}: ${String(from)} not found`).not.toBe(text);
	writeFileSync(path, next);
};

const check = (question: string, extra = '') =>
	`\n<KnowledgeCheck\n\tquestion="${question}"\n\toptions={['七日', '十四日']}\n\tanswer={2}\n\tcites="c-2-1-1-1"${extra}\n/>\n`;

const approveArgs = ['--effective', '2027-01-01', '--by', '王大明', '--meaning', '核准'];

beforeAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	const policy = join(policiesDir, 'leave-policy');
	mkdirSync(policy, { recursive: true });
	const source = join(fixtures, 'content/policies/leave-policy');
	cpSync(join(source, 'policy.yaml'), join(policy, 'policy.yaml'));
	for (const v of ['1.0', '1.1']) cpSync(join(source, v), join(policy, v), { recursive: true });
	// 1.1's chapter 2 carries a knowledge check on the annual limit; a revision copies it.
	editFile(chapter2('1.1'), /<Section id="s-2-2"/, `${check('事假全年最多幾日？')}\n<Section id="s-2-2"`);
	mkdirSync(quizzesDir, { recursive: true });
	cpSync(join(fixtures, 'quizzes/leave-policy.yaml'), bank);
	expect((await zhidu('revise', 'leave-policy')).status).toBe(0);
	editFile(join(versionDir('1.2'), 'version.yaml'), '"TODO: 修訂摘要"', '事假全年上限由十四日改為十日。');
});

describe('revisions reach the quiz and the training', { timeout: 180_000 }, () => {
	it('an editorial change to a quizzed clause asks for no review', async () => {
		editFile(chapter2('1.2'), '事假期間不支薪。', '事假期間 不支薪。');
		const result = await zhidu('status', 'leave-policy');
		expect(result.status, result.output).toBe(0);
		expect(result.stdout).toContain('nothing blocks approval');
		editFile(chapter2('1.2'), '事假期間 不支薪。', '事假期間不支薪。');
	});

	it('a substantive change to a quizzed clause: status names every question and check citing it', async () => {
		editFile(chapter2('1.2'), '全年以十四日為限', '全年以十日為限');
		const result = await zhidu('status', 'leave-policy');
		expect(result.status, result.output).toBe(0);
		const blockers = result.stdout.split('\n').filter((line) => line.includes('blocker:'));
		expect(blockers.some((l) => l.includes('quiz leave-policy question q02 cites c-2-1-1-1'))).toBe(true);
		expect(blockers.some((l) => l.includes('question q04 cites c-2-1-1-1'))).toBe(true);
		expect(blockers.some((l) => l.includes('question q03'))).toBe(false);
		expect(blockers.some((l) => l.includes('knowledge check') && l.includes('事假全年最多幾日？'))).toBe(true);
		expect(result.stdout).toContain('changed substantively since 1.1');
		const json = JSON.parse((await zhidu('status', 'leave-policy', '--json')).stdout);
		const draft = json.versions.find((v: { version: string }) => v.version === '1.2');
		expect(draft.reviews.map((r: { question?: string; kind: string }) => r.question ?? r.kind)).toEqual([
			'q02',
			'q04',
			'knowledge-check',
		]);
		expect(draft.reviews[0]).toMatchObject({
			state: 'needs review',
			since: '1.1',
			clauses: [{ id: 'c-2-1-1-1', change: 'substantive' }],
		});
	});

	it('the diff lists them too', async () => {
		const result = await zhidu('diff', 'leave-policy', '1.1', '1.2');
		expect(result.status, result.output).toBe(0);
		expect(result.stdout).toContain('(3 to review before approval)');
		expect(result.stdout).toMatch(/\[needs review\] quiz leave-policy question q02/);
	});

	it('approval is refused, naming the question', async () => {
		expect((await zhidu('submit', 'leave-policy', '1.2')).status).toBe(0);
		const result = await zhidu('approve', 'leave-policy', '1.2', ...approveArgs);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('cannot approve leave-policy 1.2');
		expect(result.stderr).toContain('question q02 cites c-2-1-1-1');
		expect(result.stderr).toContain('事假全年最多幾日？');
	});

	it('reviewedFor must name a version of the policy', () => {
		editFile(bank, /(  - id: q02\n)/, '$1    reviewedFor: "9.9"\n');
		expect(loadQuizzes(quizzesDir, loadContentOrThrow({ policiesDir }), projectRoot).errors).toEqual([
			expect.objectContaining({ field: 'questions.1.reviewedFor' }),
		]);
		editFile(bank, '    reviewedFor: "9.9"\n', '');
	});

	it('confirming q02, editing q04 and the check lets approval pass; the diff shows how each was reviewed', async () => {
		// q02 is still correct? No: the right answer changed; it is edited and marked reviewed for 1.2.
		editFile(bank, '{ id: b, text: 十四日, correct: true }', '{ id: b, text: 十日, correct: true }');
		editFile(bank, /(  - id: q02\n)/, '$1    reviewedFor: "1.2"\n');
		editFile(bank, /(  - id: q04\n)/, '$1    reviewedFor: "1.2"\n');
		editFile(
			bank,
			'{ id: a, text: 全年以十四日為限, correct: true }',
			'{ id: a, text: 全年以十日為限, correct: true }',
		);
		let status = await zhidu('status', 'leave-policy');
		expect(status.stdout).not.toMatch(/blocker:.*question q0/);
		expect(status.stdout).toMatch(/blocker:.*knowledge check/);
		// The check is edited in the draft (its options change): an edit counts as its review.
		editFile(chapter2('1.2'), "options={['七日', '十四日']}", "options={['七日', '十日']}");
		status = await zhidu('status', 'leave-policy');
		expect(status.stdout, status.output).toContain('nothing blocks approval');
		expect(status.stdout).toMatch(/reviewed: quiz leave-policy question q02 .*confirmed \(reviewedFor 1\.2\)/);
		const diff = await zhidu('diff', 'leave-policy', '1.1', '1.2');
		expect(diff.stdout).toContain('(0 to review before approval)');
		expect(diff.stdout).toMatch(/\[confirmed\] quiz leave-policy question q04/);
		expect(diff.stdout).toMatch(/\[edited\] knowledge check .*02-假別\.mdx/);
		// The text changed since submission (the check is not policy text, so the hash is the same).
		const approved = await zhidu('approve', 'leave-policy', '1.2', ...approveArgs);
		expect(approved.status, approved.output).toBe(0);
	});
});
