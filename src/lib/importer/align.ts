/**
 * Aligns a freshly imported revision with the previous version of the same
 * policy, so every clause keeps its id: permalinks, quiz citations and
 * certification history go on meaning the same clause.
 *
 * Method. Clauses are compared by text similarity (Dice coefficient over
 * character bigrams, after the editorial canonical form: whitespace,
 * punctuation, width, reviewed character forms and declared substitutions do
 * not count). The top-level clauses of both versions, in reading order, are
 * aligned by a weighted longest common subsequence (dynamic programming: the
 * in-order matching with the largest total similarity, pairs below
 * MATCH_THRESHOLD not allowed). What is left on both sides is then paired
 * greedily, best similarity first, above MOVE_THRESHOLD: those are moves.
 * Items of matched clauses are aligned the same way, inside their clause.
 * Chapters and sections keep the id of the old chapter (section) most of
 * their clauses came from, or whose title reads the same.
 *
 * Inserted clauses, sections and chapters get fresh ids, never used by any
 * version of the policy (a letter suffix when the positional id is taken).
 */
import { partsToText, type Chapter, type Clause, type Section } from '../content/clause-tree.ts';
import { sameHeading, type Substitution } from '../diff/editorial.ts';
import { applyReviewedFixes } from '../lint/character-forms.ts';

/** Pairs below this similarity are never matched in order. */
export const MATCH_THRESHOLD = 0.5;
/** Out-of-order (moved) pairs need more. */
export const MOVE_THRESHOLD = 0.6;
/** Matches below this similarity are reported for a person to check. */
export const CONFIDENT = 0.75;

export interface AlignedClause {
	id: string;
	similarity: number;
}

export interface AlignmentReport {
	/** The version aligned with. */
	against: string;
	/** Same id, same text. */
	kept: string[];
	/** Same id, text changed (the redline says whether editorially). */
	reworded: AlignedClause[];
	/** Same id, now in another chapter, section or parent, or out of order. */
	moved: (AlignedClause & { from: string; to: string })[];
	/** Fresh ids. */
	inserted: string[];
	/** Ids of the previous version with no counterpart. */
	removed: string[];
	/** Matches worth a look: similarity below CONFIDENT. */
	lowConfidence: (AlignedClause & { before: string; after: string })[];
	chapters: { kept: string[]; inserted: string[]; removed: string[] };
	sections: { kept: string[]; inserted: string[]; removed: string[] };
}

// ---------------------------------------------------------------------------
// Similarity

const commas = /[、，,﹐﹑]/g;

/** The text as compared: editorial differences removed. */
export function comparable(text: string, substitutions: readonly Substitution[] = [], old = false): string {
	let t = text;
	if (old) for (const s of substitutions) t = t.split(s.from).join(s.to);
	return applyReviewedFixes(t.normalize('NFKC'))
		.replace(commas, '')
		.replace(/[\p{P}\p{S}\s]+/gu, '')
		.toLowerCase();
}

type Bigrams = Map<string, number>;

function bigrams(text: string): Bigrams {
	const chars = Array.from(text);
	const grams: Bigrams = new Map();
	if (chars.length === 1) grams.set(chars[0]!, 1);
	for (let i = 0; i + 1 < chars.length; i++) {
		const g = chars[i]! + chars[i + 1]!;
		grams.set(g, (grams.get(g) ?? 0) + 1);
	}
	return grams;
}

function size(grams: Bigrams): number {
	let n = 0;
	for (const v of grams.values()) n += v;
	return n;
}

/** Dice coefficient over character bigrams (multiset), 1 for equal texts. */
export function dice(a: Bigrams, b: Bigrams): number {
	const total = size(a) + size(b);
	if (total === 0) return 1;
	let common = 0;
	for (const [g, n] of a) common += Math.min(n, b.get(g) ?? 0);
	return (2 * common) / total;
}

// ---------------------------------------------------------------------------
// Sequence alignment

interface Entry {
	clause: Clause;
	/** Container id (chapter, section or parent clause) in its own version. */
	container: string;
	/** Own text and title, comparable. */
	key: string;
	grams: Bigrams;
}

/** Weighted LCS then greedy leftovers; returns pairs [oldIndex, newIndex, similarity, inOrder]. */
function alignSequences(old: readonly Entry[], now: readonly Entry[]): [number, number, number, boolean][] {
	const n = old.length;
	const m = now.length;
	const sim: number[][] = old.map((o) => now.map((c) => (o.key === c.key ? 1 : dice(o.grams, c.grams))));
	// best[i][j]: best total over old[i..], now[j..].
	const best: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			const s = sim[i]![j]!;
			const take = s >= MATCH_THRESHOLD ? s + best[i + 1]![j + 1]! : -1;
			best[i]![j] = Math.max(take, best[i + 1]![j]!, best[i]![j + 1]!);
		}
	}
	const pairs: [number, number, number, boolean][] = [];
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		const s = sim[i]![j]!;
		if (s >= MATCH_THRESHOLD && best[i]![j] === s + best[i + 1]![j + 1]!) {
			pairs.push([i, j, s, true]);
			i++;
			j++;
		} else if (best[i]![j] === best[i + 1]![j]!) i++;
		else j++;
	}
	const usedOld = new Set(pairs.map((p) => p[0]));
	const usedNew = new Set(pairs.map((p) => p[1]));
	const candidates: [number, number, number][] = [];
	for (let a = 0; a < n; a++) {
		if (usedOld.has(a)) continue;
		for (let b = 0; b < m; b++) {
			if (usedNew.has(b)) continue;
			if (sim[a]![b]! >= MOVE_THRESHOLD) candidates.push([a, b, sim[a]![b]!]);
		}
	}
	candidates.sort((x, y) => y[2] - x[2] || x[0] - y[0]);
	for (const [a, b, s] of candidates) {
		if (usedOld.has(a) || usedNew.has(b)) continue;
		usedOld.add(a);
		usedNew.add(b);
		pairs.push([a, b, s, false]);
	}
	return pairs;
}

