import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '#lib/content/loader.ts';
import {
	applyReviewedFixes,
	findCharacterForms,
	isReviewedFix,
	REVIEWED_FIXES,
	REVIEWED_IGNORES,
	type CharacterFormFinding,
} from '#lib/lint/character-forms.ts';
import { formatReport, lintContent, type LintReport } from '#lib/lint/lint.ts';
import { zhidu } from '../support/cli.ts';
import { sourceFile } from '../support/sources.ts';

const pharmaFile = sourceFile('pharma-operations-department');
const modelFile = sourceFile('operating-model-process');

const countByRule = (findings: CharacterFormFinding[]) => {
	const counts: Record<string, number> = {};
	for (const f of findings) counts[f.rule] = (counts[f.rule] ?? 0) + 1;
	return counts;
};

/** The finding for `char` at `text.indexOf(phrase) + index`. */
const at = (findings: CharacterFormFinding[], text: string, phrase: string, index: number) => {
	const start = text.indexOf(phrase);
	expect(start, `"${phrase}" in the text`).toBeGreaterThanOrEqual(0);
	return findings.find((f) => f.offset === start + index);
};

describe('character forms in the source policies', () => {
	const pharma = readFileSync(pharmaFile, 'utf8');
	const model = readFileSync(modelFile, 'utf8');

	it('finds the Simplified forms with positions and suggestions', () => {
		const findings = findCharacterForms(pharma);
		expect(at(findings, pharma, '規范', 1)).toMatchObject({
			found: '范',
			suggested: '範',
			reviewed: true,
			rule: 'fix:范→範',
		});
		expect(at(findings, pharma, '適用于', 2)).toMatchObject({
			found: '于',
			suggested: '於',
			reviewed: true,
		});
		expect(at(findings, pharma, '了解并遵守', 2)).toMatchObject({
			found: '并',
			suggested: '並',
			reviewed: true,
		});
		expect(at(findings, pharma, '批準', 1)).toMatchObject({
			found: '準',
			suggested: '准',
			reviewed: true,
			rule: 'phrase:批準→批准',
		});
		expect(at(findings, pharma, '制作', 0)).toMatchObject({
			found: '制',
			suggested: '製',
		});
		expect(at(findCharacterForms(model), model, '咨詢', 0)).toMatchObject({
			found: '咨',
			suggested: '諮',
		});
		for (const f of [...findings, ...findCharacterForms(model)]) {
			const text = findings.includes(f) ? pharma : model;
			expect(text.slice(f.offset, f.offset + f.length)).toBe(f.found);
			expect(f.context).toContain(f.found);
		}
	});

	it('covers every difference in the sources by the reviewed lists', () => {
		const pharmaFindings = findCharacterForms(pharma);
		const modelFindings = findCharacterForms(model);
		expect([...pharmaFindings, ...modelFindings].filter((f) => !f.reviewed)).toEqual([]);
		expect(countByRule(pharmaFindings)).toEqual({
			'fix:范→範': 4,
			'fix:于→於': 9,
			'fix:并→並': 5,
			'fix:后→後': 9,
			'fix:采→採': 4,
			'fix:制→製': 2,
			'phrase:批準→批准': 1,
		});
		expect(countByRule(modelFindings)).toEqual({
			'fix:范→範': 3,
			'fix:于→於': 6,
			'fix:并→並': 2,
			'fix:后→後': 8,
			'fix:采→採': 7,
			'fix:咨→諮': 4,
			'phrase:批準→批准': 2,
		});
	});

	it('applyReviewedFixes fixes every reviewed finding and nothing else', () => {
		for (const text of [pharma, model]) {
			const findings = findCharacterForms(text);
			const fixed = applyReviewedFixes(text);
			expect(fixed.length).toBe(text.length);
			expect(findCharacterForms(fixed)).toEqual([]);
			const changed = [...text].flatMap((ch, i) => (ch === fixed[i] ? [] : [i]));
			expect(changed).toEqual(findings.map((f) => f.offset));
			for (const f of findings) expect(fixed[f.offset]).toBe(f.suggested);
			expect(applyReviewedFixes(fixed)).toBe(fixed);
			expect(isReviewedFix(text, fixed)).toBe(true);
		}
		const fixed = applyReviewedFixes(pharma);
		expect(fixed).toContain('規範');
		expect(fixed).toContain('適用於');
		expect(fixed).toContain('批准後實施');
		expect(fixed.split('了解').length).toBe(pharma.split('了解').length);
		expect(fixed.split('考核').length).toBe(pharma.split('考核').length);
		expect(fixed).toContain('市場占有率');
		expect(fixed).toContain('信息');
	});
});

