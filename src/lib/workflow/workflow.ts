/**
 * The revision workflow: revise (a new draft from the latest version), status (what blocks publishing),
 * submit (draft → in-review, recording a hash of the text) and approve (in-review → approved, refusing
 * while anything blocks it). Plain TypeScript, no Astro: the CLI and the tests call it.
 *
 * version.yaml is edited with the yaml Document API so comments and key order are kept.
 */
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Document } from 'yaml';
import { walkClauses } from '../content/clause-tree.ts';
import {
	compareVersions,
	loadContent,
	type LoadedPolicy,
	type LoadedVersion,
	type LoadResult,
} from '../content/loader.ts';
import { versionHash } from '../content/version-hash.ts';
import { calendarDate, versionNumber, type VersionMeta, type VersionStatus } from '../content/schema.ts';
import { yaml } from '../content/yaml.ts';
import { lintContent } from '../lint/lint.ts';
import { loadQuizzes } from '../quiz/loader.ts';
import { resolveVersions, reviewDue, addDays, type VersionState } from '../versions.ts';
import { describeReview, questionsToReview, type ReviewItem } from './question-review.ts';

/** Raised for refusals: the CLI prints the message and exits 1. */
/** A path for messages: relative to the root when under it, else absolute. */
const shown = (root: string, path: string) => {
	const rel = relative(root, path);
	return !rel ? path : rel.startsWith('..') ? path : rel;
};

export class WorkflowError extends Error {
	override name = 'WorkflowError';
}

export const CHANGE_SUMMARY_PLACEHOLDER = 'TODO: 修訂摘要';
const isPlaceholder = (entry: string) => entry.trim().startsWith('TODO');

export interface WorkflowOptions {
	/** Folder with one folder per policy. */
	policiesDir: string;
	/** Folder with the quiz banks; quizzes are not checked when it is missing. */
	quizzesDir?: string | undefined;
	/** Paths in messages are relative to this. */
	root: string;
	/** Today's calendar date (readBuildConfig().today). */
	today: string;
}

export function loadWorkflowContent(options: WorkflowOptions): LoadResult {
	return loadContent({ policiesDir: options.policiesDir, root: options.root });
}

function findPolicy(result: LoadResult, policyId: string, options: WorkflowOptions): LoadedPolicy {
	const policy = result.policies.find((p) => p.id === policyId);
	if (policy) return policy;
	const dir = join(options.policiesDir, policyId);
	if (!existsSync(dir))
		throw new WorkflowError(
			`no policy "${policyId}" in ${relative(options.root, options.policiesDir) || options.policiesDir}`,
		);
	const display = relative(options.root, dir) || dir;
	const errors = result.errors.filter((e) => e.file.startsWith(display));
	throw new WorkflowError(
		`policy "${policyId}" does not load:\n${errors.map((e) => `  ${e.file}:${e.field}: ${e.reason}`).join('\n')}`,
	);
}

function findVersion(policy: LoadedPolicy, version: string): LoadedVersion {
	const found = policy.versions.find((v) => v.meta.version === version);
	if (!found) {
		const onDisk = existsSync(join(policy.dir, version));
		throw new WorkflowError(
			onDisk
				? `${policy.id} ${version} does not load; run zhidu lint to see why`
				: `${policy.id} has no version ${version} (it has ${policy.versions.map((v) => v.meta.version).join(', ')})`,
		);
	}
	return found;
}

/** Version folder names on disk, including ones that do not load. */
function versionFolders(policyDir: string): string[] {
	return readdirSync(policyDir, { withFileTypes: true })
		.filter((d) => d.isDirectory() && /^\d+\.\d+$/.test(d.name))
		.map((d) => d.name)
		.sort(compareVersions);
}

// ---------------------------------------------------------------------------
// revise

export interface ReviseOptions {
	/** An explicit version number; must be greater than every existing one. */
	to?: string | undefined;
	major?: boolean | undefined;
}

