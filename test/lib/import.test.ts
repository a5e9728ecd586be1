import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveNumbers, labelGap } from '#lib/content/numbering.ts';
import { versionToPlainText } from '#lib/content/plain-text.ts';
import { loadContent } from '#lib/content/loader.ts';
import { buildTree, importFile, writeImportedVersion, type ImportResult } from '#lib/importer/index.ts';
import { textLines } from '#lib/importer/source-lines.ts';
import { automaticNumberingDocx, typedNumberingDocx } from '../fixtures/docx.ts';
import { sourceFile } from '../support/sources.ts';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/import', name);

/** The tree as a reader sees it: derived numbers, titles and text, a block per line. */
function outline(result: ImportResult): string {
	const numbers = deriveNumbers(result.scheme, result.chapters);
	return versionToPlainText(result.title, result.chapters, numbers, { gap: labelGap(result.scheme) }).trim();
}

describe('zhidu import: statute style', () => {
	it('reads a Traditional-script Markdown regulation into chapters, sections, articles and items', async () => {
		const result = await importFile(fixture('statute-regulation.md'));
		expect(result.scheme).toBe('zh-statute');
		expect(outline(result)).toBe(
			[
				'員工請假管理辦法',
				'第一章 總則',
				'第一條 為規範本公司員工請假事宜，特訂定本辦法。',
				'第二條 本辦法適用於本公司全體正式員工，包括試用期間之員工。',
				'第二章 假別',
				'第一節 事假',
				'第三條 員工因事必須親自處理者，得請事假，規定如下：',
				'（一） 全年以十四日為限。',
				'（二） 事假期間不支薪。',
				'第二節 病假',
				'第四條 員工因病需治療或休養者，得請病假。自2025年3月1日起，連續三日以上之病假須附醫師證明。',
				'第五條 病假期間之工資依下列規定辦理：',
				'（一） 全年未超過三十日部分，工資折半發給。',
				'（二） 超過部分不支薪。',
			].join('\n'),
		);
		// Articles stand directly in chapter 1 (no sections there); ids follow position at import.
		expect(result.chapters[0]!.clauses.map((c) => c.id)).toEqual(['c-1-0-1', 'c-1-0-2']);
		expect(result.chapters[1]!.sections[0]!.clauses[0]!.items.map((i) => i.id)).toEqual(['c-2-1-1-1', 'c-2-1-1-2']);
		expect(result.report.unplaced).toEqual([]);
	});

	it('reads Simplified script (第一条 / 第一节) and keeps (如…) inside the sentence', async () => {
		const result = await importFile(fixture('statute-simplified.txt'));
		expect(result.scheme).toBe('zh-statute');
		expect(result.title).toBe('差旅费报销办法');
		expect(result.chapters.map((c) => c.title)).toEqual(['总则', '报销标准']);
		expect(result.chapters[1]!.sections.map((s) => s.title)).toEqual(['交通费', '住宿费']);
		const article3 = result.chapters[1]!.sections[0]!.clauses[0]!;
		expect(article3.parts).toEqual([
			{ kind: 'text', value: '员工出差应优先乘坐火车或经济舱，如遇特殊情况(如紧急任务等)须事先报批。' },
		]);
		expect(result.chapters[1]!.sections[1]!.clauses[0]!.items).toHaveLength(2);
		expect(result.report.clauses).toBe(4);
	});
});

describe('zhidu import: Markdown headings without numbers', () => {
	it('takes chapters and sections from heading depth, paragraphs as unnumbered clauses', async () => {
		const result = await importFile(fixture('headings-only.md'));
		expect(result.title).toBe('資訊安全管理制度');
		expect(result.chapters.map((c) => c.title)).toEqual(['總則', '存取管理']);
		expect(result.chapters[0]!.sections.map((s) => s.title)).toEqual(['目的', '適用範圍']);
		const passwords = result.chapters[1]!.sections[0]!;
		expect(passwords.clauses.map((c) => [c.id, c.unnumbered])).toEqual([
			['c-2-1-1', true],
			['c-2-1-2', true],
		]);
		expect(result.report.unplaced).toEqual([]);
	});
});