describe('character forms', () => {
	it('leaves vocabulary and reviewed Taiwan forms alone', () => {
		for (const text of [
			'信息',
			'了解',
			'考核',
			'審核',
			'市場占有率',
			'周期',
			'泄露',
			'制度',
			'制定',
			'批准',
			'核准',
			'標準',
			'準確',
		]) {
			expect(findCharacterForms(text), text).toEqual([]);
		}
		expect(findCharacterForms('運營經理應及時了解市場信息,並在考核周期內審核批准後實施。')).toEqual([]);
		expect(findCharacterForms('展現風采,采風活動,總統咨文')).toEqual([]);
		expect(findCharacterForms('采用,咨詢')).toMatchObject([
			{ offset: 0, suggested: '採' },
			{ offset: 3, suggested: '諮' },
		]);
	});

	it('reports Simplified forms outside the reviewed lists as unreviewed', () => {
		const findings = findCharacterForms('这个测试');
		expect(findings.map((f) => [f.offset, f.found, f.suggested, f.reviewed, f.rule])).toEqual([
			[0, '这', '這', false, 'unreviewed'],
			[1, '个', '個', false, 'unreviewed'],
			[2, '测', '測', false, 'unreviewed'],
			[3, '试', '試', false, 'unreviewed'],
		]);
		expect(findCharacterForms('及時发送報告')).toMatchObject([
			{ offset: 2, found: '发', suggested: '發', reviewed: false },
		]);
		expect(applyReviewedFixes('这个测试規范')).toBe('这个测试規範');
	});

	it('applies the phrase rules only to the approval sense', () => {
		expect(findCharacterForms('經理核準後')).toMatchObject([
			{ offset: 3, found: '準', suggested: '准', rule: 'phrase:核準→核准' },
		]);
		expect(findCharacterForms('確保考核準確、審批準時')).toEqual([]);
	});

	it('isReviewedFix accepts partial reviewed fixes only', () => {
		const before = '本制度適用于規范化管理';
		expect(isReviewedFix(before, '本制度適用於規範化管理')).toBe(true);
		expect(isReviewedFix(before, '本制度適用於規范化管理')).toBe(true);
		expect(isReviewedFix(before, '本制度適用於規範化管制')).toBe(false);
		expect(isReviewedFix(before, '本制度适用於規範化管理')).toBe(false);
		expect(isReviewedFix('及時了解', '及時瞭解')).toBe(false);
		expect(isReviewedFix(before, before + '。')).toBe(false);
	});

	it('keeps a reason for every reviewed entry', () => {
		for (const entry of [...REVIEWED_FIXES, ...REVIEWED_IGNORES]) expect(entry.reason.length).toBeGreaterThan(5);
	});
});

// ---- lintContent and the CLI on fixture content ----