// ---------------------------------------------------------------------------
// The alignment

export interface AlignInput {
	/** The previous version's chapters (the one aligned with). */
	previous: readonly Chapter[];
	previousVersion: string;
	/** Every chapter, section and clause id any version of the policy has used. */
	usedIds: ReadonlySet<string>;
	/** The imported revision, with positional ids. */
	incoming: readonly Chapter[];
	substitutions?: readonly Substitution[];
}

const fullText = (clause: Clause): string =>
	[clause.title ?? '', partsToText(clause.parts), ...clause.items.map(fullText)].join('\n');

export function alignWithPrevious(input: AlignInput): { chapters: Chapter[]; report: AlignmentReport } {
	const substitutions = input.substitutions ?? [];
	const taken = new Set(input.usedIds);
	const report: AlignmentReport = {
		against: input.previousVersion,
		kept: [],
		reworded: [],
		moved: [],
		inserted: [],
		removed: [],
		lowConfidence: [],
		chapters: { kept: [], inserted: [], removed: [] },
		sections: { kept: [], inserted: [], removed: [] },
	};

	const entry = (clause: Clause, container: string, old: boolean): Entry => {
		const key = comparable(fullText(clause), substitutions, old);
		return { clause, container, key, grams: bigrams(key) };
	};
	const topLevel = (chapters: readonly Chapter[], old: boolean): Entry[] =>
		chapters.flatMap((chapter) => [
			...chapter.clauses.map((c) => entry(c, chapter.id, old)),
			...chapter.sections.flatMap((s) => s.clauses.map((c) => entry(c, s.id, old))),
		]);

	// New clause object → the old clause it continues.
	const matchOf = new Map<Clause, { old: Clause; oldContainer: string; similarity: number; inOrder: boolean }>();
	const matchItems = (old: readonly Entry[], now: readonly Entry[]) => {
		for (const [a, b, similarity, inOrder] of alignSequences(old, now)) {
			const o = old[a]!;
			const c = now[b]!;
			matchOf.set(c.clause, { old: o.clause, oldContainer: o.container, similarity, inOrder });
			matchItems(
				o.clause.items.map((x) => entry(x, o.clause.id, true)),
				c.clause.items.map((x) => entry(x, '', false)),
			);
		}
	};
	matchItems(topLevel(input.previous, true), topLevel(input.incoming, false));

	// Chapters and sections: the old one most of their matched clauses came from, else a title that reads the same.
	const oldChapterOfClause = new Map<Clause, string>();
	const oldSectionOfClause = new Map<Clause, string>();
	for (const chapter of input.previous) {
		for (const c of chapter.clauses) oldChapterOfClause.set(c, chapter.id);
		for (const s of chapter.sections)
			for (const c of s.clauses) {
				oldChapterOfClause.set(c, chapter.id);
				oldSectionOfClause.set(c, s.id);
			}
	}
	const vote = (clauses: readonly Clause[], of: Map<Clause, string>): Map<string, number> => {
		const votes = new Map<string, number>();
		for (const c of clauses) {
			const old = matchOf.get(c)?.old;
			const id = old && of.get(old);
			if (id) votes.set(id, (votes.get(id) ?? 0) + 1);
		}
		return votes;
	};
	const pick = <T extends { id: string; title: string }>(
		candidates: readonly T[],
		votes: Map<string, number>,
		title: string,
		used: Set<string>,
	): T | undefined => {
		let best: T | undefined;
		let score = 0;
		for (const candidate of candidates) {
			if (used.has(candidate.id)) continue;
			const s = (votes.get(candidate.id) ?? 0) + (sameHeading(candidate.title, title) ? 0.5 : 0);
			if (s > score) {
				score = s;
				best = candidate;
			}
		}
		return best;
	};

	const fresh = (base: string): string => {
		let id = base;
		for (let k = 0; taken.has(id); k++)
			id = `${base}${String.fromCharCode(97 + (k % 26))}${k >= 26 ? Math.floor(k / 26) : ''}`;
		taken.add(id);
		return id;
	};
	const claim = (id: string) => taken.add(id);

	const oldSections = input.previous.flatMap((c) => c.sections);
	const usedChapters = new Set<string>();
	const usedSections = new Set<string>();
	const chapters: Chapter[] = [];

	const clauseOut = (clause: Clause, prefix: string, position: number, container: string): Clause => {
		const match = matchOf.get(clause);
		let id: string;
		if (match) {
			id = match.old.id;
			claim(id);
			const oldOwn = `${match.old.title ?? ''}${match.old.titleSeparator ?? ''}${partsToText(match.old.parts)}`;
			const newOwn = `${clause.title ?? ''}${clause.titleSeparator ?? ''}${partsToText(clause.parts)}`;
			const aligned = { id, similarity: Math.round(match.similarity * 1000) / 1000 };
			if (!match.inOrder || match.oldContainer !== container)
				report.moved.push({ ...aligned, from: match.oldContainer, to: container });
			else if (oldOwn === newOwn && match.old.unnumbered === clause.unnumbered) report.kept.push(id);
			else report.reworded.push(aligned);
			if (match.similarity < CONFIDENT)
				report.lowConfidence.push({ ...aligned, before: oldOwn.slice(0, 60), after: newOwn.slice(0, 60) });
		} else {
			id = fresh(`${prefix}-${position}`);
			report.inserted.push(id);
		}
		const items = clause.items.map((item, k) => clauseOut(item, id, k + 1, id));
		return { ...clause, id, items };
	};

	input.incoming.forEach((chapter, ci) => {
		const allClauses = [...chapter.clauses, ...chapter.sections.flatMap((s) => s.clauses)];
		const oldChapter = pick(input.previous, vote(allClauses, oldChapterOfClause), chapter.title, usedChapters);
		let chapterId: string;
		if (oldChapter) {
			chapterId = oldChapter.id;
			usedChapters.add(chapterId);
			claim(chapterId);
			report.chapters.kept.push(chapterId);
		} else {
			chapterId = fresh(`ch-${ci + 1}`);
			report.chapters.inserted.push(chapterId);
		}
		const chapterKey = chapterId.replace(/^ch-/, '');
		const sections: Section[] = chapter.sections.map((section, si) => {
			const oldSection = pick(oldSections, vote(section.clauses, oldSectionOfClause), section.title, usedSections);
			let sectionId: string;
			if (oldSection) {
				sectionId = oldSection.id;
				usedSections.add(sectionId);
				claim(sectionId);
				report.sections.kept.push(sectionId);
			} else {
				sectionId = fresh(`s-${chapterKey}-${si + 1}`);
				report.sections.inserted.push(sectionId);
			}
			return { ...section, id: sectionId, clauses: [] };
		});
		// Clauses after their containers have ids, so fresh clause ids follow the container.
		const clauses = chapter.clauses.map((c, k) => clauseOut(c, `c-${chapterKey}-0`, k + 1, chapterId));
		chapter.sections.forEach((section, si) => {
			const out = sections[si]!;
			const sectionKey = out.id.replace(/^s-/, '');
			out.clauses = section.clauses.map((c, k) => clauseOut(c, `c-${sectionKey}`, k + 1, out.id));
		});
		chapters.push({ ...chapter, id: chapterId, clauses, sections });
	});

	// What the previous version had and the revision does not.
	const matchedOld = new Set([...matchOf.values()].map((m) => m.old.id));
	const collectRemoved = (clauses: readonly Clause[]) => {
		for (const c of clauses) {
			if (!matchedOld.has(c.id)) report.removed.push(c.id);
			collectRemoved(c.items);
		}
	};
	for (const chapter of input.previous) {
		if (!usedChapters.has(chapter.id)) report.chapters.removed.push(chapter.id);
		collectRemoved(chapter.clauses);
		for (const s of chapter.sections) {
			if (!usedSections.has(s.id)) report.sections.removed.push(s.id);
			collectRemoved(s.clauses);
		}
	}
	return { chapters, report };
}

/** The report as lines for the terminal. */
export function formatAlignment(report: AlignmentReport): string {
	const lines = [
		`Aligned with ${report.against}: ${report.kept.length} kept, ${report.reworded.length} reworded, ${report.moved.length} moved, ${report.inserted.length} inserted, ${report.removed.length} removed.`,
	];
	const list = (label: string, ids: readonly string[]) => {
		if (ids.length) lines.push(`  ${label}: ${ids.join(' ')}`);
	};
	list(
		'reworded',
		report.reworded.map((r) => r.id),
	);
	list(
		'moved',
		report.moved.map((m) => `${m.id} (${m.from} → ${m.to})`),
	);
	list('inserted (fresh ids)', report.inserted);
	list('removed', report.removed);
	list('chapters inserted', report.chapters.inserted);
	list('chapters removed', report.chapters.removed);
	list('sections inserted', report.sections.inserted);
	list('sections removed', report.sections.removed);
	if (report.lowConfidence.length) {
		lines.push(`Low-confidence matches (check them):`);
		for (const l of report.lowConfidence)
			lines.push(`  ${l.id} (similarity ${l.similarity}): 「${l.before}」 → 「${l.after}」`);
	}
	return lines.join('\n');
}
