/**
 * The redline between two versions of one policy. Everything is matched by id:
 * a clause that keeps its id is the same clause, wherever it stands and
 * whatever number it shows. For every clause present in either version there
 * is one ClauseChange (unchanged ones included, so a page can render the whole
 * text); chapter and section changes are separate StructureChanges.
 *
 * Classification (editorial or substantive) follows the rule below unless the
 * `to` version's `classificationOverrides` names the id:
 *
 * - added, removed, moved: substantive;
 * - reworded: editorial when every text and title difference is whitespace,
 *   punctuation, full/half-width forms, a reviewed character-form fix or one
 *   of the `to` version's declared `substitutions` (see editorial.ts), with
 *   the reason saying which; else substantive;
 * - renumbered only: no change (numbers derive from position), unclassified;
 * - chapter and section titles that differ only in whitespace or width: no change.
 *
 * Plain TypeScript, no Astro: the site, the CLI and certification share it.
 */
import type { Change } from 'diff';
import { onFirstUse } from '../on-first-use.ts';
import { partsToText, type Chapter, type Clause, type ClausePlace, type Section } from '../content/clause-tree.ts';
import type { Numbers } from '../content/numbering.ts';
import type { ChangeClassification, VersionMeta } from '../content/schema.ts';
import { editorialReason, editorialVerdict, sameHeading, type EditorialVerdict } from './editorial.ts';

const diffPackage = onFirstUse<typeof import('diff')>('diff');

/** What compareVersionTrees needs of a version; a LoadedVersion is one. */
export interface RedlineInput {
	meta: Pick<VersionMeta, 'classificationOverrides'> & Partial<Pick<VersionMeta, 'substitutions'>>;
	chapters: readonly { chapter: Chapter }[];
	numbers: Numbers;
}

export type ClauseChangeKind = 'added' | 'removed' | 'reworded' | 'moved' | 'renumbered' | 'unchanged';
export type StructureChangeKind = 'added' | 'removed' | 'retitled' | 'moved' | 'renumbered';
export type Classification = ChangeClassification;
/** Where a classification came from: the version's override, the character-form check, or the default rule. */
export type ClassificationSource = 'override' | 'character-form' | 'editorial' | 'rule';

export type SegmentOp = 'equal' | 'insert' | 'delete';
/** A run of an inline diff: equal + delete runs give the old text, equal + insert runs the new text. */
export interface DiffSegment {
	value: string;
	op: SegmentOp;
}

/** A clause as one version shows it. */
export interface ClauseSnapshot extends ClausePlace {
	/** Displayed number (from `numbers.clauses`); undefined for unnumbered paragraphs. */
	number: string | undefined;
	title: string | undefined;
	/** Plain text (partsToText: blanks as `[label]`), items excluded. */
	text: string;
	/** The clause this item belongs to; undefined for clauses standing in a chapter or section. */
	parentId: string | undefined;
	/** 0 for clauses, 1 for their items, and so on. */
	depth: number;
}

export interface ClauseChange {
	id: string;
	/** The primary kind; precedence added/removed > reworded > moved > renumbered > unchanged. */
	kind: ClauseChangeKind;
	/** Text or title changed. */
	reworded: boolean;
	/** Chapter, section or parent clause changed, or its order among siblings present in both versions. */
	moved: boolean;
	/** The displayed number changed (including to or from unnumbered). */
	renumbered: boolean;
	/** Undefined for added clauses. */
	before: ClauseSnapshot | undefined;
	/** Undefined for removed clauses. */
	after: ClauseSnapshot | undefined;
	/** Inline diff of the text: one insert run for added clauses, one delete run for removed, all equal if unchanged. */
	segments: DiffSegment[];
	/** Inline diff of the title, only when the title differs (also when one side has none). */
	titleSegments: DiffSegment[] | undefined;
	/** `words` for mostly Latin text, else `chars`. */
	granularity: 'words' | 'chars';
	/** Undefined only for unchanged clauses. */
	classification: Classification | undefined;
	classificationSource: ClassificationSource | undefined;
	/** The override's reason, or a short explanation of the rule applied. */
	reason: string | undefined;
	/** For editorial rewording: the rules and declared substitutions that make it editorial. */
	editorial: EditorialVerdict | undefined;
}

