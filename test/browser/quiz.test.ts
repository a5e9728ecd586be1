/**
 * Taking a certification quiz in Chromium against the real server: sign in,
 * fail, wait out the cool-down, pass, open the certificate and its
 * verification page, and find the attempts in the database.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { keepScreenshot } from '../support/screenshots.ts';

const bank = parse(readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: {
		id: string;
		type: string;
		answer?: boolean;
		options?: { id: string; text: string; correct?: boolean }[];
	}[];
};

let browser: Browser;
let server: RunningServer;
const dbFile = sqliteFileInTemp();

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer({ ...fixtureServerEnv, ZHIDU_DB_FILE: dbFile }, dirname(inject('fixtureProductionSiteDir'))),
	]);
	const hr = await setUpHr(server);
	await hr.write('/api/v1/people', 'POST', {
		employeeId: 'N001',
		name: '新進員工',
		email: 'newhire@example.com',
		department: '運營部',
		role: 'staff',
	});
	expect(
		(
			await zhidu(['users', 'set-password', 'newhire@example.com'], {
				env: { ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: 'new hire password' },
			})
		).status,
	).toBe(0);
}, 60_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** Answers every question on the attempt page, rightly or wrongly, with the keyboard-free form controls. */
async function answerAll(page: Page, right: boolean) {
	for (const fieldset of await page.locator('fieldset.question').all()) {
		const inputs = fieldset.locator('input');
		const name = (await inputs.first().getAttribute('name'))!.slice(2);
		const question = bank.questions.find((q) => q.id === name)!;
		if (question.type === 'true-false') {
			const value = right ? String(question.answer) : String(!question.answer);
			await fieldset.locator(`input[value="${value}"]`).check();
		} else {
			const options = question.options!.filter((o) => (right ? o.correct : !o.correct)).slice(0, right ? undefined : 1);
			for (const option of options) await fieldset.locator(`input[value="${option.id}"]`).check();
		}
	}
}

describe('a new hire takes the quiz', () => {
	it('fails, retakes after the cool-down, passes, and gets a verifiable certificate', { timeout: 90_000 }, async () => {
		const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
		const page = await context.newPage();
		await page.goto(`${server.url}/login/?next=/quizzes/leave-policy/`);
		await page.getByLabel('電子郵件').fill('newhire@example.com');
		await page.getByLabel('密碼').fill('new hire password');
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL(/\/quizzes\/leave-policy\/$/);
		// The per-person status comes from the API after the page loads.
		await page.locator('[data-quiz-status][data-state="none"]').waitFor();

		await page.getByRole('link', { name: '開始測驗' }).click();
		await page.getByRole('button', { name: '開始測驗' }).click();
		await page.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
		expect(await page.locator('fieldset.question').count()).toBe(5);
		expect(await page.locator('legend').first().innerText()).toContain('第 1 題，共 5 題');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: 'test-output/screenshots/quiz-attempt-360.png', fullPage: true });
		await answerAll(page, false);
		await page.getByRole('button', { name: '送出答案' }).click();
		// The summary before submitting asks to confirm.
		await page.getByRole('dialog', { name: '送出前確認' }).getByRole('button', { name: '確認送出' }).click();
		await page.waitForLoadState();
		expect(await page.locator('#result-heading').innerText()).toBe('未通過');
		// On a fail neither the right options nor the explanations: only the score and the clauses to re-read.
		expect(await page.locator('.feedback li').count()).toBe(0);
		expect(await page.locator('.result').innerText()).not.toMatch(/正確答案：|說明：/);
		expect(await page.locator('[data-reread] a[href*="/policies/leave-policy/1.1/"]').count()).toBeGreaterThan(0);
		await keepScreenshot(page, { path: 'test-output/screenshots/quiz-result-360.png', fullPage: true });
		const failedAttempt = page.url();

		// Too soon: the server refuses; after the cool-down it draws a new attempt.
		await page.goto(`${server.url}/quizzes/leave-policy/attempt/`);
		await page.getByRole('button', { name: '開始測驗' }).click();
		expect(await page.locator('[role="alert"]').innerText()).toContain('可於');
		await page.waitForTimeout(3500);
		await page.goto(`${server.url}/quizzes/leave-policy/attempt/`);
		await page.getByRole('button', { name: '開始測驗' }).click();
		await page.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
		expect(page.url()).not.toBe(failedAttempt);
		await answerAll(page, true);
		await page.getByRole('button', { name: '送出答案' }).click();
		// The summary before submitting asks to confirm.
		await page.getByRole('dialog', { name: '送出前確認' }).getByRole('button', { name: '確認送出' }).click();
		await page.waitForLoadState();
		expect(await page.locator('#result-heading').innerText()).toBe('通過');
		expect(await page.locator('.result').innerText()).toContain('得分 100');

		await page.getByRole('link', { name: '檢視證書' }).click();
		await keepScreenshot(page, { path: 'test-output/screenshots/certificate-360.png', fullPage: true });
		const certificate = await page.locator('.certificate').innerText();
		expect(certificate).toContain('新進員工');
		// The employee id is not on the certificate (it may be shown to others); the name is.
		expect(certificate).not.toContain('N001');
		expect(certificate).toContain('1.1');
		const verifyUrl = await page.locator('.certificate a[href*="/verify/"]').getAttribute('href');
		await context.close();

		// HR checks the certificate (by its verification code, like anyone holding it).
		const hrContext = await browser.newContext();
		const hrPage = await hrContext.newPage();
		await hrPage.goto(`${server.url}/login/?next=${encodeURIComponent(new URL(verifyUrl!).pathname)}`);
		await hrPage.getByLabel('電子郵件').fill('hr@example.com');
		await hrPage.getByLabel('密碼').fill('first hr password');
		await hrPage.getByRole('button', { name: '登入' }).click();
		await hrPage.waitForURL(/\/verify\//);
		expect(await hrPage.locator('[data-verdict]').getAttribute('data-verdict')).toBe('current');
		expect(await hrPage.locator('[data-verdict]').innerText()).toContain('有效');
		await hrContext.close();

		// Both attempts are records in the database, the pass graded once.
		const db = new DatabaseSync(dbFile, { readOnly: true });
		const rows = db
			.prepare(
				'select a.id, g.passed, g.score from attempts a join attempt_grades g on g.attempt_id = a.id order by g.graded_at',
			)
			.all() as { passed: number; score: number }[];
		db.close();
		expect(rows.map((r) => [r.passed, r.score])).toEqual([
			[0, 0],
			[1, 100],
		]);
	});
});
