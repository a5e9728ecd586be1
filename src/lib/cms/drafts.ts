/**
 * HR's workflow in the browser: the same domain functions as `zhidu revise/submit/import`
 * (src/lib/workflow, src/lib/importer), each followed by a commit in the content repository with the
 * person as author and a message naming the policy, version and action. The content's git history is
 * the audit trail of the text.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { chapterToMdx, parseChapterMdx } from '../content/chapter-mdx.ts';
import { clauseText, walkClauses, type Chapter } from '../content/clause-tree.ts';
import { ContentError } from '../content/errors.ts';
import { chapterFilePattern, loadPolicy, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { numbered } from '../content/numbering.ts';
import { numberingScheme, policyId as policyIdSchema, policySchema } from '../content/schema.ts';
import { yaml } from '../content/yaml.ts';
import { formatImportReport, importFile, writeImportedVersion } from '../importer/index.ts';
import { formatAlignment } from '../importer/align.ts';
import { alignImport, usedIds } from '../importer/revision.ts';
import {
	nextVersionNumber,
	revise,
	submit,
	returnToDraft,
	WorkflowError,
	type WorkflowOptions,
} from '../workflow/workflow.ts';
import { applyDraftEdit, type DraftEdit } from './edits.ts';
import {
	commitContent,
	contentHistory,
	fileAt,
	type ContentCommit,
	type ContentRepository,
	type GitAuthor,
} from './git.ts';

export interface CmsOptions extends WorkflowOptions {
	repository: ContentRepository;
}

/** A refusal HR should see (400), or a state that does not allow the action (409). */
export class CmsError extends Error {
	override name = 'CmsError';
	readonly status: 400 | 404 | 409;
	readonly field: string | undefined;
	constructor(status: 400 | 404 | 409, message: string, field?: string) {
		super(message);
		this.status = status;
		this.field = field;
	}
}

/** Someone else changed the draft since it was loaded: what changed, so nothing is overwritten blindly. */
export class DraftConflict extends Error {
	override name = 'DraftConflict';
	readonly revision: string;
	readonly commits: ContentCommit[];
	/** Clauses whose text or title differs from what the editor loaded, by number and title. */
	readonly clauses: { id: string; label: string; text: string }[];
	constructor(revision: string, commits: ContentCommit[], clauses: { id: string; label: string; text: string }[]) {
		super('the draft changed since you loaded it');
		this.revision = revision;
		this.commits = commits;
		this.clauses = clauses;
	}
}

const message = (policy: string, version: string, action: string) => `${policy} ${version}: ${action}`;

/** A hash of every file of a version folder: what an editor loaded, so a save can tell whether it changed. */
export function draftRevision(dir: string): string {
	const hash = createHash('sha256');
	for (const name of readdirSync(dir).sort()) {
		if (name.endsWith('.tmp') || name.endsWith('.renaming')) continue;
		hash.update(`${name}\0`);
		hash.update(readFileSync(join(dir, name)));
		hash.update('\0');
	}
	return hash.digest('hex').slice(0, 32);
}

export function loadOnePolicy(options: CmsOptions, policyId: string): LoadedPolicy {
	if (!policyIdSchema.safeParse(policyId).success) throw new CmsError(404, `no policy ${policyId}`);
	const dir = join(options.policiesDir, policyId);
	if (!existsSync(dir)) throw new CmsError(404, `no policy ${policyId}`);
	const errors: ContentError[] = [];
	const policy = loadPolicy(dir, options.root, errors);
	if (!policy)
		throw new CmsError(
			409,
			`policy ${policyId} does not load: ${errors.map((e) => `${e.file}:${e.field}: ${e.reason}`).join('; ')}`,
		);
	return policy;
}

export function findLoadedVersion(policy: LoadedPolicy, version: string): LoadedVersion {
	const found = policy.versions.find((v) => v.meta.version === version);
	if (!found) throw new CmsError(404, `${policy.id} has no version ${version}`);
	return found;
}

