/**
 * View-models of HR's policy pages: the list of policies with their versions and periodic reviews, and a
 * draft as the clause editor shows it (one chapter at a time, each clause with its number, title, text,
 * lint findings and redline against the version in force, beside the questions that cite changed clauses).
 * Ids travel in hidden fields only; people see numbers and titles.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { timeline } from '../catalog/index.ts';
import { clauseText, walkClauses, type Clause, type TextPart } from '../content/clause-tree.ts';
import { loadContent, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { compareVersionTrees, isRealChange, type ClauseChange, type Redline } from '../diff/redline.ts';
import { lintContent, type LintFinding } from '../lint/lint.ts';
import { reviewsDue, versionReviews, versionBlockers, type Blocker } from '../workflow/workflow.ts';
import type { ReviewItem } from '../workflow/question-review.ts';
import type { VersionState } from '../versions.ts';
import {
	draftRevision,
	findLoadedVersion,
	lastCommit,
	loadOnePolicy,
	versionHistory,
	type CmsOptions,
} from './drafts.ts';
import type { ContentCommit } from './git.ts';
import type { MessageKey, Translate } from '../i18n/index.ts';
import type { ClauseMoveTarget } from './form-edits.ts';

export interface PolicyListVersion {
	version: string;
	status: string;
	state: VersionState;
	effective: string | undefined;
	approvedBy: string | undefined;
}

export interface PolicyListEntry {
	id: string;
	title: string;
	documentNumber: string | undefined;
	versions: PolicyListVersion[];
	draft: string | undefined;
	inReview: string | undefined;
	inForce: string | undefined;
	reviewDue: string | undefined;
	reviewState: string;
	canRevise: boolean;
}

export interface PolicyListView {
	policies: PolicyListEntry[];
	/** Policy folders that do not load, with why. */
	problems: string[];
}

export function policyListView(options: CmsOptions): PolicyListView {
	const result = loadContent({ policiesDir: options.policiesDir, root: options.root });
	const due = new Map(reviewsDue(options).map((r) => [r.policy, r]));
	const policies = result.policies.map((policy): PolicyListEntry => {
		const line = timeline(policy, options.today, { preview: true });
		const versions = line.versions.map((v) => ({
			version: v.number,
			status: v.loaded.meta.status,
			state: v.state,
			effective: v.loaded.meta.effective,
			approvedBy: v.loaded.meta.approval?.by,
		}));
		const draft = versions.find((v) => v.status === 'draft')?.version;
		const inReview = versions.filter((v) => v.status === 'in-review').at(-1)?.version;
		const review = due.get(policy.id);
		return {
			id: policy.id,
			title: policy.meta.title,
			documentNumber: policy.meta.documentNumber,
			versions: versions.reverse(),
			draft,
			inReview,
			inForce: line.inForce?.number,
			reviewDue: review?.due,
			reviewState: review?.state ?? 'no review cycle set',
			canRevise: !draft && versions.some((v) => v.status !== 'draft'),
		};
	});
	return { policies, problems: result.errors.map((e) => `${e.file}:${e.field}: ${e.reason}`) };
}

/** A version's state in the UI language. */
export const versionStateLabel = (t: Translate, state: string) =>
	t(`state_${state.replace('-', '_')}` as 'state_draft');

/** A policy's periodic review state (workflow.ts reviewsDue) in the UI language. */
export function reviewStateLabel(t: Translate, state: string): string {
	const labels: Record<string, MessageKey> = {
		overdue: 'cmsReviewOverdue',
		due: 'cmsReviewDue',
		'not due': 'cmsReviewNotDue',
		'no review cycle set': 'cmsReviewNoCycle',
		'no version in force': 'cmsReviewNoVersion',
	};
	return labels[state] ? t(labels[state]) : state;
}

// ---------------------------------------------------------------------------
// the editor

