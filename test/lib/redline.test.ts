/**
 * The redline library: real content (1.0 → 1.1 is character-form fixes only),
 * the fixture policy (1.1 adds a section) and small trees built here.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textToParts, type Chapter, type Clause, type Section } from '#lib/content/clause-tree.ts';
import { loadContentOrThrow, type LoadedPolicy } from '#lib/content/loader.ts';
import { deriveNumbers } from '#lib/content/numbering.ts';
import type { VersionMeta } from '#lib/content/schema.ts';
import {
	compareVersionTrees,
	diffGranularity,
	diffSegments,
	segmentsAfter,
	segmentsBefore,
	type ClauseChange,
	type DiffSegment,
	type Redline,
	type RedlineInput,
	type RedlineNode,
} from '#lib/diff/redline.ts';

const fixturePolicies = join(import.meta.dirname, '../fixtures/content/policies');

// ---------------------------------------------------------------------------
// Small trees

const clause = (id: string, text: string, extra: Partial<Clause> = {}): Clause => ({
	id,
	unnumbered: false,
	parts: textToParts(text),
	items: [],
	...extra,
});
const section = (id: string, title: string, clauses: Clause[]): Section => ({ id, title, clauses });
const chapter = (id: string, title: string, clauses: Clause[], sections: Section[] = []): Chapter => ({
	id,
	title,
	clauses,
	sections,
});
const version = (chapters: Chapter[], overrides: VersionMeta['classificationOverrides'] = []): RedlineInput => ({
	meta: { classificationOverrides: overrides },
	chapters: chapters.map((c) => ({ chapter: c })),
	numbers: deriveNumbers('zh-statute', chapters),
});

const changeOf = (redline: Redline, id: string): ClauseChange => {
	const change = redline.changes.find((c) => c.id === id);
	if (!change) throw new Error(`no change for ${id}`);
	return change;
};
const ids = (redline: Redline) => redline.changes.map((c) => c.id);
const outlineIds = (nodes: readonly RedlineNode[]): string[] => nodes.flatMap((n) => [n.id, ...outlineIds(n.children)]);
const changed = (segments: readonly DiffSegment[]) => segments.filter((s) => s.op !== 'equal');

/** Every segment list of a redline keeps the invariant. */
function expectSegmentsInvariant(redline: Redline) {
	for (const change of redline.changes) {
		expect(segmentsBefore(change.segments)).toBe(change.before?.text ?? '');
		expect(segmentsAfter(change.segments)).toBe(change.after?.text ?? '');
		if (change.titleSegments) {
			expect(segmentsBefore(change.titleSegments)).toBe(change.before?.title ?? '');
			expect(segmentsAfter(change.titleSegments)).toBe(change.after?.title ?? '');
		}
	}
	for (const change of redline.structure) {
		expect(segmentsBefore(change.titleSegments)).toBe(change.before?.title ?? '');
		expect(segmentsAfter(change.titleSegments)).toBe(change.after?.title ?? '');
	}
}

// ---------------------------------------------------------------------------
// Real content