export interface ReviseResult {
	policyId: string;
	from: string;
	version: string;
	dir: string;
	files: string[];
}

/** The next version number after every existing one: 1.1 → 1.2, or 2.0 with `major`. */
export function nextVersionNumber(existing: readonly string[], major = false): string {
	const latest = [...existing].sort(compareVersions).at(-1);
	if (!latest) return '1.0';
	const [m, n] = latest.split('.').map(Number);
	return major ? `${m! + 1}.0` : `${m}.${n! + 1}`;
}

export function revise(policyId: string, options: WorkflowOptions, revise: ReviseOptions = {}): ReviseResult {
	const result = loadWorkflowContent(options);
	const policy = findPolicy(result, policyId, options);
	const folders = versionFolders(policy.dir);
	const draft = policy.versions.filter((v) => v.meta.status === 'draft').at(-1);
	if (draft)
		throw new WorkflowError(
			`${policyId} already has a draft, ${draft.meta.version} (${shown(options.root, draft.dir)}); edit it, or submit it before starting another revision`,
		);
	// The latest in-review version, else the latest approved one (in force or scheduled): revisions build on it.
	const inReview = policy.versions.filter((v) => v.meta.status === 'in-review').at(-1);
	const approved = policy.versions.filter((v) => v.meta.status === 'approved').at(-1);
	const base = inReview ?? approved;
	if (!base) throw new WorkflowError(`${policyId} has no approved or in-review version to revise`);

	let version: string;
	if (revise.to !== undefined) {
		if (!versionNumber.safeParse(revise.to).success)
			throw new WorkflowError(`--to "${revise.to}": a version is MAJOR.MINOR, such as 1.2`);
		const notAfter = folders.filter((f) => compareVersions(revise.to!, f) <= 0);
		if (notAfter.length)
			throw new WorkflowError(
				`--to ${revise.to} must be greater than every existing version (${policyId} has ${folders.join(', ')})`,
			);
		version = revise.to;
	} else version = nextVersionNumber(folders, revise.major);

	const dir = join(policy.dir, version);
	if (existsSync(dir)) throw new WorkflowError(`${shown(options.root, dir)} already exists`);
	cpSync(base.dir, dir, { recursive: true });
	const meta: Record<string, unknown> = {
		version,
		status: 'draft',
		changeSummary: [CHANGE_SUMMARY_PLACEHOLDER],
		classificationOverrides: [],
	};
	if (base.meta.sourceEnds) meta['sourceEnds'] = base.meta.sourceEnds;
	if (base.meta.sourceNotes) meta['sourceNotes'] = base.meta.sourceNotes;
	writeFileSync(
		join(dir, 'version.yaml'),
		`# Revision of ${base.meta.version}, created by zhidu revise. Replace the change summary before submitting.\n` +
			yaml().stringify(meta),
	);
	return {
		policyId,
		from: base.meta.version,
		version,
		dir,
		files: readdirSync(dir).sort(),
	};
}

// ---------------------------------------------------------------------------
// status

export interface Blocker {
	kind: 'lint' | 'quiz-citation' | 'question-review' | 'blanks' | 'change-summary' | 'load' | 'review';
	message: string;
}

export interface VersionStatusReport {
	version: string;
	status: VersionStatus | 'does not load';
	state: VersionState | 'does not load';
	effective: string | undefined;
	/** Only for draft and in-review versions. */
	blockers: Blocker[];
	/** Draft and in-review versions: quiz questions and knowledge checks citing clauses changed substantively. */
	reviews: ReviewItem[];
	submittedHash?: string | undefined;
}

export interface PolicyStatusReport {
	policy: string;
	title: string;
	today: string;
	versions: VersionStatusReport[];
}

function clauseIds(version: LoadedVersion): Set<string> {
	return new Set(version.chapters.flatMap(({ chapter }) => [...walkClauses(chapter)].map(({ clause }) => clause.id)));
}