export interface EditorClause {
	/** Hidden-field key only: never shown. */
	key: string;
	number: string | undefined;
	title: string | undefined;
	/** The text with template blanks as `[label]` tokens. */
	text: string;
	parts: TextPart[];
	depth: number;
	unnumbered: boolean;
	hasItems: boolean;
	first: boolean;
	last: boolean;
	lint: LintFinding[];
	change: ClauseChange | undefined;
	/** Reviewers' comments on this clause (filled in by the page from the store). */
	comments?: { author: string; at: string; body: string }[];
}

/** What a section and a chapter of the editor share: where they stand and what they are called. */
interface EditorPart {
	key: string;
	number: string | undefined;
	title: string;
	first: boolean;
	last: boolean;
}

export interface EditorSection extends EditorPart {
	clauses: EditorClause[];
}

export interface EditorChapter extends EditorPart {
	/** Clauses standing in the chapter before its sections. */
	clauses: EditorClause[];
	sections: EditorSection[];
	/** Changes of this chapter's clauses that the redline shows (removed ones included). */
	changes: ClauseChange[];
}

/** A place "move to…" offers, with what it shows: the chapter, and the section (none: before the sections). */
export interface EditorMoveTarget extends ClauseMoveTarget {
	/** The chapter's key: the page shows that chapter after the move. */
	chapterKey: string;
	chapter: string;
	section: string | undefined;
}

export interface EditorView {
	policyId: string;
	title: string;
	language: string;
	version: string;
	status: string;
	against: string | undefined;
	revision: string;
	since: string | undefined;
	chapters: { key: string; number: string | undefined; title: string; changed: number }[];
	chapter: EditorChapter | undefined;
	/** Every section of the draft (all chapters) a clause can be moved to. */
	moveTargets: EditorMoveTarget[];
	changeSummary: string[];
	substitutions: { from: string; to: string; reason: string }[];
	reviews: ReviewItem[];
	blockers: Blocker[];
	/** Findings not at a clause (the version's files, policy.yaml). */
	otherLint: LintFinding[];
	history: ContentCommit[];
	submittedHash: string | undefined;
	summary: { substantive: number; editorial: number };
}

/** The version a draft is compared with: the one in force today, else the latest approved before it. */
export function baseVersion(policy: LoadedPolicy, version: LoadedVersion, today: string): LoadedVersion | undefined {
	const inForce = timeline(policy, today).inForce?.loaded;
	if (inForce && inForce !== version) return inForce;
	return policy.versions.filter((v) => v !== version && v.meta.status === 'approved').at(-1);
}

