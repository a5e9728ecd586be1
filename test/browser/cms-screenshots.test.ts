/**
 * Screenshots of HR's publishing screens (issue 17) at 360, 768 and 1280 px, into test-output/screenshots/ (docs/screenshots/ keeps the committed, looked-at copies): the
 * policy list, the clause editor with its redline and a conflict, and the signing dialog. Also checks
 * what a narrow screen must not do: scroll sideways.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { keepScreenshot } from '../support/screenshots.ts';

const shots = join(projectRoot, 'test-output/screenshots');
const widths = [360, 768, 1280] as const;
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
let browser: Browser;
let server: RunningServer;
let root: string;
const dbFile = sqliteFileInTemp();

beforeAll(async () => {
	root = join(projectRoot, 'test-output', 'cms-screenshots');
	rmSync(root, { recursive: true, force: true });
	mkdirSync(join(root, 'content'), { recursive: true });
	mkdirSync(shots, { recursive: true });
	cpSync(join(projectRoot, 'content/policies'), join(root, 'content/policies'), { recursive: true });
	cpSync(join(projectRoot, 'quizzes'), join(root, 'quizzes'), { recursive: true });
	git(root, 'init', '--quiet');
	git(root, 'add', '.');
	git(root, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'content');
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			{
				ZHIDU_CONTENT_DIR: join(root, 'content/policies'),
				ZHIDU_QUIZZES_DIR: join(root, 'quizzes'),
				ZHIDU_DB_FILE: dbFile,
				ZHIDU_PUBLISH: 'off',
			},
			inject('serverDistDir'),
		),
	]);
	const hr = await setUpHr(server);
	await hr.write('/api/v1/people', 'POST', {
		employeeId: 'HR002',
		name: '陳審查',
		email: 'reviewer@example.com',
		department: '品質部',
		role: 'hr',
	});
	await zhidu(['users', 'set-password', 'reviewer@example.com'], {
		env: { ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: 'reviewer password' },
	});
}, 120_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signIn(page: Page, email: string, password: string, next: string) {
	await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
	await page.getByLabel('電子郵件').fill(email);
	await page.getByLabel('密碼').fill(password);
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

async function shoot(page: Page, name: string, fullPage = true) {
	for (const width of widths) {
		await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
		await page.waitForTimeout(0);
		expect(
			await page.evaluate(() => document.documentElement.scrollWidth),
			`${name} at ${width}px`,
		).toBeLessThanOrEqual(width);
		await keepScreenshot(page, { path: join(shots, `${name}-${width}.png`), fullPage });
	}
}

describe('HR publishing screens', () => {
	it(
		'the policy list, the editor with its redline and a conflict, the signing dialog',
		{ timeout: 300_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const page = await context.newPage();
			await signIn(page, 'hr@example.com', 'first hr password', '/hr/policies/');
			await page
				.locator('[data-policy="pharma-operations-department"]')
				.getByRole('button', { name: '修訂（建立下一版草稿）' })
				.click();
			await page.waitForURL(/\/1\.2\/$/);
			await page.goto(`${server.url}/hr/policies/`);
			await shoot(page, 'cms-policy-list');

			await page.goto(`${server.url}/hr/policies/pharma-operations-department/1.2/?chapter=ch-3`);
			const other = await context.newPage();
			await other.goto(page.url());
			const clause = page.locator('#k-c-3-1-2');
			await clause
				.locator('textarea[name="text"]')
				.fill('在開展專項調研時,需提前制定詳細的調研方案,經運營經理及品質部審核批准後實施。');
			await clause.getByRole('button', { name: '儲存', exact: true }).click();
			await page.waitForURL(/#k-/);
			const stale = other.locator('#k-c-3-1-2');
			await stale.locator('textarea[name="text"]').fill('在開展專項調研時,需提前兩週制定調研方案。');
			await stale.getByRole('button', { name: '儲存', exact: true }).click();
			await other.locator('[data-conflict]').waitFor();
			await shoot(other, 'cms-editor-conflict');

			await page.getByLabel('修訂摘要（每行一項）').fill('專項調研方案須經品質部會同審核。');
			await page.locator('form:has(textarea[name="changeSummary"]) button[value="set-summary"]').click();
			await page.waitForLoadState();
			const confirm = page.locator('#reviews button[value="confirm-review"]');
			while ((await confirm.count()) > 0) {
				await confirm.first().click();
				await page.waitForLoadState();
			}
			await page.getByRole('button', { name: '送審' }).click();
			await page.waitForLoadState();

			const reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const reviewer = await reviewerContext.newPage();
			await signIn(
				reviewer,
				'reviewer@example.com',
				'reviewer password',
				'/hr/policies/pharma-operations-department/1.2/',
			);
			await reviewer.getByRole('button', { name: '簽核' }).click();
			await reviewer.locator('[data-sign-dialog]').waitFor();
			await shoot(reviewer, 'cms-signing-dialog', false);
			await Promise.all([context.close(), reviewerContext.close()]);
		},
	);
});