const under = (file: string, dir: string) => file === dir || file.startsWith(dir + sep) || file.startsWith(dir + '/');

/** The quiz questions and knowledge checks a draft or in-review version asks to review (question-review.ts). */
export function versionReviews(
	result: LoadResult,
	policy: LoadedPolicy,
	version: LoadedVersion,
	options: WorkflowOptions,
): ReviewItem[] {
	const quizzes =
		options.quizzesDir && existsSync(options.quizzesDir)
			? loadQuizzes(options.quizzesDir, result.policies, options.root).quizzes
			: [];
	return questionsToReview(policy, version, quizzes);
}

/** Everything that blocks approving a version (empty when it can be approved). */
export function versionBlockers(
	result: LoadResult,
	policy: LoadedPolicy,
	version: LoadedVersion,
	options: WorkflowOptions,
): Blocker[] {
	const blockers: Blocker[] = [];
	const display = relative(options.root, version.dir) || version.dir;
	const report = lintContent(result, { root: options.root });
	const mine = report.findings.filter((f) => under(f.file, display));
	for (const f of mine.filter((f) => f.severity === 'error'))
		blockers.push({ kind: 'lint', message: `lint error: ${f.file}:${f.field}: ${f.message}` });
	const blanks = mine.filter((f) => f.rule === 'template-blank');
	if (blanks.length)
		blockers.push({
			kind: 'blanks',
			message: `blanks left: ${blanks.length} (${[...new Set(blanks.map((b) => b.field))].join(', ')})`,
		});
	if (options.quizzesDir && existsSync(options.quizzesDir)) {
		const ids = clauseIds(version);
		const { quizzes } = loadQuizzes(options.quizzesDir, result.policies, options.root);
		for (const quiz of quizzes.filter((q) => q.policy === policy.id))
			for (const question of quiz.questions)
				for (const clause of question.cites)
					if (!ids.has(clause))
						blockers.push({
							kind: 'quiz-citation',
							message: `quiz ${quiz.id} question ${question.id} cites ${clause}, which is not a clause of ${version.meta.version}`,
						});
	}
	for (const item of versionReviews(result, policy, version, options))
		if (item.state === 'needs review')
			blockers.push({ kind: 'question-review', message: describeReview(item, version.meta.version) });
	if (version.meta.status === 'in-review' && !version.meta.review)
		blockers.push({
			kind: 'review',
			message: 'no review.submittedHash: set the status back to draft and run zhidu submit',
		});
	const summary = version.meta.changeSummary;
	if (summary.length === 0 || summary.some(isPlaceholder))
		blockers.push({
			kind: 'change-summary',
			message: 'change summary missing (replace the TODO entry in version.yaml)',
		});
	return blockers;
}

export function policyStatus(policyId: string, options: WorkflowOptions): PolicyStatusReport {
	const result = loadWorkflowContent(options);
	const policy = findPolicy(result, policyId, options);
	const resolved = resolveVersions(
		policy.versions.map((v) => ({ version: v.meta.version, status: v.meta.status, effective: v.meta.effective, v })),
		options.today,
	);
	const reports: VersionStatusReport[] = resolved.map(({ version: { v }, state }) => ({
		version: v.meta.version,
		status: v.meta.status,
		state,
		effective: v.meta.effective,
		blockers: v.meta.status === 'approved' ? [] : versionBlockers(result, policy, v, options),
		reviews: v.meta.status === 'approved' ? [] : versionReviews(result, policy, v, options),
		...(v.meta.review ? { submittedHash: v.meta.review.submittedHash } : {}),
	}));
	for (const folder of versionFolders(policy.dir)) {
		if (reports.some((r) => r.version === folder)) continue;
		const display = relative(options.root, join(policy.dir, folder));
		reports.push({
			version: folder,
			status: 'does not load',
			state: 'does not load',
			effective: undefined,
			reviews: [],
			blockers: result.errors
				.filter((e) => under(e.file, display))
				.map((e) => ({ kind: 'load' as const, message: `${e.file}:${e.field}: ${e.reason}` })),
		});
	}
	reports.sort((a, b) => compareVersions(a.version, b.version));
	return { policy: policy.id, title: policy.meta.title, today: options.today, versions: reports };
}

