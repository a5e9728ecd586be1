/**
 * Editorial changes as a reader judges them: whitespace, punctuation,
 * full/half-width forms, reviewed character forms and declared substitutions
 * are editorial, each with its reason; anything else stays substantive.
 * Headings differing only in spacing or width are no change; renumbering
 * alone is no change.
 */
import { describe, expect, it } from 'vitest';
import { textToParts, type Chapter, type Clause } from '#lib/content/clause-tree.ts';
import { deriveNumbers } from '#lib/content/numbering.ts';
import type { VersionMeta } from '#lib/content/schema.ts';
import { editorialVerdict, sameHeading } from '#lib/diff/editorial.ts';
import { compareVersionTrees, isRealChange, type RedlineInput } from '#lib/diff/redline.ts';

const clause = (id: string, text: string): Clause => ({ id, unnumbered: false, parts: textToParts(text), items: [] });
const chapter = (id: string, title: string, clauses: Clause[]): Chapter => ({ id, title, clauses, sections: [] });
const version = (chapters: Chapter[], substitutions: VersionMeta['substitutions'] = []): RedlineInput => ({
	meta: { classificationOverrides: [], substitutions },
	chapters: chapters.map((c) => ({ chapter: c })),
	numbers: deriveNumbers('zh-statute', chapters, 'zh-Hant-TW'),
});

/** The redline of one clause whose text changes from `before` to `after`. */
function oneClause(before: string, after: string, substitutions: VersionMeta['substitutions'] = []) {
	const redline = compareVersionTrees(
		version([chapter('ch-1', '總則', [clause('c-1', before)])]),
		version([chapter('ch-1', '總則', [clause('c-1', after)])], substitutions),
	);
	return redline.changes.find((c) => c.id === 'c-1')!;
}

const rename = [{ from: '人事部', to: '人力資源部', reason: '部門更名' }];

describe('editorial rules, one at a time', () => {
	it('whitespace only is editorial, and says so', () => {
		const change = oneClause('員工應 遵守本辦法。', '員工應遵守本辦法。');
		expect(change).toMatchObject({ kind: 'reworded', classification: 'editorial', classificationSource: 'editorial' });
		expect(change.editorial!.rules).toEqual(['whitespace']);
		expect(change.reason).toBe('only whitespace');
	});

	it('full/half-width punctuation is editorial (punctuation)', () => {
		const change = oneClause(
			'本辦法適用於全體員工(含試用期);違者懲處。',
			'本辦法適用於全體員工（含試用期）；違者懲處。',
		);
		expect(change.classification).toBe('editorial');
		expect(change.editorial!.rules).toEqual(['punctuation']);
	});

	it('full/half-width letters and digits are editorial (width)', () => {
		const change = oneClause('每年１２月提交ＫＰＩ報告。', '每年12月提交KPI報告。');
		expect(change.classification).toBe('editorial');
		expect(change.editorial!.rules).toEqual(['width']);
		expect(change.reason).toBe('only full/half-width forms');
	});

	it('、 for ， and added or removed enumeration commas are editorial', () => {
		expect(oneClause('甲，乙及丙。', '甲、乙及丙。').editorial!.rules).toEqual(['punctuation']);
		expect(oneClause('依《公務員法》、《處分條例》辦理。', '依《公務員法》《處分條例》辦理。').classification).toBe(
			'editorial',
		);
		expect(oneClause('甲乙丙三部門', '甲、乙、丙三部門').classification).toBe('editorial');
	});

	it('reviewed character-form fixes are editorial (character form)', () => {
		const change = oneClause('依規范辦理。', '依規範辦理。');
		expect(change).toMatchObject({ classification: 'editorial', classificationSource: 'character-form' });
		expect(change.editorial!.rules).toEqual(['character-form']);
	});

	it('a declared substitution is editorial, with its reason in the redline', () => {
		const change = oneClause('請假應經人事部核准。', '請假應經人力資源部核准。', rename);
		expect(change.classification).toBe('editorial');
		expect(change.editorial).toEqual({ rules: ['substitution'], substitutions: rename });
		expect(change.reason).toBe('only 人事部→人力資源部 (部門更名)');
	});

	it('the same rewording without the declaration is substantive', () => {
		expect(oneClause('請假應經人事部核准。', '請假應經人力資源部核准。')).toMatchObject({
			classification: 'substantive',
			reason: 'wording changed',
		});
	});

	it('a substitution and a real change in one clause: substantive', () => {
		const change = oneClause('請假應經人事部核准。', '請假三日以上應經人力資源部核准。', rename);
		expect(change).toMatchObject({ classification: 'substantive', classificationSource: 'rule', editorial: undefined });
	});

	it('several rules together are editorial, each named', () => {
		const change = oneClause('請假應經人事部 核准,並依規范辦理。', '請假應經人力資源部核准，並依規範辦理。', rename);
		expect(change.classification).toBe('editorial');
		expect(change.editorial!.rules).toEqual(['whitespace', 'punctuation', 'character-form', 'substitution']);
	});

	it('a changed word, number or negation stays substantive', () => {
		expect(oneClause('全年以十四日為限。', '全年以七日為限。').classification).toBe('substantive');
		expect(oneClause('應經主管核准。', '不應經主管核准。').classification).toBe('substantive');
		expect(oneClause('事假期間不支薪。', '事假期間不支薪；病假半薪。').classification).toBe('substantive');
	});

	it('editorialVerdict is undefined for a substantive change, empty for none', () => {
		expect(editorialVerdict([['甲', '乙']])).toBeUndefined();
		expect(editorialVerdict([['甲', '甲']])).toEqual({ rules: [], substitutions: [] });
	});
});

describe('headings compare as a reader reads them', () => {
	it('whitespace or full/half-width differences in chapter titles are no change', () => {
		const redline = compareVersionTrees(
			version([
				chapter('ch-1', '总则', [clause('c-1', '甲。')]),
				chapter('ch-2', 'ＡＢＣ管理', [clause('c-2', '乙。')]),
			]),
			version([
				chapter('ch-1', '总 则', [clause('c-1', '甲。')]),
				chapter('ch-2', 'ABC 管理', [clause('c-2', '乙。')]),
			]),
		);
		expect(redline.structure).toEqual([]);
		expect(redline.changes.filter(isRealChange)).toEqual([]);
		expect(sameHeading('第一章  总则', '第一章 总 则')).toBe(true);
	});

	it('a real retitling is still a change', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [clause('c-1', '甲。')])]),
			version([chapter('ch-1', '通則', [clause('c-1', '甲。')])]),
		);
		expect(redline.structure).toEqual([
			expect.objectContaining({ id: 'ch-1', kind: 'retitled', classification: 'substantive' }),
		]);
	});
});

describe('renumbering alone is no change', () => {
	it('a clause pushed down by an insertion is renumbered, unclassified, not a real change', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [clause('c-1', '甲。'), clause('c-2', '乙。')])]),
			version([chapter('ch-1', '總則', [clause('c-1', '甲。'), clause('c-3', '丙。'), clause('c-2', '乙。')])]),
		);
		const c2 = redline.changes.find((c) => c.id === 'c-2')!;
		expect(c2).toMatchObject({ kind: 'renumbered', classification: undefined });
		expect(redline.changes.filter(isRealChange).map((c) => c.id)).toEqual(['c-3']);
	});
});