describe('redline of the real policies, 1.0 → 1.1', () => {
	const policies = loadContentOrThrow();
	const redlineOf = (id: string) => {
		const policy = policies.find((p) => p.id === id)!;
		const [from, to] = policy.versions;
		return compareVersionTrees(from!, to!);
	};
	/** Characters that differ at the same position, over every text and title. */
	const changedCharacters = (redline: Redline) => {
		let n = 0;
		const count = (a = '', b = '') => {
			const after = Array.from(b);
			Array.from(a).forEach((ch, i) => (n += ch === after[i] ? 0 : 1));
		};
		for (const c of redline.changes) {
			count(c.before?.text, c.after?.text);
			count(c.before?.title, c.after?.title);
		}
		for (const s of redline.structure) count(s.before?.title, s.after?.title);
		return n;
	};

	const expected = {
		// 30 character forms + 2 批準→批准, as its changeSummary says.
		'operating-model-process': { clauses: 49, reworded: 18, characters: 32 },
		// 33 character forms + 1 批準→批准.
		'pharma-operations-department': { clauses: 67, reworded: 21, characters: 34 },
	};

	for (const [policyId, figures] of Object.entries(expected)) {
		it(`${policyId}: only editorial character-form changes`, () => {
			const redline = redlineOf(policyId);
			const { summary } = redline;
			console.log(
				`${policyId} 1.0→1.1: ${redline.changes.length} clauses, by kind ${JSON.stringify(summary.clauses.byKind)},` +
					` by classification ${JSON.stringify(summary.clauses.byClassification)},` +
					` structure ${redline.structure.map((s) => `${s.id} ${s.kind} ${s.classification}`).join(', ')},` +
					` ${changedCharacters(redline)} characters changed`,
			);
			expect(redline.changes).toHaveLength(figures.clauses);
			expect(summary.clauses.byKind).toEqual({
				added: 0,
				removed: 0,
				reworded: figures.reworded,
				moved: 0,
				renumbered: 0,
				unchanged: figures.clauses - figures.reworded,
			});
			expect(summary.clauses.byClassification).toEqual({ editorial: figures.reworded, substantive: 0 });
			expect(summary.clauseFlags).toEqual({ reworded: figures.reworded, moved: 0, renumbered: 0 });
			for (const change of redline.changes.filter((c) => c.reworded)) {
				expect(change, change.id).toMatchObject({
					kind: 'reworded',
					moved: false,
					renumbered: false,
					classification: 'editorial',
					classificationSource: 'character-form',
					granularity: 'chars',
				});
			}
			for (const change of redline.changes.filter((c) => !c.reworded)) {
				expect(change.classification).toBeUndefined();
				expect(change.segments.every((s) => s.op === 'equal')).toBe(true);
			}
			// 適用范圍 → 適用範圍 in both.
			expect(redline.structure).toEqual([
				expect.objectContaining({
					type: 'section',
					id: 's-1-2',
					kind: 'retitled',
					classification: 'editorial',
					classificationSource: 'character-form',
				}),
			]);
			expect(changedCharacters(redline)).toBe(figures.characters);
			expect(redline.substantiveClauseIds).toEqual([]);
			expect(Object.values(redline.gainedClausesByChapter).flat()).toEqual([]);
			expect(redline.unusedOverrides).toEqual([]);
			expectSegmentsInvariant(redline);
			// Reading order is the order of the version itself.
			const policy = policies.find((p) => p.id === policyId)!;
			const order = policy.versions[1]!.chapters.flatMap(({ chapter }) => [
				...allClauseIds(chapter.clauses),
				...chapter.sections.flatMap((s) => allClauseIds(s.clauses)),
			]);
			expect(ids(redline)).toEqual(order);
		});
	}

	it('pharma c-1-1-1: deletes 范 and inserts 範 (規范 → 規範)', () => {
		const change = changeOf(redlineOf('pharma-operations-department'), 'c-1-1-1');
		expect(changed(change.segments)).toEqual([
			{ value: '范', op: 'delete' },
			{ value: '範', op: 'insert' },
		]);
		expect(change.segments[0]).toEqual({ value: '本制度旨在規', op: 'equal' });
		expect(change.before).toMatchObject({ number: undefined, chapterId: 'ch-1', sectionId: 's-1-1' });
	});
});

const allClauseIds = (clauses: readonly Clause[]): string[] => clauses.flatMap((c) => [c.id, ...allClauseIds(c.items)]);

// ---------------------------------------------------------------------------
// Fixture policy

const leavePolicy = (policiesDir = fixturePolicies): LoadedPolicy =>
	loadContentOrThrow({ policiesDir }).find((p) => p.id === 'leave-policy')!;