export interface ReviewDueReport {
	policy: string;
	title: string;
	inForce: string | undefined;
	effective: string | undefined;
	reviewCycleMonths: number | undefined;
	due: string | undefined;
	state: 'overdue' | 'due' | 'not due' | 'no review cycle set' | 'no version in force';
}

/**
 * Periodic review dates: the version in force's effective date plus the review cycle. `due` when it falls
 * within `withinDays` from today, `overdue` when it has passed.
 */
export function reviewsDue(options: WorkflowOptions, policyId?: string, withinDays = 30): ReviewDueReport[] {
	const result = loadWorkflowContent(options);
	const policies = policyId ? [findPolicy(result, policyId, options)] : result.policies;
	return reviewsDueOf(policies, options.today, withinDays);
}

/** The same, for policies already loaded (the server's catalog: no reading of the content folder per request). */
export function reviewsDueOf(policies: readonly LoadedPolicy[], today: string, withinDays = 30): ReviewDueReport[] {
	return policies.map((policy) => {
		const inForce = resolveVersions(
			policy.versions.map((v) => ({ version: v.meta.version, status: v.meta.status, effective: v.meta.effective })),
			today,
		).find((r) => r.state === 'in-force')?.version;
		const cycle = policy.meta.reviewCycleMonths;
		const due = reviewDue(inForce?.effective, cycle);
		const state: ReviewDueReport['state'] = !cycle
			? 'no review cycle set'
			: !inForce
				? 'no version in force'
				: !due
					? 'no version in force'
					: due < today
						? 'overdue'
						: due <= addDays(today, withinDays)
							? 'due'
							: 'not due';
		return {
			policy: policy.id,
			title: policy.meta.title,
			inForce: inForce?.version,
			effective: inForce?.effective,
			reviewCycleMonths: cycle,
			due,
			state,
		};
	});
}

// ---------------------------------------------------------------------------
// submit and approve

function editVersionYaml(version: LoadedVersion, edit: (doc: Document) => void) {
	const file = join(version.dir, 'version.yaml');
	const doc = yaml().parseDocument(readFileSync(file, 'utf8'));
	edit(doc);
	writeFileSync(file, doc.toString());
}

export interface SubmitResult {
	policyId: string;
	version: string;
	submittedHash: string;
	submittedOn: string;
	blockers: Blocker[];
}

export function submit(policyId: string, versionNumberValue: string, options: WorkflowOptions): SubmitResult {
	const result = loadWorkflowContent(options);
	const policy = findPolicy(result, policyId, options);
	const version = findVersion(policy, versionNumberValue);
	if (version.meta.status !== 'draft')
		throw new WorkflowError(
			`${policyId} ${versionNumberValue} is ${version.meta.status}, not draft; only a draft can be submitted for review`,
		);
	const submittedHash = versionHash(policy, version);
	const blockers = versionBlockers(result, policy, version, options);
	editVersionYaml(version, (doc) => {
		doc.set('status', 'in-review');
		doc.set('review', { submittedHash, submittedOn: options.today });
	});
	return { policyId, version: versionNumberValue, submittedHash, submittedOn: options.today, blockers };
}

export interface ApproveOptions {
	effective: string;
	by: string;
	meaning: string;
	/** The actor recording it, e.g. `cli:<OS user>`: stored with the person named by `by`. */
	recordedBy?: string;
	/** Recorded without an electronic signature (the CLI): marked so wherever the approval is shown. */
	unsigned?: boolean;
	/** The electronic signatures that approved it (the browser). */
	signatures?: NonNullable<VersionMeta['approval']>['signatures'];
}

