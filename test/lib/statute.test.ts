/**
 * Statutes: a paragraph (款) after a run of items （一）（二）… belongs to the
 * article, as an unnumbered sub-clause after the items (reading order kept);
 * lines before the first chapter are source notes; labels follow the script.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { deriveNumbers, labelGap } from '#lib/content/numbering.ts';
import { versionToPlainText } from '#lib/content/plain-text.ts';
import { buildTree, importFile, writeImportedVersion } from '#lib/importer/index.ts';
import { textLines } from '#lib/importer/source-lines.ts';

const source = [
	'员工考勤管理规定',
	'2016年11月7日公司第三次职工代表大会通过',
	'根据2024年3月1日《关于修改〈员工考勤管理规定〉的决定》修正',
	'第一章 总则',
	'第一条 为规范考勤，制定本规定。',
	'第二条 有下列情形之一的，按旷工处理：',
	'（一）未请假不到岗的；',
	'（二）请假未获批准擅自离岗的。',
	'旷工一日扣发当日工资。',
	'连续旷工三日以上的，依照劳动合同处理。',
	'第二章 附则',
	'第一节 解释',
	'第三条 本规定由人力资源部负责解释。',
].join('\n');

describe('zh-statute: paragraphs after items', () => {
	const result = buildTree(textLines(source));
	const article2 = result.chapters[0]!.clauses[1]!;

	it('puts the trailing paragraphs in the article, after its items, not in the last item', () => {
		expect(article2.items.map((i) => [i.id, i.unnumbered])).toEqual([
			['c-1-0-2-1', false],
			['c-1-0-2-2', false],
			['c-1-0-2-3', true],
			['c-1-0-2-4', true],
		]);
		expect(article2.items[1]!.parts).toEqual([{ kind: 'text', value: '请假未获批准擅自离岗的。' }]);
		expect(result.report.unnumbered).toBe(2);
		expect(result.report.items).toBe(2);
	});

	it('writes back to the source, line for line (fidelity)', () => {
		const numbers = deriveNumbers(result.scheme, result.chapters, 'zh-Hans-CN');
		const written = versionToPlainText(result.title, result.chapters, numbers, { gap: labelGap(result.scheme) });
		const notes = result.report.sourceNotes;
		const [title, ...rest] = written.trimEnd().split('\n');
		expect([title, ...notes, ...rest].join('\n').replace(/（(.)） /g, '（$1）')).toBe(source);
	});

	it('keeps the lines before the first chapter as source notes, not as unplaced text', () => {
		expect(result.report.sourceNotes).toEqual([
			'2016年11月7日公司第三次职工代表大会通过',
			'根据2024年3月1日《关于修改〈员工考勤管理规定〉的决定》修正',
		]);
		expect(result.report.unplaced).toEqual([]);
	});

	it('writes sourceNotes to version.yaml, and the loader reads them back', () => {
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-statute-'));
		writeImportedVersion(result, { policiesDir, policyId: 'attendance', version: '1.0', source: 'rules.txt' });
		expect(readFileSync(join(policiesDir, 'attendance', '1.0', 'version.yaml'), 'utf8')).toContain('sourceNotes:');
		const version = loadContentOrThrow({ policiesDir, root: policiesDir })[0]!.versions[0]!;
		expect(version.meta.sourceNotes).toEqual(result.report.sourceNotes);
		expect(version.chapters[0]!.chapter.clauses[1]).toEqual(article2);
	});
});

describe('labels in the document’s own script', () => {
	const result = buildTree(textLines(source));

	it('zh-Hans: 第一章 / 第一节 / 第一条', () => {
		const n = deriveNumbers('zh-statute', result.chapters, 'zh-Hans-CN');
		expect([...n.chapters.values()]).toEqual(['第一章', '第二章']);
		expect([...n.sections.values()]).toEqual(['第一节']);
		expect(n.clauses.get('c-1-0-1')).toBe('第一条');
		expect(n.clauses.get('c-2-1-1')).toBe('第三条');
	});

	it('zh-Hant: 第一章 / 第一節 / 第一條 (also the default)', () => {
		for (const language of ['zh-Hant-TW', 'zh-Hant', undefined]) {
			const n = deriveNumbers('zh-statute', result.chapters, language);
			expect([...n.sections.values()]).toEqual(['第一節']);
			expect(n.clauses.get('c-2-1-1')).toBe('第三條');
		}
	});

	it('an imported Simplified regulation is numbered 第一条 by the loader (pages, print, redlines, CLI, API)', async () => {
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-script-'));
		const imported = await importFile(join(import.meta.dirname, '../fixtures/import/statute-simplified.txt'));
		writeImportedVersion(imported, { policiesDir, policyId: 'travel', version: '1.0', source: 'x.txt' });
		const policy = loadContentOrThrow({ policiesDir, root: policiesDir })[0]!;
		expect(policy.meta.language).toBe('zh-Hans-CN');
		const numbers = policy.versions[0]!.numbers;
		expect([...numbers.clauses.values()].slice(0, 2)).toEqual(['第一条', '第二条']);
		expect([...numbers.sections.values()]).toEqual(['第一节', '第二节']);
	});
});