/** Display label of a clause in a version: its number and title (ids are never shown). */
export function clauseLabel(version: LoadedVersion, id: string): string {
	for (const { chapter } of version.chapters)
		for (const { clause, section } of walkClauses(chapter))
			if (clause.id === id) {
				// Where it stands, as a reader would cite it: 三、(一) 1. 標題
				const place = [version.numbers.chapters.get(chapter.id), section && version.numbers.sections.get(section.id)]
					.filter(Boolean)
					.join('');
				const number = version.numbers.clauses.get(id);
				const head = numbered(number, clause.title ?? '').trim();
				return [place, head || clauseText(clause).slice(0, 16)].filter(Boolean).join(' ');
			}
	for (const { chapter } of version.chapters) {
		if (chapter.id === id) return numbered(version.numbers.chapters.get(id), chapter.title);
		const section = chapter.sections.find((s) => s.id === id);
		if (section) return numbered(version.numbers.sections.get(id), section.title);
	}
	return id;
}

// ---------------------------------------------------------------------------
// revise, submit, request changes

export function reviseAndCommit(options: CmsOptions, policyId: string, author: GitAuthor) {
	const result = revise(policyId, options);
	const commit = commitContent(
		options.repository,
		[result.dir],
		author,
		message(policyId, result.version, `new draft from ${result.from} (revise)`),
	);
	return { ...result, commit };
}

export function submitAndCommit(options: CmsOptions, policyId: string, version: string, author: GitAuthor) {
	const result = submit(policyId, version, options);
	const dir = join(options.policiesDir, policyId, version);
	const commit = commitContent(
		options.repository,
		[dir],
		author,
		message(policyId, version, `submitted for review (sha256 ${result.submittedHash.slice(0, 12)})`),
	);
	return { ...result, commit };
}

export function requestChangesAndCommit(
	options: CmsOptions,
	policyId: string,
	version: string,
	author: GitAuthor,
	comments: number,
) {
	returnToDraft(policyId, version, options);
	const dir = join(options.policiesDir, policyId, version);
	const commit = commitContent(
		options.repository,
		[dir],
		author,
		message(policyId, version, `changes requested, back to draft (${comments} comment${comments === 1 ? '' : 's'})`),
	);
	return { commit };
}

// ---------------------------------------------------------------------------
// editing a draft

export interface SaveResult {
	revision: string;
	commit: string | undefined;
	action: string;
	ids: string[];
}

/** What changed between the files as of `since` (a commit) and now, for a conflict answer. */
function changesSince(options: CmsOptions, dir: string, since: string | undefined) {
	const all = contentHistory(options.repository, dir, 50);
	const index = since ? all.findIndex((c) => c.id === since) : -1;
	const commits = index >= 0 ? all.slice(0, index) : all.slice(0, 5);
	const clauses: { id: string; label: string; text: string }[] = [];
	if (since && index >= 0) {
		const then = new Map<string, string>();
		const now = new Map<string, string>();
		const read = (into: Map<string, string>, sources: [string, string][]) => {
			for (const [name, source] of sources) {
				try {
					const chapter = parseChapterMdx(source, name);
					for (const { clause } of walkClauses(chapter))
						into.set(clause.id, `${clause.title ?? ''}|${clauseText(clause)}`);
				} catch {
					/* a chapter that did not load then: nothing to compare */
				}
			}
		};
		const names = new Set<string>();
		for (const c of all.slice(0, index + 1))
			for (const f of c.files) if (chapterFilePattern.test(f.split('/').pop()!)) names.add(f.split('/').pop()!);
		for (const n of readdirSync(dir)) if (chapterFilePattern.test(n)) names.add(n);
		read(
			then,
			[...names].flatMap((n): [string, string][] => {
				const text = fileAt(options.repository, since, join(dir, n));
				return text === undefined ? [] : [[n, text]];
			}),
		);
		read(
			now,
			[...names]
				.filter((n) => existsSync(join(dir, n)))
				.map((n): [string, string] => [n, readFileSync(join(dir, n), 'utf8')]),
		);
		const policy = loadOnePolicy(options, dir.split(/[\\/]/).at(-2)!);
		const version = policy.versions.find((v) => v.dir === dir);
		for (const id of new Set([...then.keys(), ...now.keys()]))
			if (then.get(id) !== now.get(id))
				clauses.push({
					id,
					label: version ? clauseLabel(version, id) : id,
					text: (now.get(id) ?? '').split('|').slice(1).join('|'),
				});
	}
	return { commits, clauses };
}