export interface ApproveResult {
	policyId: string;
	version: string;
	effective: string;
	approval: NonNullable<VersionMeta['approval']>;
	/** What the version's state is today after approval. */
	state: VersionState;
}

export function approve(
	policyId: string,
	versionNumberValue: string,
	approval: ApproveOptions,
	options: WorkflowOptions,
): ApproveResult {
	const effective = calendarDate.safeParse(approval.effective);
	if (!effective.success)
		throw new WorkflowError(`--effective "${approval.effective}": ${effective.error.issues[0]!.message}`);
	if (!approval.by.trim()) throw new WorkflowError('--by: name who approves');
	if (!approval.meaning.trim()) throw new WorkflowError('--meaning: say what the signature means, e.g. 核准');
	const result = loadWorkflowContent(options);
	const policy = findPolicy(result, policyId, options);
	const version = findVersion(policy, versionNumberValue);
	const name = `${policyId} ${versionNumberValue}`;
	if (version.meta.status !== 'in-review')
		throw new WorkflowError(
			`cannot approve ${name}: its status is ${version.meta.status}, not in-review` +
				(version.meta.status === 'draft' ? ` (run zhidu submit ${policyId} ${versionNumberValue} first)` : ''),
		);
	const submitted = version.meta.review?.submittedHash;
	if (!submitted)
		throw new WorkflowError(`cannot approve ${name}: it has no review.submittedHash; submit it with zhidu submit`);
	if (versionHash(policy, version) !== submitted)
		throw new WorkflowError(
			`cannot approve ${name}: the text changed after submission (on ${version.meta.review!.submittedOn}); set it back to draft and submit it again`,
		);
	const blockers = versionBlockers(result, policy, version, options);
	if (blockers.length)
		throw new WorkflowError(`cannot approve ${name}: ${blockers.map((b) => `\n  - ${b.message}`).join('')}`);
	const dated = policy.versions.map((v) => ({
		version: v.meta.version,
		status: v.meta.status,
		effective: v.meta.effective,
	}));
	const inForce = resolveVersions(dated, options.today).find((r) => r.state === 'in-force')?.version;
	if (inForce?.effective && effective.data < inForce.effective)
		throw new WorkflowError(
			`cannot approve ${name}: effective date ${effective.data} is before ${inForce.effective}, when the version in force (${inForce.version}) took effect`,
		);
	const record = {
		by: approval.by.trim(),
		on: options.today,
		meaning: approval.meaning.trim(),
		...(approval.recordedBy ? { recordedBy: approval.recordedBy } : {}),
		...(approval.unsigned ? { unsigned: true } : {}),
		...(approval.signatures?.length ? { signatures: approval.signatures } : {}),
	};
	editVersionYaml(version, (doc) => {
		doc.set('status', 'approved');
		doc.set('effective', effective.data);
		doc.set('approval', record);
	});
	const after = dated.map((d) =>
		d.version === versionNumberValue ? { ...d, status: 'approved' as const, effective: effective.data } : d,
	);
	const state = resolveVersions(after, options.today).find((r) => r.version.version === versionNumberValue)!.state;
	return { policyId, version: versionNumberValue, effective: effective.data, approval: record, state };
}

/**
 * in-review → draft ("request changes"): the submitted hash goes with it, so the version must be submitted
 * again (and hashed again) before anyone can approve it.
 */
export function returnToDraft(policyId: string, versionNumberValue: string, options: WorkflowOptions): void {
	const result = loadWorkflowContent(options);
	const policy = findPolicy(result, policyId, options);
	const version = findVersion(policy, versionNumberValue);
	if (version.meta.status !== 'in-review')
		throw new WorkflowError(
			`${policyId} ${versionNumberValue} is ${version.meta.status}, not in-review; only a version in review can go back to draft`,
		);
	editVersionYaml(version, (doc) => {
		doc.set('status', 'draft');
		doc.delete('review');
	});
}
