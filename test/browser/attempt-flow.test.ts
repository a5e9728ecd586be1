/**
 * The attempt flow in Chromium against the real server: a countdown to the
 * server's deadline, answers and a review flag saved as the person goes and
 * back after a reload and after the connection drops, a summary of the
 * unanswered and flagged questions before submitting, citations named by
 * their displayed numbers and titles, and the certificate with its code.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};
const shots = join(projectRoot, 'test-output/screenshots');

let browser: Browser;
let server: RunningServer;
const dbFile = sqliteFileInTemp();

beforeAll(async () => {
	mkdirSync(shots, { recursive: true });
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			{ ...fixtureServerEnv, ZHIDU_DB_FILE: dbFile, ZHIDU_COMPANY_NAME: '範例生技股份有限公司' },
			dirname(inject('fixtureProductionSiteDir')),
		),
	]);
	const hr = await setUpHr(server);
	await hr.write('/api/v1/people', 'POST', {
		employeeId: 'F001',
		name: '林作答',
		email: 'taker@example.com',
		department: '運營部',
		role: 'staff',
	});
	const set = await zhidu(['users', 'set-password', 'taker@example.com'], {
		env: { ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: 'taker password' },
	});
	expect(set.status, set.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** Answers question n (1-based) rightly. */
async function answerRight(page: Page, n: number) {
	const box = page.locator(`#question-${n}`);
	const id = (await box.getAttribute('data-question'))!;
	const question = bank.questions.find((q) => q.id === id)!;
	const values =
		question.type === 'true-false'
			? [String(question.answer)]
			: question.options!.filter((o) => o.correct).map((o) => o.id);
	for (const value of values) await box.locator(`input[name="q-${id}"][value="${value}"]`).check();
	return { id, values };
}

const saved = (page: Page) => page.locator('[data-save-status]', { hasText: '答案已儲存' }).waitFor();