/** The last commit that touched a folder (what the editor loaded), if any. */
export function lastCommit(options: CmsOptions, dir: string): string | undefined {
	return contentHistory(options.repository, dir, 1)[0]?.id;
}

/**
 * One explicit, atomic change to a draft: refused with the changes in between when the draft is no longer
 * the revision the editor loaded, otherwise written, checked and committed before answering.
 */
export function saveDraftEdit(
	options: CmsOptions,
	policyId: string,
	version: string,
	loaded: { revision: string; since?: string | undefined },
	edit: DraftEdit,
	author: GitAuthor,
): SaveResult {
	const policy = loadOnePolicy(options, policyId);
	const target = findLoadedVersion(policy, version);
	if (target.meta.status !== 'draft')
		throw new CmsError(409, `${policyId} ${version} is ${target.meta.status}; only a draft can be edited`);
	const current = draftRevision(target.dir);
	if (current !== loaded.revision) {
		const { commits, clauses } = changesSince(options, target.dir, loaded.since);
		throw new DraftConflict(current, commits, clauses);
	}
	const outcome = applyDraftEdit(target.dir, edit, { usedIds: usedIds(policy) });
	// Labels from the text after the change (numbers follow positions).
	const after = findLoadedVersion(loadOnePolicy(options, policyId), version);
	const labels = outcome.ids.filter((id) => !id.startsWith('s-') || outcome.action.includes('section')).slice(0, 3);
	const what = labels.length ? ` ${labels.map((id) => clauseLabel(after, id)).join(', ')}` : '';
	const commit = commitContent(
		options.repository,
		[target.dir],
		author,
		`${message(policyId, version, `${outcome.action}${what}`)}\n\n${outcome.ids.map((id) => `Zhidu-Id: ${id}`).join('\n')}`,
	);
	return { revision: draftRevision(target.dir), commit, action: outcome.action, ids: outcome.ids };
}

// ---------------------------------------------------------------------------
// upload and new policy

export interface UploadResult {
	version: string;
	report: string;
	commit: string | undefined;
}

export const uploadExtensions = ['.docx', '.md', '.txt'] as const;