export function editorView(
	options: CmsOptions,
	policyId: string,
	versionNumber: string,
	chapterKey?: string,
): EditorView {
	const policy = loadOnePolicy(options, policyId);
	const version = findLoadedVersion(policy, versionNumber);
	const base = baseVersion(policy, version, options.today);
	const redline: Redline | undefined = base ? compareVersionTrees(base, version) : undefined;
	const changeOf = new Map((redline?.changes ?? []).map((c) => [c.id, c]));
	const findings = lintContent({ policies: [policy], errors: [] }, { root: options.root }).findings.filter((f) =>
		f.file.startsWith(version.dir.slice(options.root.length + 1)),
	);
	const lintOf = (id: string) => findings.filter((f) => f.field === id || f.field.startsWith(`${id}.`));
	const clauseIdsAll = new Set(
		version.chapters.flatMap(({ chapter }) => [...walkClauses(chapter)].map((v) => v.clause.id)),
	);
	const otherLint = findings.filter((f) => !clauseIdsAll.has(f.field.split('.')[0]!));
	const result = { policies: [policy], errors: [] };

	const chapterLoaded = version.chapters.find((c) => c.chapter.id === chapterKey) ?? version.chapters[0];
	const clauseView = (clauses: Clause[], depth: number): EditorClause[] =>
		clauses.flatMap((clause, i) => [
			{
				key: clause.id,
				number: version.numbers.clauses.get(clause.id),
				title: clause.title,
				text: clauseText(clause),
				parts: clause.parts,
				depth,
				unnumbered: clause.unnumbered,
				hasItems: clause.items.length > 0,
				first: i === 0,
				last: i === clauses.length - 1,
				lint: lintOf(clause.id),
				change: changeOf.get(clause.id),
			},
			...clauseView(clause.items, depth + 1),
		]);
	let chapter: EditorChapter | undefined;
	if (chapterLoaded) {
		const c = chapterLoaded.chapter;
		const ids = new Set([...walkClauses(c)].map((v) => v.clause.id));
		const index = version.chapters.indexOf(chapterLoaded);
		/** Where a chapter or section stands among its siblings, and what it is called. */
		const part = (p: { id: string; title: string }, numbers: Map<string, string>, i: number, count: number) => ({
			key: p.id,
			number: numbers.get(p.id),
			title: p.title,
			first: i === 0,
			last: i === count - 1,
		});
		chapter = {
			...part(c, version.numbers.chapters, index, version.chapters.length),
			clauses: clauseView(c.clauses, 0),
			sections: c.sections.map((s, i) => ({
				...part(s, version.numbers.sections, i, c.sections.length),
				clauses: clauseView(s.clauses, 0),
			})),
			changes: (redline?.changes ?? []).filter(
				(ch) => isRealChange(ch) && (ids.has(ch.id) || (ch.kind === 'removed' && ch.before?.chapterId === c.id)),
			),
		};
	}
	const real = (redline?.changes ?? []).filter(isRealChange);
	return {
		policyId,
		title: policy.meta.title,
		language: policy.meta.language,
		version: versionNumber,
		status: version.meta.status,
		against: base?.meta.version,
		revision: draftRevision(version.dir),
		since: lastCommit(options, version.dir),
		chapters: version.chapters.map(({ chapter: c }) => {
			const ids = new Set([...walkClauses(c)].map((v) => v.clause.id));
			return {
				key: c.id,
				number: version.numbers.chapters.get(c.id),
				title: c.title,
				changed: real.filter((ch) => ids.has(ch.id)).length,
			};
		}),
		chapter,
		moveTargets: clauseMoveTargets(version),
		changeSummary: version.meta.changeSummary,
		substitutions: version.meta.substitutions,
		reviews: version.meta.status === 'approved' ? [] : versionReviews(result, policy, version, options),
		blockers: version.meta.status === 'approved' ? [] : versionBlockers(result, policy, version, options),
		otherLint,
		history: versionHistory(options, policyId, versionNumber),
		submittedHash: version.meta.review?.submittedHash,
		summary: {
			substantive: real.filter((c) => c.classification === 'substantive').length,
			editorial: real.filter((c) => c.classification === 'editorial').length,
		},
	};
}

const label = (number: string | undefined, title: string) => [number, title].filter(Boolean).join(' ');

/** Where a clause can be moved: each section of each chapter, and a chapter's clauses before its sections. */
export function clauseMoveTargets(version: LoadedVersion): EditorMoveTarget[] {
	return version.chapters.flatMap(({ chapter: c }) => {
		const chapter = label(version.numbers.chapters.get(c.id), c.title);
		const ends = (clauses: Clause[]) => ({ first: clauses[0]!.id, last: clauses.at(-1)!.id });
		return [
			...(c.clauses.length ? [{ key: c.id, chapterKey: c.id, chapter, section: undefined, ...ends(c.clauses) }] : []),
			...c.sections
				.filter((s) => s.clauses.length)
				.map((s) => ({
					key: s.id,
					chapterKey: c.id,
					chapter,
					section: label(version.numbers.sections.get(s.id), s.title),
					...ends(s.clauses),
				})),
		];
	});
}

/** Version folders on disk (for links), newest first. */
export function versionFolders(options: CmsOptions, policyId: string): string[] {
	const dir = join(options.policiesDir, policyId);
	return existsSync(dir)
		? readdirSync(dir)
				.filter((n) => /^\d+\.\d+$/.test(n))
				.reverse()
		: [];
}