describe('taking a timed quiz', () => {
	it(
		'countdown, autosave, flag, resume after a reload and offline, summary, then the certificate',
		{ timeout: 120_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
			const page = await context.newPage();
			const errors: string[] = [];
			// Console errors other than the requests that fail while offline on purpose (and the browser's favicon guess).
			page.on(
				'console',
				(m) =>
					m.type() === 'error' &&
					!/ERR_INTERNET_DISCONNECTED/.test(m.text()) &&
					!m.location().url.endsWith('/favicon.ico') &&
					errors.push(`${m.text()} ${m.location().url}`),
			);
			page.on('pageerror', (e) => errors.push(e.message));
			page.on('response', (r) => r.status() === 404 && errors.push(`404 ${r.url()}`));
			await page.goto(`${server.url}/login/?next=/quizzes/leave-policy/attempt/`);
			await page.getByLabel('電子郵件').fill('taker@example.com');
			await page.getByLabel('密碼').fill('taker password');
			await page.getByRole('button', { name: '登入' }).click();
			await page.getByRole('button', { name: '開始測驗' }).click();
			await page.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
			const attemptUrl = page.url();

			// The countdown shows the time left on the server's deadline (10 minutes) and runs.
			const countdown = page.locator('[data-countdown]');
			await countdown.filter({ hasText: /剩餘時間 (09:5\d|10:00)/ }).waitFor();
			expect(await countdown.isVisible()).toBe(true);
			const before = await countdown.innerText();
			await page.waitForFunction(
				(text) => document.querySelector('[data-countdown]')!.textContent!.trim() !== text,
				before,
			);

			// Answers are saved as the person goes; a question flagged for review.
			const first = await answerRight(page, 1);
			await saved(page);
			const second = await answerRight(page, 2);
			await page.locator('#question-3').getByLabel('標記待複查').check();
			await saved(page);
			expect(await page.locator('#question-3').getAttribute('class')).toContain('flagged');

			// A reload resumes with the answers and the flag.
			await page.reload();
			await page.locator('[data-save-status]', { hasText: '已恢復' }).waitFor();
			for (const { id, values } of [first, second])
				for (const value of values)
					expect(await page.locator(`input[name="q-${id}"][value="${value}"]`).isChecked()).toBe(true);
			expect(await page.locator('#question-3').getByLabel('標記待複查').isChecked()).toBe(true);

			// The connection drops: the answer waits in the page and is saved when it is back.
			await context.setOffline(true);
			const fourth = await answerRight(page, 4);
			await page.locator('[data-save-status]', { hasText: '連線中斷' }).waitFor();
			await context.setOffline(false);
			await saved(page);
			const api = (await (
				await page.request.get(`${server.url}/api/v1/attempts/${attemptUrl.split('/').at(-2)}`)
			).json()) as {
				attempt: { saved: { answers: Record<string, unknown>; flagged: string[] } };
			};
			expect(Object.keys(api.attempt.saved.answers).sort()).toEqual([first.id, second.id, fourth.id].sort());

			// Submitting first shows what is unanswered and flagged, and asks to confirm.
			await page.getByRole('button', { name: '送出答案' }).click();
			const summary = page.getByRole('dialog', { name: '送出前確認' });
			await summary.waitFor();
			expect(await summary.innerText()).toContain('已作答 3 題，共 5 題');
			expect(await summary.locator('[data-summary-unanswered] li').allInnerTexts()).toEqual(['第 3 題', '第 5 題']);
			expect(await summary.locator('[data-summary-flagged] li').allInnerTexts()).toEqual(['第 3 題']);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			// The countdown stays in view below the site's sticky header when the page is scrolled.
			const bar = (await page.locator('[data-countdown]').boundingBox())!;
			const header = (await page.locator('header').first().boundingBox())!;
			expect(bar.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
			expect(bar.y).toBeLessThan(200);
			await keepScreenshot(page, { path: join(shots, 'attempt-summary-360.png') });
			await page.setViewportSize({ width: 1280, height: 800 });
			await keepScreenshot(page, { path: join(shots, 'attempt-summary-1280.png') });
			// Back to the questions from the summary: a link goes to the question.
			await summary.getByRole('link', { name: '第 5 題' }).click();
			expect(await summary.isVisible()).toBe(false);
			await answerRight(page, 3);
			await answerRight(page, 5);
			await saved(page);
			await page.getByRole('button', { name: '送出答案' }).click();
			await summary.waitFor();
			expect(await summary.locator('[data-summary-unanswered]').isVisible()).toBe(false);
			await summary.getByRole('button', { name: '確認送出' }).click();
			await page.waitForURL(attemptUrl);
			await page.locator('#result-heading', { hasText: '通過' }).waitFor();

			// Citations: the clause's displayed numbers and title, linked, one per line, never a raw id.
			const citations = page.locator('.feedback ul.citations li');
			expect(await citations.count()).toBeGreaterThanOrEqual(5);
			for (const text of await citations.allInnerTexts()) {
				expect(text).toMatch(/^參見條文 第.章/);
				expect(text).not.toMatch(/\bc-\d/);
			}
			expect(await page.locator('.feedback ul.citations li > a[href*="/policies/leave-policy/1.1/"]').count()).toBe(
				await citations.count(),
			);

			// The certificate: company, person, quiz, version, dates and the verification code.
			await page.getByRole('link', { name: '檢視證書' }).click();
			const certificate = page.locator('[data-certificate]');
			await certificate.waitFor();
			const text = await certificate.innerText();
			for (const part of ['範例生技股份有限公司', '林作答', '請假管理辦法 認證測驗', '第 1.1 版', '有效期限', '驗證碼'])
				expect(text).toContain(part);
			await keepScreenshot(page, { path: join(shots, 'certificate-1280.png'), fullPage: true });
			await page.setViewportSize({ width: 360, height: 800 });
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			await keepScreenshot(page, { path: join(shots, 'certificate-360.png'), fullPage: true });
			const verifyUrl = (await certificate.locator('a[href*="/verify/"]').getAttribute('href'))!;
			expect(errors).toEqual([]);
			await context.close();

			// Anyone with the code, not signed in.
			const outsider = await browser.newContext({ viewport: { width: 360, height: 800 } });
			const check = await outsider.newPage();
			await check.goto(verifyUrl);
			expect(await check.locator('[data-verdict]').getAttribute('data-verdict')).toBe('current');
			expect(await check.locator('main').innerText()).toContain('林作答');
			await keepScreenshot(check, { path: join(shots, 'verify-360.png'), fullPage: true });
			await outsider.close();
		},
	);
});
