/**
 * The view-models of HR's policy pages, read directly: the list's labels, "move to…" (every section of the
 * draft a clause can go to, and the form that moves it there keeping its id), who a policy names as its
 * reviewers and approvers, and a version's page as HR, a reviewer and an approver see it (on SQLite and
 * PostgreSQL, with comments from the store). Commits go to a temporary repository.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import {
	draftRevision,
	findLoadedVersion,
	lastCommit,
	loadOnePolicy,
	reviseAndCommit,
	saveDraftEdit,
	submitAndCommit,
	type CmsOptions,
} from '#lib/cms/drafts.ts';
import { EditError } from '#lib/cms/edits.ts';
import { versionExists, versionPageView } from '#lib/cms/editor-view.ts';
import { editFromForm } from '#lib/cms/form-edits.ts';
import { contentRepository } from '#lib/cms/git.ts';
import { addClauseComment, participantMay, reviewParticipation } from '#lib/cms/review.ts';
import { clauseMoveTargets, editorView, reviewStateLabel, versionStateLabel } from '#lib/cms/views.ts';
import { translator } from '#lib/i18n/index.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const hr = { name: '林人資', email: 'hr@example.com' };
const policy = 'pharma';

/** A copy of a policy in a git repository of its own, naming its reviewer and approvers, with a new draft. */
function contentWithDraft() {
	const root = mkdtempSync(join(tmpdir(), 'zhidu-cms-views-'));
	const policiesDir = join(root, 'policies');
	mkdirSync(policiesDir);
	cpSync(join(projectRoot, 'content/policies/pharma-operations-department'), join(policiesDir, policy), {
		recursive: true,
	});
	const yaml = join(policiesDir, policy, 'policy.yaml');
	writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}reviewers:\n  - Reviewer@example.com\napprovers:\n  - hr\n`);
	git(root, 'init', '--quiet');
	git(root, 'add', '.');
	execFileSync('git', ['commit', '--quiet', '-m', 'content'], {
		cwd: root,
		env: {
			...process.env,
			GIT_AUTHOR_NAME: 'd',
			GIT_AUTHOR_EMAIL: 'd@x',
			GIT_COMMITTER_NAME: 'd',
			GIT_COMMITTER_EMAIL: 'd@x',
		},
	});
	const options: CmsOptions = { policiesDir, root, today: '2026-12-01', repository: contentRepository(policiesDir) };
	return { root, options, draft: reviseAndCommit(options, policy, hr).version };
}

let root: string;
let options: CmsOptions;
let draft: string;
beforeAll(() => {
	({ root, options, draft } = contentWithDraft());
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const loadedIn = (o: CmsOptions, version: string) => findLoadedVersion(loadOnePolicy(o, policy), version);
const loaded = () => loadedIn(options, draft);
const sectionClauses = (sectionId: string) =>
	loaded()
		.chapters.flatMap(({ chapter }) => chapter.sections)
		.find((s) => s.id === sectionId)!
		.clauses.map((c) => c.id);

describe('the policy list', () => {
	it('names states and periodic reviews in the UI language', () => {
		const t = translator('zh-Hant-TW');
		expect(versionStateLabel(t, 'in-review')).toBe('審查中');
		expect(reviewStateLabel(t, 'overdue')).not.toBe('overdue');
		expect(reviewStateLabel(t, 'something new')).toBe('something new');
	});
});

describe('"move to…" another section', () => {
	it('offers every section of every chapter, by number and title, with its first and last clause', () => {
		const targets = editorView(options, policy, draft).moveTargets;
		expect(targets).toEqual(clauseMoveTargets(loaded()));
		const principles = targets.find((m) => m.key === 's-1-3')!;
		expect(principles).toMatchObject({ chapterKey: 'ch-1', first: 'c-1-3-1', last: 'c-1-3-4' });
		expect(principles.section).toContain('基本原則');
		expect(new Set(targets.map((m) => m.chapterKey)).size).toBe(loaded().chapters.length);
		// Ids are hidden-field values; what people read is numbers and titles.
		expect(principles.section).not.toContain('s-1-3');
	});

	it('moves a clause to the end of another section, keeping its id, and refuses a place it already stands in', () => {
		const lookup = (key: string) => clauseMoveTargets(loaded()).find((m) => m.key === key);
		const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? '';
		const edit = editFromForm(
			form({ op: 'move-clause-to-section', clause: 'c-1-3-3', target: 's-1-2', where: 'end' }),
			lookup,
		);
		expect(edit).toEqual({ op: 'move-clause-to', clause: 'c-1-3-3', relativeTo: 'c-1-2-1', position: 'after' });
		const dir = loaded().dir;
		saveDraftEdit(options, policy, draft, { revision: draftRevision(dir), since: lastCommit(options, dir) }, edit!, hr);
		expect(sectionClauses('s-1-2')).toEqual(['c-1-2-1', 'c-1-3-3']);
		expect(sectionClauses('s-1-3')).toEqual(['c-1-3-1', 'c-1-3-2', 'c-1-3-4']);
		expect(git(root, 'log', '-1', '--format=%an|%s')).toMatch(/^林人資\|pharma .*move clause/);

		expect(() =>
			editFromForm(form({ op: 'move-clause-to-section', clause: 'c-1-3-1', target: 's-1-3', where: 'start' }), lookup),
		).toThrow(EditError);
		expect(() => editFromForm(form({ op: 'move-clause-to-section', clause: 'c-1-3-1', target: '' }), lookup)).toThrow(
			/target/,
		);
	});
});

describe('reviewers and approvers named in policy.yaml', () => {
	const meta = { reviewers: ['Reviewer@example.com'], approvers: ['hr'] };
	it('are found by email (any case) or by the role they hold', () => {
		expect(reviewParticipation(meta, { email: 'reviewer@example.com', role: 'staff' })).toEqual({
			reviewer: true,
			approver: false,
		});
		expect(reviewParticipation(meta, { email: 'someone@example.com', role: 'hr' })).toEqual({
			reviewer: false,
			approver: true,
		});
		expect(reviewParticipation(meta, { email: 'someone@example.com', role: 'staff' })).toBeUndefined();
		expect(reviewParticipation({}, { email: 'reviewer@example.com', role: 'staff' })).toBeUndefined();
	});

	it('comment and request changes; only approvers sign; nobody listed edits', () => {
		const reviewer = { reviewer: true, approver: false };
		const approver = { reviewer: false, approver: true };
		expect(['comment', 'request-changes', 'sign', 'set-clause'].map((a) => participantMay(reviewer, a))).toEqual([
			true,
			true,
			false,
			false,
		]);
		expect(['comment', 'request-changes', 'sign', 'submit'].map((a) => participantMay(approver, a))).toEqual([
			true,
			true,
			true,
			false,
		]);
	});
});

describe.each(testDatabases)('a version page ($name)', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	// Each database its own copy: this block submits the draft.
	let root: string;
	let options: CmsOptions;
	let draft: string;
	const settings = { signaturesRequired: 1, editorsMayApprove: false };
	const people: Record<string, { id: string; name: string; email: string; role: 'hr' | 'staff' }> = {};
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		({ root, options, draft } = contentWithDraft());
		for (const [key, name, email, role] of [
			['author', '林人資', 'hr@example.com', 'hr'],
			['reviewer', '陳審查', 'reviewer@example.com', 'staff'],
			['approver', '張核准', 'approver@example.com', 'hr'],
		] as const) {
			const person = await addPerson(store, { employeeId: key, name, email, department: '品質部', role }, cliActor());
			people[key] = { id: person.id, name, email, role };
		}
	});
	afterAll(async () => {
		await drop();
		rmSync(root, { recursive: true, force: true });
	});

	const pageAs = (key: string, review?: { reviewer: boolean; approver: boolean }) =>
		versionPageView(store, options, {
			policyId: policy,
			version: draft,
			chapter: 'ch-1',
			person: people[key]!,
			settings,
			review,
		});

	it('is a 404 for a version the policy does not have', () => {
		expect(versionExists(options, policy, draft)).toBe(true);
		expect(versionExists(options, policy, '9.9')).toBe(false);
		expect(versionExists(options, 'no-such-policy', '1.0')).toBe(false);
	});

	it('offers HR the editor on a draft, and a reviewer only the text', async () => {
		const asHr = await pageAs('author');
		expect(asHr.may).toEqual({
			edit: true,
			comment: false,
			requestChanges: false,
			sign: false,
			confirmQuestions: true,
		});
		expect(asHr.hr).toBe(true);
		const asReviewer = await pageAs('reviewer', { reviewer: true, approver: false });
		expect(asReviewer.may).toEqual({
			edit: false,
			comment: false,
			requestChanges: false,
			sign: false,
			confirmQuestions: false,
		});
		expect(asReviewer.hr).toBe(false);
		expect(asReviewer.view.chapter?.key).toBe('ch-1');
	});

	it('in review: the reviewer comments and sends back; the approver signs; the author is told why not', async () => {
		const dir = loadedIn(options, draft).dir;
		const summary = editFromForm(
			(name) => ({ op: 'set-summary', changeSummary: '協作原則移至適用範圍。' })[name] ?? '',
		);
		saveDraftEdit(
			options,
			policy,
			draft,
			{ revision: draftRevision(dir), since: lastCommit(options, dir) },
			summary!,
			hr,
		);
		submitAndCommit(options, policy, draft, hr);
		await addClauseComment(
			store,
			{
				policy,
				version: draft,
				clause: 'c-1-3-3',
				person: people['reviewer']!,
				body: '請說明移動的理由。',
				textHash: 'x',
			},
			cliActor(),
		);
		const asReviewer = await pageAs('reviewer', { reviewer: true, approver: false });
		expect(asReviewer.may).toMatchObject({ edit: false, comment: true, requestChanges: true, sign: false });
		expect(asReviewer.cannotSign).toBeUndefined();
		expect(asReviewer.comments('c-1-3-3').map((c) => c.body)).toEqual(['請說明移動的理由。']);
		expect(asReviewer.comments(null)).toEqual([]);
		const asApprover = await pageAs('approver');
		expect(asApprover.may).toMatchObject({ edit: false, comment: true, sign: true });
		expect(asApprover.tomorrow).toBe('2026-12-02');
		expect(asApprover.required).toBe(1);
		const asAuthor = await pageAs('author');
		expect(asAuthor.may.sign).toBe(false);
		expect(asAuthor.cannotSign).toMatch(/you edited this draft/);
	});
});
