/**
 * HR publishes from the browser (issue 17), in Chromium against the real server, on a temporary git
 * repository holding a copy of the content and quiz banks (never the project's own repository): revise,
 * edit a clause, a conflicting save from a second tab, submit; each step a commit authored by the person.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

let browser: Browser;
let server: RunningServer;
let root: string;
const dbFile = sqliteFileInTemp();
const policy = 'pharma-operations-department';

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'zhidu-cms-browser-'));
	mkdirSync(join(root, 'content'), { recursive: true });
	cpSync(join(projectRoot, 'content/policies'), join(root, 'content/policies'), { recursive: true });
	cpSync(join(projectRoot, 'quizzes'), join(root, 'quizzes'), { recursive: true });
	git(root, 'init', '--quiet');
	git(root, 'add', '.');
	execFileSync('git', ['commit', '--quiet', '-m', 'content as deployed'], {
		cwd: root,
		env: {
			...process.env,
			GIT_AUTHOR_NAME: 'dev',
			GIT_AUTHOR_EMAIL: 'dev@example.com',
			GIT_COMMITTER_NAME: 'dev',
			GIT_COMMITTER_EMAIL: 'dev@example.com',
		},
	});
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			{
				ZHIDU_CONTENT_DIR: join(root, 'content/policies'),
				ZHIDU_QUIZZES_DIR: join(root, 'quizzes'),
				ZHIDU_DB_FILE: dbFile,
			},
			inject('serverDistDir'),
		),
	]);
	const hr = await setUpHr(server);
	const response = await hr.write('/api/v1/people', 'POST', {
		employeeId: 'HR002',
		name: '陳審查',
		email: 'reviewer@example.com',
		department: '品質部',
		role: 'hr',
	});
	expect(response.status, await response.clone().text()).toBe(201);
	expect(
		(
			await zhidu(['users', 'set-password', 'reviewer@example.com'], {
				env: { ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: 'reviewer password' },
			})
		).status,
	).toBe(0);
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	if (root) rmSync(root, { recursive: true, force: true });
});

async function signIn(page: Page, email: string, password: string, next: string) {
	await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
	await page.getByLabel('電子郵件').fill(email);
	await page.getByLabel('密碼').fill(password);
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

const lastCommits = (n: number) => git(root, 'log', `-${n}`, '--format=%an|%s').split('\n');

describe('HR in the browser', () => {
	it('revises, edits a clause, meets a conflict instead of overwriting, and submits: each a commit by the person', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, 'hr@example.com', 'first hr password', '/hr/policies/');
		const card = page.locator(`[data-policy="${policy}"]`);
		await expect.poll(() => card.innerText()).toContain('現行');
		await card.getByRole('button', { name: '修訂（建立下一版草稿）' }).click();
		await page.waitForURL(new RegExp(`/hr/policies/${policy}/1\\.2/$`));
		expect(lastCommits(1)).toEqual([`林人資|${policy} 1.2: new draft from 1.1 (revise)`]);

		// Chapter 3, its first clause: edit the text and save.
		await page.getByRole('link', { name: /市場調研管理/ }).click();
		const first = page.locator('[data-clause]').first();
		const text = first.locator('textarea[name="text"]');
		await text.fill(
			'每年初,市場調研小組應根據公司戰略目標和市場情況,制定年度市場調研計劃,並於一月底前報運營經理核定。',
		);
		await first.getByRole('button', { name: '儲存', exact: true }).click();
		await page.waitForURL(/#k-/);
		expect(lastCommits(1)[0]).toMatch(new RegExp(`^林人資\\|${policy} 1.2: edit clause 一、`));
		// The redline beside it shows the change as substantive.
		await expect.poll(() => page.locator('[data-redline-card]').count()).toBeGreaterThan(0);

		// A second tab opened now; the first saves again, then the second's save is refused with what changed.
		const other = await context.newPage();
		await other.goto(page.url());
		await text.fill('每年初,市場調研小組應制定年度市場調研計劃。');
		await first.getByRole('button', { name: '儲存', exact: true }).click();
		await page.waitForURL(/#k-/);
		const stale = other.locator('[data-clause]').first();
		await stale.locator('textarea[name="text"]').fill('第二個分頁的文字');
		await stale.getByRole('button', { name: '儲存', exact: true }).click();
		const conflict = other.locator('[data-conflict]');
		await conflict.waitFor();
		expect(await conflict.innerText()).toContain('林人資');
		expect(await conflict.innerText()).toContain('第二個分頁的文字');
		expect(await other.locator('[data-clause] textarea[name="text"]').first().inputValue()).toBe(
			'每年初,市場調研小組應制定年度市場調研計劃。',
		);

		// Change summary, then submit for review.
		await page.getByLabel('修訂摘要（每行一項）').fill('年度市場調研計劃須報運營經理核定。');
		await page.locator('form:has(textarea[name="changeSummary"]) button[value="set-summary"]').click();
		await page.waitForLoadState();
		await page.getByRole('button', { name: '送審' }).click();
		await page.waitForLoadState();
		await expect.poll(() => page.locator('h1 .state').innerText()).toBe('審查中');
		expect(lastCommits(1)[0]).toMatch(new RegExp(`^林人資\\|${policy} 1.2: submitted for review`));
		await context.close();
	});
});