/** A .docx, .md or .txt imported as the next draft, aligned with the latest version so clause ids are kept. */
export async function uploadDraft(
	options: CmsOptions,
	policyId: string,
	file: { name: string; bytes: Uint8Array },
	author: GitAuthor,
): Promise<UploadResult> {
	const extension = uploadExtensions.find((e) => file.name.toLowerCase().endsWith(e));
	if (!extension) throw new CmsError(400, `${file.name}: upload a .docx, .md or .txt file`, 'file');
	if (!file.bytes.length) throw new CmsError(400, `${file.name} is empty`, 'file');
	const policy = loadOnePolicy(options, policyId);
	const draft = policy.versions.find((v) => v.meta.status === 'draft');
	if (draft)
		throw new CmsError(409, `${policyId} already has a draft, ${draft.meta.version}; edit it or submit it first`);
	const previous = policy.versions.filter((v) => v.meta.status !== 'draft').at(-1);
	if (!previous) throw new CmsError(409, `${policyId} has no version to revise`);
	const folders = readdirSync(policy.dir).filter((n) => /^\d+\.\d+$/.test(n));
	const version = nextVersionNumber(folders);
	const scratch = mkdtempSync(join(tmpdir(), 'zhidu-upload-'));
	try {
		const path = join(scratch, `upload${extension}`);
		writeFileSync(path, file.bytes);
		let result;
		try {
			result = await importFile(path, { scheme: policy.meta.numbering });
		} catch (error) {
			throw new CmsError(400, `${file.name}: ${(error as Error).message}`, 'file');
		}
		const alignment = alignImport(result, { policy, previous }, previous.meta.substitutions);
		if (!result.chapters.length) throw new CmsError(400, `${file.name}: no chapters found`, 'file');
		writeImportedVersion(result, {
			policiesDir: options.policiesDir,
			policyId,
			version,
			source: file.name,
			substitutions: previous.meta.substitutions,
			changeSummary: [
				`Aligned with ${alignment.against}: ${alignment.reworded.length} reworded, ${alignment.moved.length} moved, ${alignment.inserted.length} inserted, ${alignment.removed.length} removed`,
			],
		});
		const dir = join(policy.dir, version);
		const commit = commitContent(
			options.repository,
			[dir],
			author,
			message(policyId, version, `new draft uploaded from ${file.name}`),
		);
		return { version, report: `${formatImportReport(result.report)}\n\n${formatAlignment(alignment)}`, commit };
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

export const newPolicySchema = z
	.object({
		id: policyIdSchema,
		title: z.string().trim().min(1).max(200),
		documentNumber: z.string().trim().max(100).optional(),
		owner: z.string().trim().max(100).optional(),
		audience: z.string().trim().min(1).max(2000),
		numbering: numberingScheme,
		language: z.string().default('zh-Hant-TW'),
		/** Empty: everyone. */
		departments: z.array(z.string().trim().min(1)).default([]),
		reviewCycleMonths: z.number().int().positive().max(120).optional(),
		firstChapter: z.string().trim().min(1).max(200).default('總則'),
	})
	.strict();
export type NewPolicy = z.input<typeof newPolicySchema>;

/** A new policy: policy.yaml and a 1.0 draft whose first clause is the scope the audience is quoted from. */
export function createPolicy(options: CmsOptions, input: NewPolicy, author: GitAuthor) {
	const parsed = newPolicySchema.safeParse(input);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new CmsError(400, `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
	}
	const p = parsed.data;
	const dir = join(options.policiesDir, p.id);
	if (existsSync(dir)) throw new CmsError(409, `a policy ${p.id} already exists`, 'id');
	const meta = policySchema.parse({
		title: p.title,
		...(p.documentNumber ? { documentNumber: p.documentNumber } : {}),
		...(p.owner ? { owner: p.owner } : {}),
		audience: { text: p.audience, clause: 'c-1-1' },
		language: p.language,
		numbering: p.numbering,
		assignment: p.departments.length ? { departments: p.departments } : { everyone: true },
		...(p.reviewCycleMonths ? { reviewCycleMonths: p.reviewCycleMonths } : {}),
	});
	const chapter: Chapter = {
		id: 'ch-1',
		title: p.firstChapter,
		clauses: [{ id: 'c-1-1', unnumbered: false, parts: [{ kind: 'text', value: p.audience }], items: [] }],
		sections: [],
	};
	mkdirSync(join(dir, '1.0'), { recursive: true });
	writeFileSync(join(dir, 'policy.yaml'), yaml().stringify(meta));
	writeFileSync(
		join(dir, '1.0', 'version.yaml'),
		yaml().stringify({
			version: '1.0',
			status: 'draft',
			changeSummary: ['TODO: 修訂摘要'],
			classificationOverrides: [],
		}),
	);
	writeFileSync(
		join(dir, '1.0', `01-${p.firstChapter.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'chapter'}.mdx`),
		chapterToMdx(chapter),
	);
	const commit = commitContent(options.repository, [dir], author, message(p.id, '1.0', `new policy 「${p.title}」`));
	return { id: p.id, version: '1.0', commit };
}

/** The commits of one version folder, newest first: who changed what, when. */
export function versionHistory(options: CmsOptions, policyId: string, version: string): ContentCommit[] {
	const dir = join(options.policiesDir, policyId, version);
	return existsSync(dir) ? contentHistory(options.repository, dir) : [];
}

export const shownPath = (options: CmsOptions, path: string) => relative(options.root, path) || path;
export { WorkflowError };

// ---------------------------------------------------------------------------
// questions and knowledge checks citing changed clauses

export const confirmSchema = z.discriminatedUnion('kind', [
	z
		.object({
			kind: z.literal('quiz-question'),
			quiz: z.string().min(1),
			question: z.string().min(1),
			prompt: z.string().trim().min(1).max(2000).optional(),
		})
		.strict(),
	z.object({ kind: z.literal('knowledge-check'), file: z.string().min(1), line: z.number().int().positive() }).strict(),
]);
export type ConfirmReview = z.infer<typeof confirmSchema>;

/**
 * Confirms a quiz question or knowledge check still correct for `version` (reviewedFor, as `zhidu status`
 * asks), or, for a quiz question with a new prompt, edits it (which also counts as reviewed); committed
 * with the person as author.
 */
export function confirmReview(
	options: CmsOptions,
	policyId: string,
	version: string,
	item: ConfirmReview,
	author: GitAuthor,
	repositoryOf: (dir: string) => ContentRepository,
): string | undefined {
	if (item.kind === 'quiz-question') {
		if (!options.quizzesDir || !/^[a-z0-9][a-z0-9-]*$/.test(item.quiz)) throw new CmsError(404, `no quiz ${item.quiz}`);
		const file = join(options.quizzesDir, `${item.quiz}.yaml`);
		if (!existsSync(file)) throw new CmsError(404, `no quiz ${item.quiz}`);
		const doc = yaml().parseDocument(readFileSync(file, 'utf8'));
		const questions = doc.get('questions') as
			{ items: { get(key: string): unknown; set(key: string, value: unknown): void }[] } | undefined;
		const question = questions?.items.find((q) => q.get('id') === item.question);
		if (!question) throw new CmsError(404, `quiz ${item.quiz} has no question ${item.question}`);
		// The form sends the prompt as shown: only a different one is an edit.
		const edited = !!item.prompt && item.prompt !== String(question.get('prompt') ?? '').trim();
		if (edited) question.set('prompt', item.prompt);
		question.set('reviewedFor', version);
		writeFileSync(file, doc.toString());
		return commitContent(
			repositoryOf(options.quizzesDir),
			[file],
			author,
			message(policyId, version, `${edited ? 'edited' : 'confirmed'} quiz ${item.quiz} question ${item.question}`),
		);
	}
	const dir = join(options.policiesDir, policyId, version);
	const name = item.file.split(/[\\/]/).pop()!;
	const path = join(dir, name);
	if (!chapterFilePattern.test(name) || !existsSync(path))
		throw new CmsError(404, `no chapter file ${item.file} in ${policyId} ${version}`);
	const lines = readFileSync(path, 'utf8').split('\n');
	const at = lines[item.line - 1];
	if (!at?.includes('<KnowledgeCheck'))
		throw new CmsError(409, `no knowledge check at ${item.file}:${item.line} (reload the page)`);
	const rest = lines.slice(item.line - 1).join('\n');
	const end = rest.indexOf('/>');
	const tag = rest.slice(0, end);
	const updated = /\sreviewedFor="[^"]*"/.test(tag)
		? tag.replace(/\sreviewedFor="[^"]*"/, ` reviewedFor="${version}"`)
		: tag.replace('<KnowledgeCheck', `<KnowledgeCheck reviewedFor="${version}"`);
	writeFileSync(path, [...lines.slice(0, item.line - 1), updated + rest.slice(end)].join('\n'));
	return commitContent(
		options.repository,
		[path],
		author,
		message(policyId, version, `confirmed knowledge check 「${name}:${item.line}」`),
	);
}