/** A change a reader sees: anything but unchanged and renumbered-only clauses. */
export const isRealChange = (change: ClauseChange): boolean =>
	change.kind !== 'unchanged' && change.kind !== 'renumbered';

export interface StructureSnapshot {
	title: string;
	number: string | undefined;
	/** For sections: the chapter they stand in. */
	chapterId: string | undefined;
}

export interface StructureChange {
	type: 'chapter' | 'section';
	id: string;
	/** Precedence added/removed > retitled > moved > renumbered. */
	kind: StructureChangeKind;
	retitled: boolean;
	/** A section changed chapter, or a chapter or section changed order among those present in both versions. */
	moved: boolean;
	renumbered: boolean;
	before: StructureSnapshot | undefined;
	after: StructureSnapshot | undefined;
	/** Inline diff of the title; for added/removed one insert/delete run. */
	titleSegments: DiffSegment[];
	classification: Classification;
	classificationSource: ClassificationSource;
	reason: string | undefined;
	editorial: EditorialVerdict | undefined;
}

/** The merged tree: the `to` version's order, with removed nodes where they were. */
export interface RedlineNode {
	type: 'chapter' | 'section' | 'clause';
	id: string;
	children: RedlineNode[];
}

export interface RedlineCounts<K extends string> {
	byKind: Record<K, number>;
	byClassification: Record<Classification, number>;
}

export interface RedlineSummary {
	/** Primary kinds; flags are counted in `clauseFlags`. */
	clauses: RedlineCounts<ClauseChangeKind>;
	clauseFlags: { reworded: number; moved: number; renumbered: number };
	structure: RedlineCounts<StructureChangeKind>;
}

export interface Redline {
	/** Every clause (items included) of either version, in reading order of `to`, removed ones where they were. */
	changes: ClauseChange[];
	/** Changed chapters and sections only, in the same order. */
	structure: StructureChange[];
	outline: RedlineNode[];
	summary: RedlineSummary;
	/** Clauses whose change is substantive (added and removed included), in reading order. */
	substantiveClauseIds: string[];
	/**
	 * Every chapter id of `to` → the clause ids it gained: added clauses, and clauses
	 * that stood in another chapter before. Empty when it gained none.
	 */
	gainedClausesByChapter: Record<string, string[]>;
	/** Override ids that name no changed clause, section or chapter. */
	unusedOverrides: string[];
}

// ---------------------------------------------------------------------------
// Inline diff

const latinLetter = /\p{Script=Latin}/u;
const anyLetter = /\p{L}/u;

/** Word-level for text that is mostly Latin letters, character-level otherwise (CJK has no spaces). */
export function diffGranularity(text: string): 'words' | 'chars' {
	let letters = 0;
	let latin = 0;
	for (const ch of text) {
		if (!anyLetter.test(ch)) continue;
		letters += 1;
		if (latinLetter.test(ch)) latin += 1;
	}
	return letters > 0 && latin * 2 > letters ? 'words' : 'chars';
}

type Hunk = { equal: string } | { del: string; ins: string };

/** An equal run small enough to fold into the changes around it. */
function absorbable(value: string, granularity: 'words' | 'chars'): boolean {
	if (granularity === 'words') return /^\s+$/.test(value);
	return Array.from(value).length === 1;
}

/**
 * Inline diff of two strings. Adjacent changes separated by a single character
 * (chars) or only whitespace (words) are merged into one change, which reads
 * better than a flicker of tiny runs. Always: equal + delete = before,
 * equal + insert = after.
 */