describe('redline of the fixture policy, 1.0 → 1.1', () => {
	it('inserts c-1-0-3 before c-1-0-2, which keeps its id and is renumbered, no change', () => {
		const [from, to] = leavePolicy().versions;
		const redline = compareVersionTrees(from!, to!);
		expect(changeOf(redline, 'c-1-0-3')).toMatchObject({ kind: 'added', after: { number: '第二條' } });
		expect(changeOf(redline, 'c-1-0-2')).toMatchObject({
			kind: 'renumbered',
			// Renumbering alone is no change: numbers derive from position.
			classification: undefined,
			before: { number: '第二條', text: '本辦法適用於本公司全體正式員工。' },
			after: { number: '第三條', text: '本辦法適用於本公司全體正式員工。' },
		});
		// Statute articles are numbered across the version: the next chapter's article moves up too.
		expect(changeOf(redline, 'c-2-1-1')).toMatchObject({ kind: 'renumbered', classification: undefined });
	});

	it('adds section s-2-2 and clause c-2-2-1, substantive', () => {
		const [from, to] = leavePolicy().versions;
		const redline = compareVersionTrees(from!, to!);
		expect(changeOf(redline, 'c-2-2-1')).toMatchObject({
			kind: 'added',
			classification: 'substantive',
			classificationSource: 'rule',
			before: undefined,
			after: { number: '第五條', chapterId: 'ch-2', sectionId: 's-2-2', sectionTitle: '病假' },
			segments: [{ value: '員工因病需治療或休養者，得請病假。', op: 'insert' }],
		});
		expect(redline.structure).toEqual([
			expect.objectContaining({
				type: 'section',
				id: 's-2-2',
				kind: 'added',
				classification: 'substantive',
				titleSegments: [{ value: '病假', op: 'insert' }],
			}),
		]);
		expect(redline.summary.clauses.byKind).toMatchObject({ added: 2, renumbered: 2, unchanged: 3 });
		expect(redline.substantiveClauseIds).toEqual(['c-1-0-3', 'c-2-2-1']);
		expect(redline.gainedClausesByChapter).toEqual({ 'ch-1': ['c-1-0-3'], 'ch-2': ['c-2-2-1'] });
		expect(ids(redline).at(-1)).toBe('c-2-2-1');
	});

	it('an override in version.yaml flips the classification and carries the reason', () => {
		const root = mkdtempSync(join(tmpdir(), 'zhidu-redline-'));
		const policiesDir = join(root, 'policies');
		cpSync(fixturePolicies, policiesDir, { recursive: true });
		const versionFile = join(policiesDir, 'leave-policy/1.1/version.yaml');
		writeFileSync(
			versionFile,
			`${readFileSync(versionFile, 'utf8')}classificationOverrides:\n` +
				`  - clause: c-2-2-1\n    classification: editorial\n    reason: 病假規定沿用勞動法令，僅補列於辦法中。\n` +
				`  - clause: c-1-0-1\n    classification: substantive\n    reason: 未變更的條文不受影響。\n`,
		);
		const [from, to] = leavePolicy(policiesDir).versions;
		const redline = compareVersionTrees(from!, to!);
		expect(changeOf(redline, 'c-2-2-1')).toMatchObject({
			kind: 'added',
			classification: 'editorial',
			classificationSource: 'override',
			reason: '病假規定沿用勞動法令，僅補列於辦法中。',
		});
		expect(redline.substantiveClauseIds).toEqual(['c-1-0-3']);
		// An override for an unchanged clause changes nothing and is reported.
		expect(changeOf(redline, 'c-1-0-1').classification).toBeUndefined();
		expect(redline.unusedOverrides).toEqual(['c-1-0-1']);
	});
});

// ---------------------------------------------------------------------------
// Small trees

