/**
 * The revision workflow end to end, through the CLI (in-process), on a temporary copy of the fixture
 * policy (1.0 and 1.1 only, 1.1 in force) and its quiz bank.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { certificationStatus } from '#lib/tracking/status.ts';
import { resolveVersions } from '#lib/versions.ts';
import { buildSite } from '../support/build-site.ts';
import { zhidu as run } from '../support/cli.ts';
import { clockOn } from '../support/clock.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const fixtures = join(projectRoot, 'test/fixtures');
const today = '2026-11-22';

let dir: string;
let policiesDir: string;
let quizzesDir: string;

/** The CLI in-process on the copied content, as of `today`. */
const zhidu = (...args: string[]) =>
	run([...args, '--content', policiesDir, '--quizzes', quizzesDir], { env: clockOn(today) });

const versionDir = (v: string) => join(policiesDir, 'leave-policy', v);
const readVersionYaml = (v: string) => readFileSync(join(versionDir(v), 'version.yaml'), 'utf8');
const editFile = (path: string, from: string | RegExp, to: string) => {
	const text = readFileSync(path, 'utf8');
	const next = text.replace(from, to);
	expect(next).not.toBe(text);
	writeFileSync(path, next);
};
const chapter2 = (v: string) => join(versionDir(v), '02-假別.mdx');
const fillSummary = (v: string, summary: string) =>
	editFile(join(versionDir(v), 'version.yaml'), '"TODO: 修訂摘要"', summary);
const clauseIdsOf = (v: string) =>
	[
		...readFileSync(chapter2(v), 'utf8').matchAll(/id="([^"]+)"/g),
		...readFileSync(join(versionDir(v), '01-總則.mdx'), 'utf8').matchAll(/id="([^"]+)"/g),
	]
		.map((m) => m[1])
		.sort();

beforeAll(() => {
	// Inside the project (test-output/ is ignored): Astro's content store keeps file paths across builds, and
	// resolves chapter modules only under the project root.
	dir = join(projectRoot, 'test-output/workflow');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	policiesDir = join(dir, 'policies');
	quizzesDir = join(dir, 'quizzes');
	const policy = join(policiesDir, 'leave-policy');
	mkdirSync(policy, { recursive: true });
	const source = join(fixtures, 'content/policies/leave-policy');
	cpSync(join(source, 'policy.yaml'), join(policy, 'policy.yaml'));
	for (const v of ['1.0', '1.1']) cpSync(join(source, v), join(policy, v), { recursive: true });
	mkdirSync(quizzesDir);
	cpSync(join(fixtures, 'quizzes/leave-policy.yaml'), join(quizzesDir, 'leave-policy.yaml'));
});