export function diffSegments(
	before: string,
	after: string,
	granularity: 'words' | 'chars' = diffGranularity(before + after),
): DiffSegment[] {
	if (before === after) return before ? [{ value: before, op: 'equal' }] : [];
	const { diffChars, diffWordsWithSpace } = diffPackage();
	const changes: Change[] = granularity === 'words' ? diffWordsWithSpace(before, after) : diffChars(before, after);
	const hunks: Hunk[] = [];
	for (const change of changes) {
		if (!change.value) continue;
		const last = hunks.at(-1);
		if (!change.added && !change.removed) {
			if (last && 'equal' in last) last.equal += change.value;
			else hunks.push({ equal: change.value });
			continue;
		}
		const target = last && 'del' in last ? last : { del: '', ins: '' };
		if (target !== last) hunks.push(target);
		if (change.added) target.ins += change.value;
		else target.del += change.value;
	}
	// Fold tiny equal runs between two changes into them.
	const merged: Hunk[] = [];
	for (let i = 0; i < hunks.length; i++) {
		const hunk = hunks[i]!;
		const prev = merged.at(-1);
		const next = hunks[i + 1];
		if ('equal' in hunk && prev && 'del' in prev && next && 'del' in next && absorbable(hunk.equal, granularity)) {
			prev.del += hunk.equal + next.del;
			prev.ins += hunk.equal + next.ins;
			i += 1;
			continue;
		}
		merged.push('equal' in hunk ? { equal: hunk.equal } : { del: hunk.del, ins: hunk.ins });
	}
	const segments: DiffSegment[] = [];
	for (const hunk of merged) {
		if ('equal' in hunk) segments.push({ value: hunk.equal, op: 'equal' });
		else {
			if (hunk.del) segments.push({ value: hunk.del, op: 'delete' });
			if (hunk.ins) segments.push({ value: hunk.ins, op: 'insert' });
		}
	}
	return segments;
}

/** The old text of a diff (equal + delete runs). */
export const segmentsBefore = (segments: readonly DiffSegment[]) =>
	segments
		.filter((s) => s.op !== 'insert')
		.map((s) => s.value)
		.join('');

/** The new text of a diff (equal + insert runs). */
export const segmentsAfter = (segments: readonly DiffSegment[]) =>
	segments
		.filter((s) => s.op !== 'delete')
		.map((s) => s.value)
		.join('');

// ---------------------------------------------------------------------------
// Indexing one version

interface ClauseEntry {
	clause: Clause;
	snapshot: ClauseSnapshot;
	/** Parent clause, section or chapter id. */
	container: string;
}

interface StructureEntry {
	type: 'chapter' | 'section';
	snapshot: StructureSnapshot;
	/** Chapter id for sections, '' for chapters. */
	container: string;
}

interface VersionIndex {
	clauses: Map<string, ClauseEntry>;
	structures: Map<string, StructureEntry>;
	/** Container id → ordered child ids, one list per kind of child ('' holds the chapters). */
	clauseChildren: Map<string, string[]>;
	sectionChildren: Map<string, string[]>;
	/** Reading order: chapters, sections and clauses, pre-order. */
	order: string[];
}

function indexVersion(version: RedlineInput): VersionIndex {
	const index: VersionIndex = {
		clauses: new Map(),
		structures: new Map(),
		clauseChildren: new Map(),
		sectionChildren: new Map([['', []]]),
		order: [],
	};
	const { numbers } = version;
	for (const { chapter } of version.chapters) {
		index.order.push(chapter.id);
		index.sectionChildren.get('')!.push(chapter.id);
		index.structures.set(chapter.id, {
			type: 'chapter',
			container: '',
			snapshot: { title: chapter.title, number: numbers.chapters.get(chapter.id), chapterId: undefined },
		});
		const addClauses = (
			clauses: readonly Clause[],
			container: string,
			section: Section | undefined,
			parent: Clause | undefined,
			depth: number,
		) => {
			index.clauseChildren.set(
				container,
				clauses.map((c) => c.id),
			);
			for (const clause of clauses) {
				index.order.push(clause.id);
				index.clauses.set(clause.id, {
					clause,
					container,
					snapshot: {
						number: numbers.clauses.get(clause.id),
						title: clause.title,
						text: partsToText(clause.parts),
						chapterId: chapter.id,
						chapterTitle: chapter.title,
						chapterNumber: numbers.chapters.get(chapter.id),
						sectionId: section?.id,
						sectionTitle: section?.title,
						sectionNumber: section ? numbers.sections.get(section.id) : undefined,
						parentId: parent?.id,
						depth,
					},
				});
				addClauses(clause.items, clause.id, section, clause, depth + 1);
			}
		};
		addClauses(chapter.clauses, chapter.id, undefined, undefined, 0);
		index.sectionChildren.set(
			chapter.id,
			chapter.sections.map((s) => s.id),
		);
		for (const section of chapter.sections) {
			index.order.push(section.id);
			index.structures.set(section.id, {
				type: 'section',
				container: chapter.id,
				snapshot: { title: section.title, number: numbers.sections.get(section.id), chapterId: chapter.id },
			});
			addClauses(section.clauses, section.id, section, undefined, 0);
		}
	}
	return index;
}