describe('redline of small trees', () => {
	const a = () => clause('c-a', '員工每年享有七日特休。');
	const b = () => clause('c-b', '特休應於年度內休畢。');
	const c = () => clause('c-c', '未休畢者依法折發工資。');

	it('a clause inserted before an existing one: the existing one is renumbered (no change), same id', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [a(), b()])]),
			version([chapter('ch-1', '總則', [clause('c-new', '本辦法依勞動基準法訂定。'), a(), b()])]),
		);
		expect(ids(redline)).toEqual(['c-new', 'c-a', 'c-b']);
		expect(changeOf(redline, 'c-new')).toMatchObject({ kind: 'added', classification: 'substantive' });
		expect(changeOf(redline, 'c-a')).toMatchObject({
			kind: 'renumbered',
			renumbered: true,
			moved: false,
			reworded: false,
			classification: undefined,
			classificationSource: undefined,
			before: { number: '第一條' },
			after: { number: '第二條' },
		});
		expect(changeOf(redline, 'c-b')).toMatchObject({ kind: 'renumbered', classification: undefined });
		expect(redline.summary.clauses.byClassification).toEqual({ editorial: 0, substantive: 1 });
		expect(redline.gainedClausesByChapter).toEqual({ 'ch-1': ['c-new'] });
	});

	it('a real word change is substantive; a character-form fix is editorial', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [a(), clause('c-b', '特休應于年度內休畢。')])]),
			version([chapter('ch-1', '總則', [clause('c-a', '員工每年享有十日特休。'), b()])]),
		);
		const reworded = changeOf(redline, 'c-a');
		expect(reworded).toMatchObject({ kind: 'reworded', classification: 'substantive', classificationSource: 'rule' });
		expect(changed(reworded.segments)).toEqual([
			{ value: '七', op: 'delete' },
			{ value: '十', op: 'insert' },
		]);
		expect(changeOf(redline, 'c-b')).toMatchObject({
			kind: 'reworded',
			classification: 'editorial',
			classificationSource: 'character-form',
		});
		expect(redline.substantiveClauseIds).toEqual(['c-a']);
	});

	it('a title change is a rewording, with its own segments', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [clause('c-a', '遵守法令。', { title: '合法性原則' })])]),
			version([chapter('ch-1', '總則', [clause('c-a', '遵守法令。', { title: '合規原則' })])]),
		);
		const change = changeOf(redline, 'c-a');
		expect(change).toMatchObject({ kind: 'reworded', classification: 'substantive' });
		expect(change.segments).toEqual([{ value: '遵守法令。', op: 'equal' }]);
		expect(segmentsBefore(change.titleSegments!)).toBe('合法性原則');
		expect(segmentsAfter(change.titleSegments!)).toBe('合規原則');
	});

	it('detects a clause moved to another section, and one reordered among its siblings', () => {
		const from = version([
			chapter('ch-1', '總則', [], [section('s-1', '特休', [a(), b(), c()]), section('s-2', '事假', [])]),
		]);
		const toMovedAcross = version([
			chapter('ch-1', '總則', [], [section('s-1', '特休', [a(), c()]), section('s-2', '事假', [b()])]),
		]);
		const across = compareVersionTrees(from, toMovedAcross);
		expect(changeOf(across, 'c-b')).toMatchObject({
			kind: 'moved',
			moved: true,
			reworded: false,
			classification: 'substantive',
			before: { sectionId: 's-1' },
			after: { sectionId: 's-2' },
		});
		// c-c moves up a number (第三條 → 第二條) but keeps its place among the clauses present in both.
		expect(changeOf(across, 'c-c')).toMatchObject({ kind: 'renumbered', moved: false, classification: undefined });

		const reorderedTo = version([
			chapter('ch-1', '總則', [], [section('s-1', '特休', [a(), c(), b()]), section('s-2', '事假', [])]),
		]);
		const reordered = compareVersionTrees(from, reorderedTo);
		expect(reordered.changes.filter((x) => x.moved).map((x) => x.id)).toEqual(['c-b']);
		expect(changeOf(reordered, 'c-b')).toMatchObject({
			kind: 'moved',
			renumbered: true,
			classification: 'substantive',
		});
		expect(changeOf(reordered, 'c-c')).toMatchObject({ kind: 'renumbered', classification: undefined });
		expect(ids(reordered)).toEqual(['c-a', 'c-c', 'c-b']);
	});

	it('an item moved to another parent clause is moved; moved and reworded keeps both flags', () => {
		const item = (text: string) => clause('c-i', text);
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [clause('c-a', '甲：', { items: [item('一日。')] }), clause('c-b', '乙：')])]),
			version([chapter('ch-1', '總則', [clause('c-a', '甲：'), clause('c-b', '乙：', { items: [item('二日。')] })])]),
		);
		expect(changeOf(redline, 'c-i')).toMatchObject({
			kind: 'reworded',
			reworded: true,
			moved: true,
			classification: 'substantive',
			before: { parentId: 'c-a', depth: 1 },
			after: { parentId: 'c-b', depth: 1 },
		});
		expect(redline.summary.clauseFlags).toEqual({ reworded: 1, moved: 1, renumbered: 0 });
	});

	it('an override flips a character-form fix to substantive, with its reason', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [clause('c-a', '適用于全體員工。')])]),
			version(
				[chapter('ch-1', '總則', [clause('c-a', '適用於全體員工。')])],
				[{ clause: 'c-a', classification: 'substantive', reason: '法務要求重新認證。' }],
			),
		);
		expect(changeOf(redline, 'c-a')).toMatchObject({
			kind: 'reworded',
			classification: 'substantive',
			classificationSource: 'override',
			reason: '法務要求重新認證。',
		});
	});

	it('a removed clause appears where it was', () => {
		const middle = compareVersionTrees(
			version([chapter('ch-1', '總則', [a(), b(), c()])]),
			version([chapter('ch-1', '總則', [a(), c()])]),
		);
		expect(ids(middle)).toEqual(['c-a', 'c-b', 'c-c']);
		expect(changeOf(middle, 'c-b')).toMatchObject({
			kind: 'removed',
			classification: 'substantive',
			after: undefined,
			before: { number: '第二條' },
			segments: [{ value: '特休應於年度內休畢。', op: 'delete' }],
		});

		const first = compareVersionTrees(
			version([chapter('ch-1', '總則', [a(), b()])]),
			version([chapter('ch-1', '總則', [b()])]),
		);
		expect(ids(first)).toEqual(['c-a', 'c-b']);

		// Its previous sibling was removed too, and an item of a clause that stays.
		const items = compareVersionTrees(
			version([
				chapter('ch-1', '總則', [
					clause('c-p', '如下：', { items: [clause('c-x', '一。'), clause('c-y', '二。'), clause('c-z', '三。')] }),
					c(),
				]),
			]),
			version([chapter('ch-1', '總則', [clause('c-p', '如下：', { items: [clause('c-z', '三。')] }), c()])]),
		);
		expect(ids(items)).toEqual(['c-p', 'c-x', 'c-y', 'c-z', 'c-c']);
		expect(changeOf(items, 'c-z')).toMatchObject({
			kind: 'renumbered',
			before: { number: '（三）' },
			after: { number: '（一）' },
		});
	});

	it('a removed section comes back with its clauses after its previous section', () => {
		const redline = compareVersionTrees(
			version([
				chapter('ch-1', '總則', [a()], [section('s-1', '特休', [b()]), section('s-2', '事假', [c()])]),
				chapter('ch-2', '附則', [clause('c-d', '本辦法自公布日施行。')]),
			]),
			version([
				chapter('ch-1', '總則', [a()], [section('s-2', '事假', [c()])]),
				chapter('ch-2', '附則', [clause('c-d', '本辦法自公布日施行。')]),
			]),
		);
		expect(outlineIds(redline.outline)).toEqual(['ch-1', 'c-a', 's-1', 'c-b', 's-2', 'c-c', 'ch-2', 'c-d']);
		expect(redline.structure).toEqual([
			expect.objectContaining({ type: 'section', id: 's-1', kind: 'removed', classification: 'substantive' }),
			// 第二節 → 第一節
			expect.objectContaining({ type: 'section', id: 's-2', kind: 'renumbered', classification: 'editorial' }),
		]);
		expect(changeOf(redline, 'c-b')).toMatchObject({ kind: 'removed', before: { sectionId: 's-1' } });
		expect(changeOf(redline, 'c-c')).toMatchObject({ kind: 'renumbered', moved: false });
	});

	it('a chapter that gains a clause from another chapter reports it', () => {
		const redline = compareVersionTrees(
			version([chapter('ch-1', '總則', [a(), b()]), chapter('ch-2', '附則', [c()])]),
			version([chapter('ch-1', '總則', [a()]), chapter('ch-2', '附則', [b(), c()])]),
		);
		expect(changeOf(redline, 'c-b')).toMatchObject({ kind: 'moved', classification: 'substantive' });
		expect(redline.gainedClausesByChapter).toEqual({ 'ch-1': [], 'ch-2': ['c-b'] });
	});
});

