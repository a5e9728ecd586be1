/**
 * HR's browser workflow as domain functions: every change is a commit with the person as author, in a
 * temporary git repository holding a copy of the content (never the project's own repository); clause
 * edits keep ids and training material; a stale save is a conflict naming what changed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { walkClauses } from '#lib/content/clause-tree.ts';
import {
	createPolicy,
	DraftConflict,
	draftRevision,
	lastCommit,
	requestChangesAndCommit,
	reviseAndCommit,
	saveDraftEdit,
	submitAndCommit,
	versionHistory,
	type CmsOptions,
} from '#lib/cms/drafts.ts';
import { contentRepository } from '#lib/cms/git.ts';
import { EditError, type DraftEdit } from '#lib/cms/edits.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

let root: string;
let options: CmsOptions;
const hr = { name: '林美華', email: 'hr@example.com' };
const other = { name: '陳志明', email: 'chen@example.com' };

beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'zhidu-cms-'));
	const policiesDir = join(root, 'content', 'policies');
	mkdirSync(policiesDir, { recursive: true });
	cpSync(join(projectRoot, 'test/fixtures/content/policies/leave-policy'), join(policiesDir, 'leave-policy'), {
		recursive: true,
	});
	// Only 1.0 and 1.1 (in force), so a revision starts from 1.1.
	for (const v of ['2.0', '2.1', '2.2']) rmSync(join(policiesDir, 'leave-policy', v), { recursive: true });
	cpSync(join(projectRoot, 'content/policies/pharma-operations-department'), join(policiesDir, 'pharma'), {
		recursive: true,
	});
	git(root, 'init', '--quiet');
	git(root, 'add', '.');
	execFileSync('git', ['commit', '--quiet', '-m', 'content'], {
		cwd: root,
		env: {
			...process.env,
			GIT_AUTHOR_NAME: 'dev',
			GIT_AUTHOR_EMAIL: 'd@x',
			GIT_COMMITTER_NAME: 'dev',
			GIT_COMMITTER_EMAIL: 'd@x',
		},
	});
	options = {
		policiesDir,
		root,
		today: '2026-11-22',
		repository: contentRepository(policiesDir),
	};
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const log = () => git(root, 'log', '--format=%an <%ae>|%s');
const clauseIds = (dir: string) =>
	loadContentOrThrow({ policiesDir: options.policiesDir, root })
		.flatMap((p) => p.versions)
		.find((v) => v.dir === dir)!
		.chapters.flatMap(({ chapter }) => [...walkClauses(chapter)].map((c) => c.clause.id));

describe('content under git', () => {
	it('commits into the repository holding the content folder, with the person as author', () => {
		expect(options.repository.root).toBe(git(root, 'rev-parse', '--show-toplevel'));
		expect(options.repository.initialised).toBe(false);
		const before = git(projectRoot, 'rev-parse', 'HEAD');
		const revised = reviseAndCommit(options, 'leave-policy', hr);
		expect(revised.version).toBe('1.2');
		expect(log().split('\n')[0]).toBe('林美華 <hr@example.com>|leave-policy 1.2: new draft from 1.1 (revise)');
		// The project's own repository is untouched.
		expect(git(projectRoot, 'rev-parse', 'HEAD')).toBe(before);
		expect(git(root, 'status', '--porcelain')).toBe('');
	});

	it('initialises a repository only when the content folder is in none, and says so', () => {
		const lonely = mkdtempSync(join(tmpdir(), 'zhidu-lonely-'));
		const saved = process.env['GIT_CEILING_DIRECTORIES'];
		// The temporary folder lies inside this clone: the ceiling makes git see no repository above it.
		process.env['GIT_CEILING_DIRECTORIES'] = resolve(lonely, '..');
		const lines: string[] = [];
		try {
			const repo = contentRepository(join(lonely, 'policies'), { log: (l) => lines.push(l) });
			expect(repo.initialised).toBe(true);
			expect(existsSync(join(lonely, 'policies', '.git'))).toBe(true);
			expect(lines[0]).toMatch(/initialised/);
		} finally {
			if (saved === undefined) delete process.env['GIT_CEILING_DIRECTORIES'];
			else process.env['GIT_CEILING_DIRECTORIES'] = saved;
			rmSync(lonely, { recursive: true, force: true });
		}
	});
});

describe('the clause editor', () => {
	const dir = () => join(options.policiesDir, 'leave-policy', '1.2');
	const save = (edit: DraftEdit, author = hr) =>
		saveDraftEdit(
			options,
			'leave-policy',
			'1.2',
			{ revision: draftRevision(dir()), since: lastCommit(options, dir()) },
			edit,
			author,
		);

	it('edits a clause in place, keeping its id, and commits it naming policy, version and action', () => {
		const ids = clauseIds(dir());
		const result = save({
			op: 'set-clause',
			clause: 'c-2-2-1',
			text: '員工因病需治療或休養者，得請病假，並檢附[證明文件]。',
		});
		expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
		expect(clauseIds(dir())).toEqual(ids);
		const file = readdirSync(dir()).find((n) => n.startsWith('02-'))!;
		expect(readFileSync(join(dir(), file), 'utf8')).toContain('得請病假，並檢附<Blank label="證明文件" />。');
		expect(log().split('\n')[0]).toMatch(/^林美華 <hr@example.com>\|leave-policy 1.2: edit clause /);
		expect(versionHistory(options, 'leave-policy', '1.2')[0]!.author).toBe('林美華');
	});

	it('inserts with a fresh id, moves, splits and merges without changing other ids', () => {
		const before = clauseIds(dir());
		const inserted = save({
			op: 'insert-clause',
			relativeTo: 'c-2-2-1',
			position: 'after',
			text: '病假全年以三十日為限。',
		});
		const fresh = inserted.ids[0]!;
		expect(before).not.toContain(fresh);
		expect(clauseIds(dir())).toEqual([
			...before.slice(0, before.indexOf('c-2-2-1') + 1),
			fresh,
			...before.slice(before.indexOf('c-2-2-1') + 1),
		]);
		save({ op: 'move-clause', clause: fresh, direction: 'up' });
		const moved = clauseIds(dir());
		expect(moved.indexOf(fresh)).toBeLessThan(moved.indexOf('c-2-2-1'));
		const split = save({ op: 'split-clause', clause: fresh, at: 5 });
		expect(split.ids[0]).toBe(fresh);
		save({ op: 'merge-clause', clause: fresh });
		expect(clauseIds(dir())).toEqual(moved);
		save({ op: 'delete-clause', clause: fresh });
		expect(clauseIds(dir())).toEqual(before);
	});

	it('keeps training material between clauses when editing around it', () => {
		const pharma = reviseAndCommit(options, 'pharma', hr);
		const file = join(pharma.dir, '03-市場調研管理.mdx');
		const checks = () => readFileSync(file, 'utf8').match(/<KnowledgeCheck[\s\S]*?\/>/g);
		const before = checks();
		expect(before).toHaveLength(1);
		saveDraftEdit(
			options,
			'pharma',
			pharma.version,
			{ revision: draftRevision(pharma.dir) },
			{
				op: 'set-clause',
				clause: 'c-3-1-2',
				text: '在開展專項調研時,需提前制定詳細的調研方案,經運營經理及品質部審核批准後實施。',
			},
			hr,
		);
		saveDraftEdit(
			options,
			'pharma',
			pharma.version,
			{ revision: draftRevision(pharma.dir) },
			{ op: 'move-section', section: 's-3-2', direction: 'up' },
			hr,
		);
		expect(checks()).toEqual(before);
	});

	it('refuses a save made on a revision someone else changed since: 409 with what changed and who', () => {
		const loaded = { revision: draftRevision(dir()), since: lastCommit(options, dir()) };
		saveDraftEdit(
			options,
			'leave-policy',
			'1.2',
			loaded,
			{ op: 'set-clause', clause: 'c-2-2-1', text: '員工因病得請病假。' },
			other,
		);
		let conflict: DraftConflict | undefined;
		try {
			saveDraftEdit(
				options,
				'leave-policy',
				'1.2',
				loaded,
				{ op: 'set-clause', clause: 'c-2-2-1', text: '我的版本。' },
				hr,
			);
		} catch (error) {
			conflict = error as DraftConflict;
		}
		expect(conflict).toBeInstanceOf(DraftConflict);
		expect(conflict!.commits.map((c) => c.author)).toEqual(['陳志明']);
		expect(conflict!.clauses.map((c) => c.text)).toEqual(['員工因病得請病假。']);
		expect(
			readFileSync(
				join(
					dir(),
					readdirSync(dir()).find((n) => n.startsWith('02-'))!,
				),
				'utf8',
			),
		).toContain('員工因病得請病假。');
	});

	it('refuses text that would stand outside a clause', () => {
		expect(() => save({ op: 'set-clause', clause: 'c-2-2-1', text: '</Clause>\n\n外面的文字' })).not.toThrow();
		// Escaped: the text stays inside its clause.
		const file = readFileSync(
			join(
				dir(),
				readdirSync(dir()).find((n) => n.startsWith('02-'))!,
			),
			'utf8',
		);
		expect(file).toContain('\\</Clause\\>');
		expect(() => save({ op: 'delete-clause', clause: 'c-nope' })).toThrow(EditError);
	});

	it('submits and returns to draft with commits', () => {
		save({ op: 'set-summary', changeSummary: ['病假規定修訂。'], substitutions: [] });
		const submitted = submitAndCommit(options, 'leave-policy', '1.2', hr);
		expect(submitted.submittedHash).toMatch(/^[0-9a-f]{64}$/);
		const meta = parse(readFileSync(join(dir(), 'version.yaml'), 'utf8'));
		expect(meta.status).toBe('in-review');
		expect(log().split('\n')[0]).toMatch(/leave-policy 1.2: submitted for review/);
		requestChangesAndCommit(options, 'leave-policy', '1.2', other, 2);
		expect(parse(readFileSync(join(dir(), 'version.yaml'), 'utf8')).status).toBe('draft');
		expect(log().split('\n')[0]).toBe(
			'陳志明 <chen@example.com>|leave-policy 1.2: changes requested, back to draft (2 comments)',
		);
	});

	it('creates a new policy as a 1.0 draft that loads', () => {
		createPolicy(options, { id: 'travel', title: '差旅管理辦法', audience: '全體員工', numbering: 'zh-statute' }, hr);
		const travel = loadContentOrThrow({ policiesDir: options.policiesDir, root }).find((p) => p.id === 'travel')!;
		expect(travel.versions.map((v) => v.meta.status)).toEqual(['draft']);
		expect(log().split('\n')[0]).toBe('林美華 <hr@example.com>|travel 1.0: new policy 「差旅管理辦法」');
	});
});
