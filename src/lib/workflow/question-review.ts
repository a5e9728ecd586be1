/**
 * Revisions reach the quiz and the training: for a version in draft or review, every quiz question and
 * every in-chapter knowledge check that cites a clause changed substantively (or removed) since the
 * version it was last reviewed for. Such an item blocks approval until it is edited or confirmed still
 * correct (`reviewedFor: <this version>`).
 *
 * The version an item was last reviewed for:
 * - a quiz question: its `reviewedFor`, else the latest of the bank's `versions` before this one, else
 *   the version this one revises;
 * - a knowledge check: its `reviewedFor`, else the version this one revises. A check that differs from
 *   every check of that version was edited in this revision: it counts as reviewed.
 *
 * Changes come from the redline (src/lib/diff/redline.ts), so editorial changes (and classification
 * overrides) never ask for a review.
 */
import { walkClauses } from '../content/clause-tree.ts';
import { compareVersions, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { compareVersionTrees, type Redline } from '../diff/redline.ts';
import type { Quiz } from '../quiz/schema.ts';
import { knowledgeChecksOf, type KnowledgeCheckRef } from '../training/knowledge-checks.ts';

export interface ChangedClause {
	id: string;
	/** The number it showed in the version the item was reviewed for (undefined for unnumbered clauses). */
	number: string | undefined;
	change: 'substantive' | 'removed';
}

export type ReviewState = 'needs review' | 'confirmed' | 'edited';

export interface ReviewItem {
	kind: 'quiz-question' | 'knowledge-check';
	/** Quiz questions: the bank and the question id. */
	quiz?: string;
	question?: string;
	/** Knowledge checks: where the check stands. */
	file?: string;
	line?: number;
	/** The question's prompt or the check's question. */
	prompt: string;
	/** The version the changes are counted from. */
	since: string;
	reviewedFor: string | undefined;
	state: ReviewState;
	clauses: ChangedClause[];
}

/** The version a draft revises: the latest before it. */
export function previousVersion(policy: LoadedPolicy, version: LoadedVersion): LoadedVersion | undefined {
	return policy.versions.filter((v) => compareVersions(v.meta.version, version.meta.version) < 0).at(-1);
}

function chapterClauses(version: LoadedVersion, chapterId: string): string[] {
	const chapter = version.chapters.find((c) => c.chapter.id === chapterId)?.chapter;
	return chapter ? [...walkClauses(chapter)].map(({ clause }) => clause.id) : [];
}

/** Every quiz question and knowledge check of `policy` whose cited clauses changed substantively up to `version`. */
export function questionsToReview(
	policy: LoadedPolicy,
	version: LoadedVersion,
	quizzes: readonly Quiz[],
	checksOf: (version: LoadedVersion) => KnowledgeCheckRef[] = knowledgeChecksOf,
): ReviewItem[] {
	const previous = previousVersion(policy, version);
	if (!previous) return [];
	const target = version.meta.version;
	const redlines = new Map<string, Redline>();
	const changedSince = (from: string, cites: readonly string[]): ChangedClause[] => {
		const base = policy.versions.find((v) => v.meta.version === from) ?? previous;
		if (compareVersions(base.meta.version, target) >= 0) return [];
		let redline = redlines.get(base.meta.version);
		if (!redline) redlines.set(base.meta.version, (redline = compareVersionTrees(base, version)));
		const substantive = new Set(redline.substantiveClauseIds);
		return cites
			.filter((id) => substantive.has(id))
			.map((id) => {
				const change = redline.changes.find((c) => c.id === id)!;
				return {
					id,
					number: change.before?.number,
					change: change.kind === 'removed' ? ('removed' as const) : ('substantive' as const),
				};
			});
	};
	const item = (
		base: Omit<ReviewItem, 'state' | 'clauses' | 'since'>,
		defaultSince: string,
		edited: boolean,
		cites: readonly string[],
	): ReviewItem | undefined => {
		const reviewed = base.reviewedFor && compareVersions(base.reviewedFor, target) >= 0;
		const since = base.reviewedFor && !reviewed ? base.reviewedFor : defaultSince;
		const clauses = changedSince(since, cites);
		if (!clauses.length) return undefined;
		const state: ReviewState = edited ? 'edited' : reviewed ? 'confirmed' : 'needs review';
		return { ...base, since, state, clauses };
	};

	const items: ReviewItem[] = [];
	for (const quiz of quizzes.filter((q) => q.policy === policy.id)) {
		const written = [...quiz.versions].filter((v) => compareVersions(v, target) < 0).sort(compareVersions);
		const defaultSince = written.at(-1) ?? previous.meta.version;
		for (const q of quiz.questions) {
			const found = item(
				{ kind: 'quiz-question', quiz: quiz.id, question: q.id, prompt: q.prompt, reviewedFor: q.reviewedFor },
				defaultSince,
				false,
				q.cites,
			);
			if (found) items.push(found);
		}
	}
	const before = new Set(checksOf(previous).map((c) => c.identity));
	for (const check of checksOf(version)) {
		const cites = check.cites.length ? check.cites : chapterClauses(version, check.chapterId);
		const found = item(
			{
				kind: 'knowledge-check',
				file: check.file,
				line: check.line,
				prompt: check.question,
				reviewedFor: check.reviewedFor,
			},
			previous.meta.version,
			!before.has(check.identity),
			// An uncited check tests its chapter: a removed clause of that chapter counts too.
			check.cites.length ? cites : [...new Set([...cites, ...chapterClauses(previous, check.chapterId)])],
		);
		if (found) items.push(found);
	}
	return items;
}

const clauseList = (clauses: readonly ChangedClause[]) =>
	clauses
		.map((c) => `${c.id}${c.number ? ` (${c.number})` : ''}${c.change === 'removed' ? ' removed' : ''}`)
		.join(', ');

/** One line naming the item, the clauses and what to do. */
export function describeReview(item: ReviewItem, target: string): string {
	const what =
		item.kind === 'quiz-question'
			? `quiz ${item.quiz} question ${item.question}`
			: `knowledge check ${item.file}:${item.line} 「${item.prompt}」`;
	const changed = `cites ${clauseList(item.clauses)}, changed substantively since ${item.since}`;
	if (item.state === 'confirmed') return `${what} ${changed}: confirmed (reviewedFor ${item.reviewedFor})`;
	if (item.state === 'edited') return `${what} ${changed}: edited in ${target}`;
	const how =
		item.kind === 'quiz-question' ? `reviewedFor: "${target}" on the question` : `reviewedFor="${target}" on the check`;
	return `${what} ${changed}: edit it, or confirm it is still correct with ${how}`;
}