describe('zhidu import: English', () => {
	it('reads a decimal-numbered Markdown policy (1. / 1.1 / (a)) without splitting 1.5 or e.g.', async () => {
		const result = await importFile(fixture('english-policy.md'));
		expect(result.scheme).toBe('decimal');
		expect(outline(result)).toBe(
			[
				'Information Security Policy',
				'1. Purpose',
				'1.1 This policy sets out how staff protect company information.',
				'1.2 It applies to all employees, contractors and temporary staff, e.g. interns.',
				'2. Access control',
				'2.1 Passwords must meet the following rules:',
				'(a) at least 12 characters long;',
				'(b) changed at once when compromised.',
				'2.2 Access rights are reviewed every 6 months, or 1.5 times a year for critical systems.',
				'3. Incidents',
				'3.1 Report suspected incidents to the security team within 24 hours.',
			].join('\n'),
		);
	});

	it('reads Chapter / Section / Article numbering', async () => {
		const result = await importFile(fixture('english-articles.txt'));
		expect(result.scheme).toBe('en-article');
		expect(outline(result)).toBe(
			[
				'Code of Conduct',
				'Chapter 1 General Provisions',
				'Article 1 This Code sets out the standards of conduct expected of all staff.',
				'Article 2 Managers shall lead by example.',
				'Chapter 2 Conflicts of Interest',
				'Section 1 Gifts',
				'Article 3 Staff shall not accept gifts worth more than USD 50:',
				'(a) from suppliers;',
				'(b) from customers.',
				'Section 2 Outside Work',
				'Article 4 Outside employment requires prior written approval.',
			].join('\n'),
		);
	});
});

describe('zhidu import: the seed style', () => {
	it('splits run-together text at markers, never inside a sentence', async () => {
		const result = await importFile(fixture('seed-style-negatives.txt'));
		expect(result.scheme).toBe('zh-outline');
		expect(outline(result)).toBe(
			[
				'測試管理制度',
				'一、總則',
				'(一)目的',
				'本制度自2025年3月1日起施行,規範數據分析工作。',
				'(二)工具與指標',
				'1.分析工具:數據分析人員應熟練使用分析工具,如Excel、SPSS等。',
				'2.績效指標(如銷售額、市場占有率等)應每月檢討一次。',
				'(三)生產與交付流程(針對實物產品)',
				'1.生產計劃由生產部門制定。',
				'二、附則',
				'(一)施行',
				'本制度經核准後施行。',
			].join('\n'),
		);
		const tools = result.chapters[0]!.sections[1]!;
		// A title is split off only where the source marks it with ":".
		expect(tools.clauses[0]!.title).toBe('分析工具');
		expect(tools.clauses[1]!.title).toBeUndefined();
		expect(result.report.sourceEnds).toBeUndefined();
	});

	it('reads both source policies: 8 and 6 chapters, the incomplete last clause left out', async () => {
		const pharma = await importFile(sourceFile('pharma-operations-department'));
		expect(pharma.report).toMatchObject({ chapters: 8, sections: 26, unplaced: [] });
		expect(pharma.report.sourceEnds).toEqual({ after: 's-8-4', omitted: '1.運營經理應與員工進行定期溝通,了解員' });
		expect(pharma.chapters[1]!.sections[0]!.title).toBe('組織架構');
		expect(pharma.chapters[6]!.sections[1]!.title).toBe('績效考核周期');
		const model = await importFile(sourceFile('operating-model-process'));
		expect(model.report).toMatchObject({ chapters: 6, sections: 17, unplaced: [] });
		expect(model.report.blanks).toHaveLength(4);
		expect(model.chapters[1]!.sections[0]!.title).toBe('公司運營模式定位');
		// Run-in titles without a colon stay in the text.
		expect(model.chapters[1]!.sections[1]!.clauses[0]!.title).toBeUndefined();
	});

	it('reads full-width （一） sections from Markdown and keeps the title separator it found', async () => {
		const result = await importFile(fixture('seed-style-fullwidth.md'));
		expect(result.scheme).toBe('zh-outline-fullwidth');
		const principles = result.chapters[0]!.sections[1]!;
		expect(principles.title).toBe('基本原則');
		expect(principles.clauses[1]).toMatchObject({ title: '最小權限', titleSeparator: '：' });
		expect(outline(result)).toContain('（一）施行\n本制度自公布日施行。');
	});
});