/** Ids of `a` that are in a longest common subsequence of `a` and `b`. */
function lcsKept(a: readonly string[], b: readonly string[]): Set<string> {
	const n = a.length;
	const m = b.length;
	const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
		}
	}
	const kept = new Set<string>();
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (a[i] === b[j]) {
			kept.add(a[i]!);
			i++;
			j++;
		} else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
		else j++;
	}
	return kept;
}

/**
 * Ids whose order changed among siblings: for each container, the children
 * present in both versions in that same container, minus a longest common
 * subsequence of the two orders.
 */
function reordered(
	from: Map<string, string[]>,
	to: Map<string, string[]>,
	containerOf: (id: string, side: 'from' | 'to') => string | undefined,
): Set<string> {
	const moved = new Set<string>();
	for (const [container, toIds] of to) {
		const fromIds = from.get(container);
		if (!fromIds) continue;
		const stays = (id: string) => containerOf(id, 'from') === container && containerOf(id, 'to') === container;
		const a = fromIds.filter(stays);
		const b = toIds.filter(stays);
		const kept = lcsKept(a, b);
		for (const id of a) if (!kept.has(id)) moved.add(id);
	}
	return moved;
}

// ---------------------------------------------------------------------------
// Comparing

/** The classification rule for reworded text: editorial when a reader would see no real change. */
function rewordRule(
	pairs: [string, string][],
	substitutions: VersionMeta['substitutions'],
	substantiveReason: string,
): { classification: Classification; source: ClassificationSource; reason: string; editorial?: EditorialVerdict } {
	const verdict = editorialVerdict(pairs, substitutions);
	if (!verdict) return { classification: 'substantive', source: 'rule', reason: substantiveReason };
	const onlyForms = verdict.rules.length === 1 && verdict.rules[0] === 'character-form';
	return {
		classification: 'editorial',
		source: onlyForms ? 'character-form' : 'editorial',
		reason: editorialReason(verdict),
		editorial: verdict,
	};
}

const emptyCounts = <K extends string>(kinds: readonly K[]): RedlineCounts<K> => ({
	byKind: Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>,
	byClassification: { editorial: 0, substantive: 0 },
});

const clauseKinds = ['added', 'removed', 'reworded', 'moved', 'renumbered', 'unchanged'] as const;
const structureKinds = ['added', 'removed', 'retitled', 'moved', 'renumbered'] as const;