// ---------------------------------------------------------------------------
// Inline diffs

describe('inline diff segments', () => {
	it('diffs Latin text by words', () => {
		const before = 'Report incidents within 24 hours.';
		const after = 'Report incidents within 12 hours.';
		expect(diffGranularity(before + after)).toBe('words');
		expect(diffSegments(before, after)).toEqual([
			{ value: 'Report incidents within ', op: 'equal' },
			{ value: '24', op: 'delete' },
			{ value: '12', op: 'insert' },
			{ value: ' hours.', op: 'equal' },
		]);
		const redline = compareVersionTrees(
			version([chapter('ch-1', 'General', [clause('c-1', before)])]),
			version([chapter('ch-1', 'General', [clause('c-1', after)])]),
		);
		expect(changeOf(redline, 'c-1')).toMatchObject({ granularity: 'words', classification: 'substantive' });
	});

	it('diffs CJK text by characters, and folds a single equal character between two changes', () => {
		expect(diffGranularity('本制度適用于全體員工 (HR)')).toBe('chars');
		expect(diffSegments('審核批準后實施', '審核批准後實施')).toEqual([
			{ value: '審核批', op: 'equal' },
			{ value: '準后', op: 'delete' },
			{ value: '准後', op: 'insert' },
			{ value: '實施', op: 'equal' },
		]);
		// 于X后 → 於X後: one change, not two.
		expect(diffSegments('適用于各后續', '適用於各後續')).toEqual([
			{ value: '適用', op: 'equal' },
			{ value: '于各后', op: 'delete' },
			{ value: '於各後', op: 'insert' },
			{ value: '續', op: 'equal' },
		]);
	});

	it('equal + delete gives the old text, equal + insert the new text', () => {
		const pairs: [string, string][] = [
			['', ''],
			['', '新增條文。'],
			['刪除條文。', ''],
			['員工每年享有七日特休。', '員工每年享有十日特休，並得遞延。'],
			['本制度旨在規范[部門名稱]的工作流程', '本制度旨在規範[部門]之工作流程與標準'],
			['a b c d e', 'x b y d z'],
			['Report incidents within 24 hours.', 'Incidents must be reported within 12 working hours!'],
			['Leave: 14 days 事假', 'Leave: 7 days 病假 and more'],
			['😀甲乙丙', '甲😀乙丁'],
			['abcabcabc', 'cbacbacba'],
		];
		for (const [before, after] of pairs) {
			for (const granularity of ['words', 'chars'] as const) {
				const segments = diffSegments(before, after, granularity);
				expect(segmentsBefore(segments), `${before} → ${after} (${granularity})`).toBe(before);
				expect(segmentsAfter(segments), `${before} → ${after} (${granularity})`).toBe(after);
				expect(segments.every((s) => s.value.length > 0)).toBe(true);
				// Runs are maximal: never two equal runs, or two runs of one op, side by side.
				segments.forEach((s, i) => expect(s.op === segments[i + 1]?.op).toBe(false));
			}
		}
	});
});