const tempDirs: string[] = [];
afterAll(() => {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

type Fixture = Record<string, string>;

function writeFixture(files: Fixture): string {
	const dir = mkdtempSync(join(tmpdir(), 'zhidu-lint-'));
	tempDirs.push(dir);
	for (const [path, text] of Object.entries(files)) {
		const file = join(dir, path);
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, text);
	}
	return dir;
}

const policyYaml = (extra = '', language = 'zh-Hant-TW') =>
	`title: 測試制度\naudience:\n  text: 本公司全體員工\n${extra}language: ${language}\nnumbering: zh-outline\n`;

const versionYaml = (version: string, extra = '') =>
	`version: "${version}"\nstatus: draft\nchangeSummary:\n  - 測試\n${extra}`;

const clause = (id: string, text: string) => `<Clause id="${id}">\n${text}\n</Clause>`;

const chapter = (id: string, title: string, sections: { id: string; title: string; clauses: string[] }[]) =>
	`---\nid: ${id}\ntitle: ${title}\n---\n\n` +
	sections
		.map((s) => `<Section id="${s.id}" title="${s.title}">\n\n${s.clauses.join('\n\n')}\n\n</Section>\n`)
		.join('\n');

const lint = (dir: string): LintReport => lintContent(loadContent({ policiesDir: dir, root: dir }), { root: dir });

const ofRule = (report: LintReport, rule: string) => report.findings.filter((f) => f.rule === rule);

describe('lintContent', () => {
	it('reports blanks and character forms as warnings on otherwise clean content', () => {
		const dir = writeFixture({
			'p/policy.yaml': policyYaml('  clause: c-1-1-1\n'),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-總則.mdx': chapter('ch-1', '總則', [
				{
					id: 's-1-1',
					title: '適用范圍',
					clauses: [
						`<Clause id="c-1-1-1" unnumbered>\n本制度旨在規范運營,了解市場信息。\n</Clause>`,
						clause('c-1-1-2', '公司采用<Blank label="具體運營模式名稱" />模式。'),
					],
				},
			]),
		});
		const report = lint(dir);
		expect(report.errors).toBe(0);
		expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
		expect(ofRule(report, 'template-blank')).toEqual([
			{
				severity: 'warning',
				file: join('p', '1.0', '01-總則.mdx'),
				field: 'c-1-1-2',
				message: 'template blank [具體運營模式名稱] in c-1-1-2: 待填寫',
				rule: 'template-blank',
			},
		]);
		const forms = report.findings.filter((f) => f.rule?.startsWith('fix:'));
		expect(forms.map((f) => [f.field, f.offset, f.suggestion])).toEqual([
			['s-1-1.title', 2, '範'],
			['c-1-1-1', 6, '範'],
			['c-1-1-2', 2, '採'],
		]);
		expect(report.warnings).toBe(4);
		const text = formatReport(report);
		expect(text).toContain(`${join('p', '1.0', '01-總則.mdx')}:c-1-1-1: warning: Simplified form "范" at 6`);
		expect(text.split('\n').at(-1)).toBe('0 errors, 4 warnings');
	});

	it('checks character forms only for zh-Hant policies', () => {
		const dir = writeFixture({
			'p/policy.yaml': policyYaml('', 'zh-Hans-CN'),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': chapter('ch-1', '总则', [
				{
					id: 's-1-1',
					title: '目的',
					clauses: [clause('c-1-1-1', '这个规范')],
				},
			]),
		});
		expect(lint(dir).findings).toEqual([]);
	});

	it('reports a duplicate id as an error', () => {
		const dir = writeFixture({
			'p/policy.yaml': policyYaml(),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': chapter('ch-1', '總則', [
				{
					id: 's-1-1',
					title: '目的',
					clauses: [clause('c-1-1-1', '甲。'), clause('c-1-1-1', '乙。')],
				},
			]),
		});
		const report = lint(dir);
		expect(report.errors).toBe(1);
		expect(report.findings[0]).toMatchObject({
			severity: 'error',
			field: 'c-1-1-1',
			rule: 'loader',
		});
		expect(report.findings[0]!.message).toContain('duplicate id');
	});

	it('reports dangling ids as errors; an override may name a removed clause', () => {
		const ch = (clauses: string[]) => chapter('ch-1', '總則', [{ id: 's-1-1', title: '目的', clauses }]);
		const dir = writeFixture({
			'p/policy.yaml': policyYaml('  clause: c-1-1-2\n'),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': ch([clause('c-1-1-1', '甲。'), clause('c-1-1-2', '乙。')]),
			'p/1.1/version.yaml': versionYaml(
				'1.1',
				'classificationOverrides:\n' +
					'  - clause: c-1-1-2\n    classification: substantive\n    reason: 刪除\n' +
					'  - clause: c-9-9-9\n    classification: editorial\n    reason: 不存在\n' +
					'sourceEnds:\n  after: c-8-8-8\n  omitted: 確\n',
			),
			'p/1.1/01-a.mdx': ch([clause('c-1-1-1', '甲。')]),
		});
		const report = lint(dir);
		const errors = report.findings.filter((f) => f.severity === 'error');
		expect(errors.map((f) => [f.file, f.field])).toEqual([
			[join('p', '1.1', 'version.yaml'), 'sourceEnds.after'],
			[join('p', 'policy.yaml'), 'audience.clause'],
			[join('p', '1.1', 'version.yaml'), 'classificationOverrides.1.clause'],
		]);
		expect(errors[1]!.message).toBe('"c-1-1-2" is not a clause of the latest version 1.1 (it was in 1.0)');
		expect(errors[2]!.message).toContain('"c-9-9-9"');
	});

	it('reports an id used again after its removal as an error', () => {
		const ch = (clauses: string[]) => chapter('ch-1', '總則', [{ id: 's-1-1', title: '目的', clauses }]);
		const dir = writeFixture({
			'p/policy.yaml': policyYaml(),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': ch([clause('c-1-1-1', '甲。'), clause('c-1-1-2', '乙。')]),
			'p/1.1/version.yaml': versionYaml('1.1'),
			'p/1.1/01-a.mdx': ch([clause('c-1-1-1', '甲。')]),
			'p/1.2/version.yaml': versionYaml('1.2'),
			'p/1.2/01-a.mdx': ch([clause('c-1-1-1', '甲。'), clause('c-1-1-2', '丙。')]),
			'p/1.3/version.yaml': versionYaml('1.3'),
			'p/1.3/01-a.mdx': ch([clause('c-1-1-1', '甲。'), clause('c-1-1-2', '丙。')]),
		});
		const report = lint(dir);
		expect(report.findings).toEqual([
			{
				severity: 'error',
				file: join('p', '1.2', '01-a.mdx'),
				field: 'c-1-1-2',
				message: 'id "c-1-1-2" was removed in 1.1 and is used again in 1.2; ids are never reused, give it a new id',
				rule: 'reused-id',
			},
		]);
	});
});

