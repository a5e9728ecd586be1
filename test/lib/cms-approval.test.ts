/**
 * Approval as an electronic signature (issue 17, item 5), on SQLite and PostgreSQL: bound to the text hash,
 * refused to the draft's editors, N approving signatures, failed tries limited, the manifestation written
 * into version.yaml, and an edit after signing voids the signature. Commits go to a temporary repository.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addPerson, setPassword } from '#lib/auth/people.ts';
import { cliActor } from '#lib/auth/audit.ts';
import { signApproval, versionSignatures } from '#lib/cms/approval.ts';
import {
	draftRevision,
	lastCommit,
	requestChangesAndCommit,
	reviseAndCommit,
	saveDraftEdit,
	submitAndCommit,
	type CmsOptions,
} from '#lib/cms/drafts.ts';
import { contentRepository } from '#lib/cms/git.ts';
import { versionHash } from '#lib/content/version-hash.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe.each(testDatabases)('signed approval ($name)', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let root: string;
	let options: CmsOptions;
	const people: Record<string, { id: string; name: string; email: string; role: 'hr' }> = {};

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		root = mkdtempSync(join(tmpdir(), 'zhidu-approval-'));
		const policiesDir = join(root, 'policies');
		mkdirSync(policiesDir);
		cpSync(join(projectRoot, 'test/fixtures/content/policies/leave-policy'), join(policiesDir, 'leave-policy'), {
			recursive: true,
		});
		for (const v of ['2.0', '2.1', '2.2']) rmSync(join(policiesDir, 'leave-policy', v), { recursive: true });
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
		options = { policiesDir, root, today: '2026-12-01', repository: contentRepository(policiesDir) };
		for (const [key, name, email] of [
			['author', '林人資', 'author@example.com'],
			['approver', '陳核准', 'approver@example.com'],
			['second', '張二簽', 'second@example.com'],
		] as const) {
			const person = await addPerson(
				store,
				{ employeeId: key, name, email, department: '人資', role: 'hr' },
				cliActor(),
			);
			await setPassword(store, person.id, `${key} password`, cliActor());
			people[key] = { id: person.id, name, email, role: 'hr' };
		}
		const draft = reviseAndCommit(options, 'leave-policy', people['author']!);
		const edit = (e: Parameters<typeof saveDraftEdit>[4]) =>
			saveDraftEdit(
				options,
				'leave-policy',
				draft.version,
				{ revision: draftRevision(draft.dir), since: lastCommit(options, draft.dir) },
				e,
				people['author']!,
			);
		edit({ op: 'set-clause', clause: 'c-2-2-1', text: '員工因病需治療或休養者，得請病假，並檢附醫療證明。' });
		edit({ op: 'set-summary', changeSummary: ['病假應檢附醫療證明。'], substitutions: [] });
		submitAndCommit(options, 'leave-policy', '1.2', people['author']!);
	});
	afterAll(async () => {
		await drop();
		rmSync(root, { recursive: true, force: true });
	});

	const signAs = (key: string, password: string, meaning = '核准', signaturesRequired = 2) =>
		signApproval(store, options, {
			policyId: 'leave-policy',
			version: '1.2',
			signer: people[key]!,
			credential: password,
			method: 'account-password',
			meaning,
			effective: '2026-12-02',
			timeZone: 'Asia/Taipei',
			settings: { signaturesRequired, editorsMayApprove: false },
		});
	const meta = () => parse(readFileSync(join(options.policiesDir, 'leave-policy/1.2/version.yaml'), 'utf8'));

	it('refuses the draft’s editor, and a wrong password signs nothing', async () => {
		await expect(signAs('author', 'author password')).rejects.toThrow(/you edited this draft/);
		expect(await signAs('approver', 'wrong')).toEqual({ ok: false, reason: 'invalid' });
	});

	it('limits failed signing tries like sign-ins', async () => {
		for (let i = 0; i < 5; i++) await signAs('second', 'wrong');
		const limited = await signAs('second', 'second password');
		expect(limited).toMatchObject({ ok: false, reason: 'rate-limited' });
	});

	it('an edit after signing voids the signature; N approving signatures approve it with their manifestation', async () => {
		const first = await signAs('approver', 'approver password');
		expect(first).toMatchObject({ ok: true, approved: false, approving: 1, required: 2 });
		// Back to draft, edited and submitted again: the signature no longer applies to the text.
		requestChangesAndCommit(options, 'leave-policy', '1.2', people['approver']!, 0);
		const dir = join(options.policiesDir, 'leave-policy/1.2');
		saveDraftEdit(
			options,
			'leave-policy',
			'1.2',
			{ revision: draftRevision(dir) },
			{ op: 'set-clause', clause: 'c-2-2-1', text: '員工因病得請病假，並檢附醫療證明。' },
			people['author']!,
		);
		submitAndCommit(options, 'leave-policy', '1.2', people['author']!);
		const policy = loadContentOrThrow({ policiesDir: options.policiesDir, root }).find((p) => p.id === 'leave-policy')!;
		const hash = versionHash(policy, '1.2');
		const after = await versionSignatures(store, 'leave-policy', '1.2', hash);
		expect(after.valid).toHaveLength(0);
		expect(after.voided).toHaveLength(1);
		// A review signature (審核) does not approve; two approving ones do.
		expect(await signAs('approver', 'approver password', '審核')).toMatchObject({
			ok: true,
			approved: false,
			approving: 0,
		});
		expect(await signAs('approver', 'approver password')).toMatchObject({ ok: true, approved: false, approving: 1 });
		expect(meta().status).toBe('in-review');
		// 張二簽 is locked out by the failed tries above: a third person signs.
		const third = await addPerson(
			store,
			{ employeeId: 'third', name: '周三簽', email: 'third@example.com', department: '人資', role: 'hr' },
			cliActor(),
		);
		await setPassword(store, third.id, 'third password', cliActor());
		people['third'] = { id: third.id, name: '周三簽', email: 'third@example.com', role: 'hr' };
		const done = await signAs('third', 'third password');
		expect(done).toMatchObject({ ok: true, approved: true, approving: 2, required: 2 });
		const approved = meta();
		expect(approved.status).toBe('approved');
		expect(approved.effective).toBe('2026-12-02');
		expect(
			approved.approval.signatures.map((s: { name: string; meaning: string; textHash: string }) => [
				s.name,
				s.meaning,
				s.textHash,
			]),
		).toEqual([
			['陳核准', '核准', hash],
			['周三簽', '核准', hash],
		]);
		expect(git(root, 'log', '-1', '--format=%an|%s')).toBe(
			'周三簽|leave-policy 1.2: approved, signed by 陳核准 (核准), 周三簽 (核准), effective 2026-12-02',
		);
	});
});