/** The redline from one version to another of the same policy, matched by id. */
export function compareVersionTrees(from: RedlineInput, to: RedlineInput): Redline {
	const a = indexVersion(from);
	const b = indexVersion(to);
	const overrides = new Map(to.meta.classificationOverrides.map((o) => [o.clause, o]));
	const substitutions = to.meta.substitutions ?? [];
	const usedOverrides = new Set<string>();

	const classify = (
		id: string,
		rule: {
			classification: Classification;
			source: ClassificationSource;
			reason: string;
			editorial?: EditorialVerdict;
		},
	): {
		classification: Classification;
		classificationSource: ClassificationSource;
		reason: string;
		editorial: EditorialVerdict | undefined;
	} => {
		const override = overrides.get(id);
		if (override) {
			usedOverrides.add(id);
			return {
				classification: override.classification,
				classificationSource: 'override',
				reason: override.reason,
				editorial: undefined,
			};
		}
		return {
			classification: rule.classification,
			classificationSource: rule.source,
			reason: rule.reason,
			editorial: rule.editorial,
		};
	};

	// Moves: a different container, or a different order among siblings that stayed.
	const clauseContainer = (id: string, side: 'from' | 'to') => (side === 'from' ? a : b).clauses.get(id)?.container;
	const clausesReordered = reordered(a.clauseChildren, b.clauseChildren, clauseContainer);
	const structureContainer = (id: string, side: 'from' | 'to') =>
		(side === 'from' ? a : b).structures.get(id)?.container;
	const structuresReordered = reordered(a.sectionChildren, b.sectionChildren, structureContainer);

	// Clause changes.
	const clauseChanges = new Map<string, ClauseChange>();
	for (const id of new Set([...a.clauses.keys(), ...b.clauses.keys()])) {
		const old = a.clauses.get(id);
		const now = b.clauses.get(id);
		const before = old?.snapshot;
		const after = now?.snapshot;
		const granularity = diffGranularity(
			`${before?.title ?? ''}${before?.text ?? ''}${after?.title ?? ''}${after?.text ?? ''}`,
		);
		const segments = diffSegments(before?.text ?? '', after?.text ?? '', granularity);
		const titleSegments =
			before?.title !== after?.title ? diffSegments(before?.title ?? '', after?.title ?? '', granularity) : undefined;
		const change: ClauseChange = {
			id,
			kind: 'unchanged',
			reworded: false,
			moved: false,
			renumbered: false,
			before,
			after,
			segments,
			titleSegments,
			granularity,
			classification: undefined,
			classificationSource: undefined,
			reason: undefined,
			editorial: undefined,
		};
		if (!before || !after) {
			change.kind = before ? 'removed' : 'added';
			Object.assign(
				change,
				classify(id, {
					classification: 'substantive',
					source: 'rule',
					reason: before ? 'clause removed' : 'clause added',
				}),
			);
		} else {
			change.reworded = before.text !== after.text || before.title !== after.title;
			change.moved =
				old!.container !== now!.container ||
				before.chapterId !== after.chapterId ||
				before.sectionId !== after.sectionId ||
				clausesReordered.has(id);
			change.renumbered = before.number !== after.number;
			change.kind = change.reworded
				? 'reworded'
				: change.moved
					? 'moved'
					: change.renumbered
						? 'renumbered'
						: 'unchanged';
			if (change.moved) {
				Object.assign(
					change,
					classify(id, {
						classification: 'substantive',
						source: 'rule',
						reason: change.reworded ? 'clause moved and reworded' : 'clause moved',
					}),
				);
			} else if (change.reworded) {
				const pairs: [string, string][] = [
					[before.text, after.text],
					[before.title ?? '', after.title ?? ''],
				];
				Object.assign(change, classify(id, rewordRule(pairs, substitutions, 'wording changed')));
			} else if (change.renumbered && overrides.has(id)) {
				Object.assign(change, classify(id, { classification: 'editorial', source: 'rule', reason: '' }));
			} else if (change.renumbered) {
				// Numbers derive from position: a clause that only shows another number has not changed.
				change.reason = 'displayed number changed only (no change)';
			}
		}
		clauseChanges.set(id, change);
	}

	// Chapter and section changes.
	const structureChanges = new Map<string, StructureChange>();
	for (const id of new Set([...a.structures.keys(), ...b.structures.keys()])) {
		const old = a.structures.get(id);
		const now = b.structures.get(id);
		const type = (old ?? now)!.type;
		const before = old?.snapshot;
		const after = now?.snapshot;
		// Titles compare as a reader reads them: spacing and full/half-width forms are no change.
		const retitled = !!before && !!after && !sameHeading(before.title, after.title);
		const moved = !!old && !!now && (old.container !== now.container || structuresReordered.has(id));
		const renumbered = !!before && !!after && before.number !== after.number;
		const kind: StructureChangeKind | undefined = !before
			? 'added'
			: !after
				? 'removed'
				: retitled
					? 'retitled'
					: moved
						? 'moved'
						: renumbered
							? 'renumbered'
							: undefined;
		if (!kind) continue;
		const name = type === 'chapter' ? 'chapter' : 'section';
		const rule =
			kind === 'added' || kind === 'removed'
				? { classification: 'substantive' as const, source: 'rule' as const, reason: `${name} ${kind}` }
				: moved
					? { classification: 'substantive' as const, source: 'rule' as const, reason: `${name} moved` }
					: retitled
						? rewordRule([[before!.title, after!.title]], substitutions, `${name} retitled`)
						: {
								classification: 'editorial' as const,
								source: 'rule' as const,
								reason: 'displayed number changed only',
							};
		structureChanges.set(id, {
			type,
			id,
			kind,
			retitled,
			moved,
			renumbered,
			before,
			after,
			titleSegments: diffSegments(before?.title ?? '', after?.title ?? ''),
			...classify(id, rule),
		});
	}

	const outline = mergedOutline(to, a, b);
	const order: string[] = [];
	const flatten = (nodes: readonly RedlineNode[]) => {
		for (const node of nodes) {
			order.push(node.id);
			flatten(node.children);
		}
	};
	flatten(outline);

	const changes = order.flatMap((id) => clauseChanges.get(id) ?? []);
	const structure = order.flatMap((id) => structureChanges.get(id) ?? []);

	const summary: RedlineSummary = {
		clauses: emptyCounts(clauseKinds),
		clauseFlags: { reworded: 0, moved: 0, renumbered: 0 },
		structure: emptyCounts(structureKinds),
	};
	for (const change of changes) {
		summary.clauses.byKind[change.kind] += 1;
		if (change.classification) summary.clauses.byClassification[change.classification] += 1;
		if (change.reworded) summary.clauseFlags.reworded += 1;
		if (change.moved) summary.clauseFlags.moved += 1;
		if (change.renumbered) summary.clauseFlags.renumbered += 1;
	}
	for (const change of structure) {
		summary.structure.byKind[change.kind] += 1;
		summary.structure.byClassification[change.classification] += 1;
	}

	const gainedClausesByChapter: Record<string, string[]> = {};
	for (const { chapter } of to.chapters) gainedClausesByChapter[chapter.id] = [];
	for (const change of changes) {
		if (change.after && change.before?.chapterId !== change.after.chapterId) {
			gainedClausesByChapter[change.after.chapterId]!.push(change.id);
		}
	}

	return {
		changes,
		structure,
		outline,
		summary,
		substantiveClauseIds: changes.filter((c) => c.classification === 'substantive').map((c) => c.id),
		gainedClausesByChapter,
		unusedOverrides: [...overrides.keys()].filter((id) => !usedOverrides.has(id)),
	};
}