describe('the revision workflow', () => {
	it('revise creates 1.2 as a draft with the same files and ids', async () => {
		const result = await zhidu('revise', 'leave-policy');
		expect(result.status, result.output).toBe(0);
		expect(result.stdout).toContain('from 1.1');
		const meta = parse(readVersionYaml('1.2'));
		expect(meta).toEqual({
			version: '1.2',
			status: 'draft',
			changeSummary: ['TODO: 修訂摘要'],
			classificationOverrides: [],
		});
		expect(clauseIdsOf('1.2')).toEqual(clauseIdsOf('1.1'));
	});

	it('revise refuses a second draft, naming it', async () => {
		const again = await zhidu('revise', 'leave-policy');
		expect(again.status).toBe(1);
		expect(again.stderr).toMatch(/already has a draft, 1\.2/);
	});

	it('status lists the TODO change summary as a blocker', async () => {
		const result = await zhidu('status', 'leave-policy');
		expect(result.status, result.output).toBe(0);
		expect(result.stdout).toMatch(/1\.1\s+approved\s+in force\s+effective 2025-01-01/);
		expect(result.stdout).toMatch(/1\.2\s+draft/);
		expect(result.stdout).toContain('change summary missing');
		const json = JSON.parse((await zhidu('status', 'leave-policy', '--json')).stdout);
		expect(json.versions.find((v: { version: string }) => v.version === '1.2').blockers).toEqual([
			expect.objectContaining({ kind: 'change-summary' }),
		]);
	});

	it(
		'after editing the draft, filling the summary and reviewing the questions, nothing blocks it',
		{ timeout: 180_000 },
		async () => {
			editFile(chapter2('1.2'), '全年以十四日為限', '全年以十日為限');
			fillSummary('1.2', '事假全年上限由十四日改為十日。');
			// q02 and q04 cite the changed clause: approval waits for their review (test/workflow/question-review.test.ts).
			expect((await zhidu('status', 'leave-policy')).stdout).toMatch(/blocker: quiz leave-policy question q02/);
			const bank = join(quizzesDir, 'leave-policy.yaml');
			editFile(bank, /(  - id: q02\n)/, '$1    reviewedFor: "1.2"\n');
			editFile(bank, /(  - id: q04\n)/, '$1    reviewedFor: "1.2"\n');
			const result = await zhidu('status', 'leave-policy');
			expect(result.stdout, result.output).not.toContain('blocker');
			expect(result.stdout).toContain('nothing blocks approval');
		},
	);

	it('diff shows the clause as a substantive rewording', async () => {
		const text = await zhidu('diff', 'leave-policy', '1.1', '1.2');
		expect(text.status, text.output).toBe(0);
		expect(text.stdout).toMatch(/c-2-1-1-1\s+reworded\s+substantive/);
		expect(text.stdout).toContain('全年以十[-四-]日為限');
		expect(text.stdout).toContain('1 clause changed: 1 substantive, 0 editorial');
		const json = JSON.parse((await zhidu('diff', 'leave-policy', '1.1', '1.2', '--json')).stdout);
		expect(json.changes).toHaveLength(1);
		expect(json.changes[0]).toMatchObject({
			id: 'c-2-1-1-1',
			kind: 'reworded',
			classification: 'substantive',
			before: { text: '全年以十四日為限。' },
			after: { text: '全年以十日為限。' },
		});
		expect(json.changes[0].segments).toContainEqual({ value: '四', op: 'delete' });
	});

	it('approve refuses a draft', async () => {
		const result = await zhidu(
			'approve',
			'leave-policy',
			'1.2',
			'--effective',
			'2025-06-01',
			'--by',
			'王大明',
			'--meaning',
			'核准',
		);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('its status is draft, not in-review');
	});

	it('submit records the hash and refuses anything but a draft', async () => {
		const result = await zhidu('submit', 'leave-policy', '1.2');
		expect(result.status, result.output).toBe(0);
		const meta = parse(readVersionYaml('1.2'));
		expect(meta.status).toBe('in-review');
		expect(meta.review.submittedHash).toMatch(/^[0-9a-f]{64}$/);
		expect(meta.review.submittedOn).toBe(today);
		expect(readVersionYaml('1.2')).toContain('# Revision of 1.1'); // comments kept
		const again = await zhidu('submit', 'leave-policy', '1.2');
		expect(again.status).toBe(1);
		expect(again.stderr).toContain('is in-review, not draft');
	});

	it('approve refuses an effective date before the version in force', async () => {
		const result = await zhidu(
			'approve',
			'leave-policy',
			'1.2',
			'--effective',
			'2024-12-31',
			'--by',
			'王大明',
			'--meaning',
			'核准',
		);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('before 2025-01-01, when the version in force (1.1) took effect');
	});

	it('approve refuses a text changed after submission', async () => {
		const file = chapter2('1.2');
		const original = readFileSync(file, 'utf8');
		editFile(file, '事假期間不支薪', '事假期間不支給薪資');
		const result = await zhidu(
			'approve',
			'leave-policy',
			'1.2',
			'--effective',
			'2025-06-01',
			'--by',
			'王大明',
			'--meaning',
			'核准',
		);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('text changed after submission');
		writeFileSync(file, original);
	});

	it('approve writes the approval and the effective date', async () => {
		const result = await zhidu(
			'approve',
			'leave-policy',
			'1.2',
			'--effective',
			'2025-06-01',
			'--by',
			'王大明',
			'--meaning',
			'核准',
		);
		expect(result.status, result.output).toBe(0);
		const meta = parse(readVersionYaml('1.2'));
		expect(meta).toMatchObject({
			status: 'approved',
			effective: '2025-06-01',
			approval: { by: '王大明', on: today, meaning: '核准', unsigned: true },
			review: { submittedOn: today },
		});
		// Only the browser signs: the CLI says the approval is unsigned.
		expect(result.stdout).toContain('Recorded as an unsigned approval');
	});

	it('the approved version is in force and outdates a certification on 1.1', async () => {
		const policies = loadContentOrThrow({ policiesDir, root: dir });
		const policy = policies.find((p) => p.id === 'leave-policy')!;
		const states = resolveVersions(
			policy.versions.map((v) => ({ version: v.meta.version, status: v.meta.status, effective: v.meta.effective })),
			today,
		).map((r) => [r.version.version, r.state]);
		expect(states).toEqual([
			['1.0', 'superseded'],
			['1.1', 'superseded'],
			['1.2', 'in-force'],
		]);
		const { quizzes, errors } = loadQuizzes(quizzesDir, policies, dir);
		expect(errors).toEqual([]);
		const status = certificationStatus(
			policy,
			quizzes[0]!,
			[{ attemptId: 'a1', at: '2025-02-01T02:00:00Z', passedOn: '2025-02-01', score: 100, policyVersion: '1.1' }],
			today,
		);
		expect(status.state).toBe('outdated');
		expect(status.outdatedBy).toMatchObject({ version: '1.2', effective: '2025-06-01' });
		expect(status.outdatedBy!.clauses).toContain('c-2-1-1-1');
	});

	it('status lists a quiz citation to a removed clause, and approve refuses it', async () => {
		const revised = await zhidu('revise', 'leave-policy', '--to', '1.3');
		expect(revised.status, revised.output).toBe(0);
		editFile(chapter2('1.3'), /\n<Clause id="c-2-1-1-2">\n事假期間不支薪。\n<\/Clause>\n/, '');
		fillSummary('1.3', '刪除事假不支薪之規定。');
		const status = await zhidu('status', 'leave-policy');
		expect(status.stdout).toContain('quiz leave-policy question q03 cites c-2-1-1-2, which is not a clause of 1.3');
		expect((await zhidu('submit', 'leave-policy', '1.3')).status).toBe(0);
		const approve = await zhidu(
			'approve',
			'leave-policy',
			'1.3',
			'--effective',
			'2026-12-01',
			'--by',
			'王大明',
			'--meaning',
			'核准',
		);
		expect(approve.status).toBe(1);
		expect(approve.stderr).toContain('cites c-2-1-1-2');
		expect(parse(readVersionYaml('1.3')).status).toBe('in-review');
	});

	it('revise --to must be greater than every version; --major proposes the next major', async () => {
		rmSync(versionDir('1.3'), { recursive: true });
		const low = await zhidu('revise', 'leave-policy', '--to', '1.2');
		expect(low.status).toBe(1);
		expect(low.stderr).toContain('must be greater than every existing version');
		const bad = await zhidu('revise', 'leave-policy', '--to', '1.2.1');
		expect(bad.status).toBe(1);
		const major = await zhidu('revise', 'leave-policy', '--major');
		expect(major.status, major.output).toBe(0);
		expect(parse(readVersionYaml('2.0')).version).toBe('2.0');
	});

	it('status --due lists the overdue periodic review, and a policy without a cycle', async () => {
		const due = await zhidu('status', '--due');
		expect(due.status, due.output).toBe(0);
		// 1.2 took effect 2025-06-01; the cycle is 12 months.
		expect(due.stdout).toContain('leave-policy  員工請假管理辦法: overdue since 2026-06-01');
		const policyFile = join(policiesDir, 'leave-policy', 'policy.yaml');
		editFile(policyFile, 'reviewCycleMonths: 12\n', '');
		expect((await zhidu('status', '--due')).stdout).toContain('no review cycle set');
	});

	it('the site built from the revised content shows 1.2 and the substantive change', { timeout: 300_000 }, async () => {
		const outDir = join(dir, 'site');
		const { status, output } = buildSite(outDir, {
			ZHIDU_CONTENT_DIR: policiesDir,
			ZHIDU_QUIZZES_DIR: quizzesDir,
			...clockOn(today),
		});
		expect(status, output).toBe(0);
		const policyPages = join(outDir, 'client/policies/leave-policy');
		const chapter = join(policyPages, '1.2/ch-2/index.html');
		expect(existsSync(chapter)).toBe(true);
		expect(readFileSync(chapter, 'utf8')).toContain('全年以十日為限');
		const compare = readFileSync(join(policyPages, 'compare/1.1...1.2/index.html'), 'utf8');
		expect(compare).toContain('實質修訂');
		expect(compare).toContain('c-2-1-1-1');
	});
});
