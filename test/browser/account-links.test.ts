/**
 * The new account screens (issue 16) in Chromium at 360 and 1280 px: "forgot password" and its answer,
 * an unusable reset link, and the reminders setting on the account page (saved and shown again).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { keepScreenshot } from '../support/screenshots.ts';

let browser: Browser;
let server: RunningServer;
const shots = 'test-output/screenshots';

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			{ ...fixtureServerEnv, ZHIDU_DB_FILE: sqliteFileInTemp() },
			dirname(inject('fixtureProductionSiteDir')),
		),
	]);
	await setUpHr(server);
	mkdirSync(shots, { recursive: true });
}, 120_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const both = async (page: Page, name: string) => {
	for (const width of [1280, 360]) {
		await page.setViewportSize({ width, height: 800 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
		await keepScreenshot(page, { path: `${shots}/${name}-${width}.png`, fullPage: true });
	}
};

describe('account screens', () => {
	it('forgot password: the form, then the same answer for any email', async () => {
		const page = await browser.newPage();
		await page.goto(`${server.url}/login/`);
		await page.getByRole('link', { name: '忘記密碼？' }).click();
		await page.waitForURL(/\/forgot\/$/);
		await both(page, 'forgot');
		await page.getByLabel('電子郵件').fill('nobody@example.com');
		await page.getByRole('button', { name: '寄送重設連結' }).click();
		expect(await page.getByRole('status').innerText()).toContain('若此電子郵件屬於本系統的帳號');
		await both(page, 'forgot-sent');
		await page.goto(`${server.url}/reset/?token=not-a-token`);
		expect(await page.getByRole('alert').innerText()).toContain('此連結已使用、已過期或無效');
		await both(page, 'reset-unusable');
		await page.close();
	});

	it('turns reminders off on the account page', async () => {
		const page = await browser.newPage();
		await page.goto(`${server.url}/login/?next=/account/`);
		await page.getByLabel('電子郵件').fill('hr@example.com');
		await page.getByLabel('密碼').fill('first hr password');
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL(/\/account\/$/);
		const box = page.getByLabel('寄送到期與逾期提醒給我');
		expect(await box.isChecked()).toBe(true);
		await box.uncheck();
		await page.getByRole('button', { name: '儲存' }).click();
		await page.waitForURL(/saved=reminders/);
		expect(await page.getByLabel('寄送到期與逾期提醒給我').isChecked()).toBe(false);
		await both(page, 'account-reminders');
		await page.close();
	});
});