describe('zhidu import: Word documents', () => {
	it('reads typed numbering', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'zhidu-docx-'));
		const file = join(dir, 'leave.docx');
		writeFileSync(file, await typedNumberingDocx());
		const result = await importFile(file);
		expect(result.scheme).toBe('zh-statute');
		expect(result.title).toBe('員工請假管理辦法');
		expect(result.report).toMatchObject({ chapters: 2, clauses: 3, items: 2, autoNumbered: 0, unplaced: [] });
	});

	it('reads automatic numbering from the list structure and says so', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'zhidu-docx-'));
		const file = join(dir, 'purchasing.docx');
		writeFileSync(file, await automaticNumberingDocx());
		const result = await importFile(file);
		expect(result.report.autoNumbered).toBe(5);
		expect(result.report.notes.join('\n')).toMatch(/automatic numbering/);
		expect(outline(result)).toBe(
			[
				'採購管理制度',
				'一、總則',
				'1.為規範採購流程，特訂定本制度。',
				'2.本制度適用於採購部門全體人員。',
				'二、採購流程',
				'1.採購申請應經主管核准：',
				'(1)金額未滿十萬元者，由部門主管核准。',
				'(2)金額十萬元以上者，由總經理核准。',
			].join('\n'),
		);
	});
});

describe('zhidu import: writing a version', () => {
	it('writes a draft version the loader reads back unchanged, and refuses to overwrite without --force', async () => {
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-import-'));
		const result = await importFile(fixture('statute-regulation.md'));
		const options = { policiesDir, policyId: 'leave', version: '1.0', source: 'statute-regulation.md' };
		writeImportedVersion(result, options);
		expect(readdirSync(join(policiesDir, 'leave', '1.0')).sort()).toEqual([
			'01-總則.mdx',
			'02-假別.mdx',
			'version.yaml',
		]);
		const loaded = loadContent({ policiesDir, root: policiesDir });
		expect(loaded.errors).toEqual([]);
		const version = loaded.policies[0]!.versions[0]!;
		expect(version.meta.status).toBe('draft');
		expect(version.chapters.map((c) => c.chapter)).toEqual(result.chapters);
		expect(() => writeImportedVersion(result, options)).toThrow(/already exists; pass --force/);
		writeImportedVersion(result, { ...options, force: true });
		expect(existsSync(join(policiesDir, 'leave', 'policy.yaml'))).toBe(true);
	});

	it('round-trips MDX special characters in clause text', () => {
		const result = buildTree(
			textLines(
				'Rules\n1. General\n1.1 Use *stars*, _under_scores_, <tags>, {braces} & [brackets] as text.\n1.2 # not a heading\n',
			),
		);
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-import-'));
		writeImportedVersion(result, { policiesDir, policyId: 'rules', version: '1.0', source: 'rules.txt' });
		const loaded = loadContent({ policiesDir, root: policiesDir });
		expect(loaded.errors).toEqual([]);
		expect(loaded.policies[0]!.versions[0]!.chapters[0]!.chapter).toEqual(result.chapters[0]);
		expect(readFileSync(join(policiesDir, 'rules', 'policy.yaml'), 'utf8')).toContain('numbering: decimal');
	});
});

describe('zhidu import: the language written to policy.yaml', () => {
	const languageOf = async (name: string, text: string) => {
		const source = join(mkdtempSync(join(tmpdir(), 'zhidu-language-')), name);
		writeFileSync(source, text);
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-language-policies-'));
		writeImportedVersion(await importFile(source), { policiesDir, policyId: 'p', version: '1.0', source: name });
		return /^language: (.+)$/m.exec(readFileSync(join(policiesDir, 'p', 'policy.yaml'), 'utf8'))?.[1];
	};

	it('is Simplified or Traditional Chinese by the characters only one script has, or English', async () => {
		const body = '一、总则\n1.员工应当遵守公司规定，按时上班，不得无故缺勤。\n2.违反规定的，依照本办法处理。\n';
		expect(await languageOf('simplified.txt', `员工手册\n${body}`)).toBe('zh-Hans-CN');
		expect(
			await languageOf(
				'traditional.txt',
				`員工手冊\n${body.replace('总则', '總則').replace('员工应当遵守公司规定', '員工應當遵守公司規定').replace('违反规定的，依照本办法处理', '違反規定的，依照本辦法處理')}`,
			),
		).toBe('zh-Hant-TW');
		expect(
			await languageOf('english.txt', `Handbook\n1. Staff follow the rules.\n2. Breaches are handled here.\n`),
		).toBe('en');
	});
});