describe('zhidu lint', () => {
	const run = (...args: string[]) => zhidu(['lint', ...args]);
	const ch = (text: string) =>
		chapter('ch-1', '總則', [{ id: 's-1-1', title: '目的', clauses: [clause('c-1-1-1', text)] }]);

	it('exits 0 with warnings only', async () => {
		const dir = writeFixture({
			'p/policy.yaml': policyYaml(),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': ch('本制度適用于全體員工。'),
		});
		const result = await run('--content', dir);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('warning: Simplified form "于"');
		expect(result.stdout.trim().split('\n').at(-1)).toBe('0 errors, 1 warning');
	});

	it('exits 1 on errors and prints JSON with --json', async () => {
		const dir = writeFixture({
			'p/policy.yaml': policyYaml('  clause: c-7-7-7\n'),
			'p/1.0/version.yaml': versionYaml('1.0'),
			'p/1.0/01-a.mdx': ch('本制度適用於全體員工。'),
		});
		const text = await run('--content', dir);
		expect(text.status).toBe(1);
		expect(text.stdout).toMatch(/policy\.yaml:audience\.clause: error: "c-7-7-7"/);
		const json = await run('--content', dir, '--json');
		expect(json.status).toBe(1);
		const report = JSON.parse(json.stdout) as LintReport;
		expect(report.errors).toBe(1);
		expect(report.findings[0]).toMatchObject({
			severity: 'error',
			field: 'audience.clause',
		});
	});

	it('exits 2 on a bad option', async () => {
		const result = await run('--nope');
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('Usage: zhidu lint');
	});
});