/**
 * The `to` tree with removed chapters, sections and clauses put back where
 * they were: after their nearest earlier sibling that is in the same container
 * here, or at the start of their old container.
 */
function mergedOutline(to: RedlineInput, a: VersionIndex, b: VersionIndex): RedlineNode[] {
	const root: RedlineNode = { type: 'chapter', id: '', children: [] };
	const nodes = new Map<string, RedlineNode>([['', root]]);
	const clauseNode = (clause: Clause): RedlineNode => {
		const node: RedlineNode = { type: 'clause', id: clause.id, children: clause.items.map(clauseNode) };
		nodes.set(clause.id, node);
		return node;
	};
	for (const { chapter } of to.chapters) {
		const sections = chapter.sections.map((section) => {
			const node: RedlineNode = { type: 'section', id: section.id, children: section.clauses.map(clauseNode) };
			nodes.set(section.id, node);
			return node;
		});
		const node: RedlineNode = {
			type: 'chapter',
			id: chapter.id,
			children: [...chapter.clauses.map(clauseNode), ...sections],
		};
		nodes.set(chapter.id, node);
		root.children.push(node);
	}
	// `a.order` is pre-order, so a removed container is placed before its removed children.
	for (const id of a.order) {
		if (b.clauses.has(id) || b.structures.has(id)) continue;
		const clause = a.clauses.get(id);
		const structure = a.structures.get(id);
		const type = clause ? 'clause' : structure!.type;
		const container = clause ? clause.container : structure!.container;
		const siblings = (clause ? a.clauseChildren : a.sectionChildren).get(container) ?? [];
		const parent = nodes.get(container) ?? root;
		const node: RedlineNode = { type, id, children: [] };
		nodes.set(id, node);
		let at = -1;
		for (let i = siblings.indexOf(id) - 1; i >= 0 && at === -1; i--) {
			const found = parent.children.findIndex((child) => child.id === siblings[i]);
			if (found !== -1) at = found + 1;
		}
		if (at === -1) {
			// The start of the old container; in a chapter, sections start after its own clauses.
			at = type === 'section' ? parent.children.filter((child) => child.type === 'clause').length : 0;
		}
		parent.children.splice(at, 0, node);
	}
	return root.children;
}
