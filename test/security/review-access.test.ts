/**
 * Who reaches a policy version's review page (/hr/policies/<policy>/<version>/), against the real server on
 * SQLite and PostgreSQL: HR, and the reviewers and approvers policy.yaml names (by email or role) even when
 * they are not HR. A staff member who is not named is refused the page and every post to it; a named
 * reviewer reads it without editing controls, may comment, but cannot change the text (nor sign); the
 * policy list stays HR's.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePoliciesDir } from '../support/build-site.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';

/** The fixture policies in a git repository of their own, leave-policy naming its reviewer and approver. */
function reviewedContent(): string {
	const root = mkdtempSync(join(tmpdir(), 'zhidu-review-access-'));
	const dir = join(root, 'policies');
	cpSync(fixturePoliciesDir, dir, { recursive: true });
	const file = join(dir, 'leave-policy/policy.yaml');
	writeFileSync(
		file,
		`${readFileSync(file, 'utf8')}reviewers:\n  - Reviewer@example.com\napprovers:\n  - approver@example.com\n`,
	);
	const git = (...args: string[]) =>
		execFileSync('git', args, {
			cwd: root,
			env: {
				...process.env,
				GIT_AUTHOR_NAME: 'dev',
				GIT_AUTHOR_EMAIL: 'dev@example.com',
				GIT_COMMITTER_NAME: 'dev',
				GIT_COMMITTER_EMAIL: 'dev@example.com',
			},
		});
	git('init', '--quiet');
	git('add', '.');
	git('commit', '--quiet', '-m', 'content');
	return dir;
}

const inReview = '/hr/policies/leave-policy/2.1/';
const draft = '/hr/policies/leave-policy/2.2/';

describe.each(testDatabases)('the review page of a policy version on $name', (database) => {
	let rig: SecurityRig;
	const people: Record<'outsider' | 'reviewer' | 'approver', Client> = {} as never;
	beforeAll(async () => {
		rig = await securityRig(database, { ZHIDU_CONTENT_DIR: reviewedContent() });
		for (const [who, employeeId] of [
			['outsider', 'R001'],
			['reviewer', 'R002'],
			['approver', 'R003'],
		] as const) {
			await staffWithPassword(rig, { employeeId, email: `${who}@example.com`, name: who }, `${who} password 1`);
			people[who] = new Client(rig.server.url);
			expect((await people[who].signIn(`${who}@example.com`, `${who} password 1`)).status).toBe(200);
		}
	}, 180_000);
	afterAll(() => rig?.close());

	const page = (client: Client, path: string) => client.request(path, { headers: { accept: 'text/html' } });
	const post = (client: Client, path: string, form: Record<string, string>) =>
		client.request(path, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: rig.server.url, accept: 'text/html' },
			body: new URLSearchParams({ ...form, _csrf: client.csrf! }),
		});
	const comments = async () => (await rig.store.db.selectFrom('clause_comments').selectAll().execute()).length;

	it('refuses a staff member the policy names nowhere: the page and every post to it', async () => {
		expect((await page(people.outsider, inReview)).status).toBe(403);
		expect((await page(people.outsider, draft)).status).toBe(403);
		for (const form of [
			{ op: 'comment', clause: 'c-1-0-1', body: '我不是審查人。' },
			{ op: 'request-changes', body: '退回' },
			{ op: 'sign', password: 'outsider password 1', meaning: '核准', effective: '2030-01-01' },
			{ op: 'set-clause', clause: 'c-1-0-1', text: '改寫', revision: 'x' },
		])
			expect((await post(people.outsider, inReview, form)).status).toBe(403);
		expect(await comments()).toBe(0);
	});

	it('lets a named reviewer read the version and comment, with no editing controls and no clause edits', async () => {
		const response = await page(people.reviewer, draft);
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain('data-reviewer-notice');
		expect(html).not.toMatch(/value="(set-clause|insert-clause|submit|move-clause-to-section|set-summary)"/);
		const reviewPage = await (await page(people.reviewer, inReview)).text();
		expect(reviewPage).toContain('value="comment"');
		expect(reviewPage).toContain('value="request-changes"');
		// A reviewer who is not an approver has no signing dialog.
		expect(reviewPage).not.toContain('data-sign-dialog');

		const commented = await post(people.reviewer, inReview, { op: 'comment', clause: 'c-1-0-1', body: '請再確認。' });
		expect(commented.status).toBe(303);
		expect(await comments()).toBe(1);
		for (const form of [
			{ op: 'set-clause', clause: 'c-1-0-1', text: '審查人改寫的條文。', revision: 'x' },
			{ op: 'delete-clause', clause: 'c-1-0-1', revision: 'x' },
			{ op: 'submit' },
			{ op: 'confirm-review', kind: 'knowledge-check', file: 'x', line: '1' },
			{ op: 'sign', password: 'reviewer password 1', meaning: '核准', effective: '2030-01-01' },
		]) {
			const refused = await post(people.reviewer, draft, form);
			expect(refused.status, form.op).toBe(403);
		}
		// The policy list and another policy's versions stay HR's.
		expect((await page(people.reviewer, '/hr/policies/')).status).toBe(403);
		expect((await page(people.reviewer, '/hr/')).status).toBe(403);
	});

	it('offers a named approver the signing dialog on the version in review', async () => {
		const html = await (await page(people.approver, inReview)).text();
		expect(html).toContain('data-sign-dialog');
		expect(html).not.toContain('value="set-clause"');
	});
});
