/**
 * First start to a working sign-in, as a person does it in Chromium: the
 * setup link, the first HR account, reading, the HR page, signing out.
 */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { keepScreenshot } from '../support/screenshots.ts';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer({ ZHIDU_DB_FILE: sqliteFileInTemp() }, dirname(inject('siteDir'))),
	]);
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('first start, in the browser', () => {
	it('setup link → first HR account → reading → HR page → sign out', { timeout: 60_000 }, async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		// Nothing is readable before signing in.
		await page.goto(`${server.url}/policies/pharma-operations-department/`);
		expect(new URL(page.url()).pathname).toBe('/login/');
		expect(await page.locator('h1').innerText()).toBe('登入');

		await page.goto(server.setupUrl!);
		await page.getByLabel('姓名').fill('林人資');
		await page.getByLabel('電子郵件').fill('hr@example.com');
		await page.getByLabel('員工編號').fill('HR001');
		await page.getByLabel('部門').fill('人力資源部');
		await page.getByLabel('密碼', { exact: true }).fill('first hr password');
		await page.getByLabel('再次輸入密碼').fill('first hr password');
		await page.getByRole('button', { name: '建立人資帳號' }).click();
		await page.waitForURL(`${server.url}/`);
		expect(await page.locator('h1').innerText()).toBe('制度');

		await page.goto(`${server.url}/hr/`);
		await page.locator('form:has(input[value="add"])').getByLabel('員工編號').fill('S001');
		await page.locator('form:has(input[value="add"])').getByLabel('姓名').fill('陳員工');
		await page.locator('form:has(input[value="add"])').getByLabel('電子郵件').fill('staff@example.com');
		await page.locator('form:has(input[value="add"])').getByLabel('部門').fill('運營部');
		await page.getByRole('button', { name: '新增', exact: true }).click();
		expect(await page.getByRole('status').first().innerText()).toContain('已新增 staff@example.com');
		expect(await page.locator('table').innerText()).toContain('陳員工');
		await keepScreenshot(page, { path: 'test-output/screenshots/hr-1280.png', fullPage: true });

		await page.goto(`${server.url}/account/`);
		await page.getByRole('button', { name: '登出' }).click();
		await page.waitForURL(/\/login\/$/);
		await page.goto(`${server.url}/policies/pharma-operations-department/`);
		expect(new URL(page.url()).pathname).toBe('/login/');

		// Signing in again returns to the page asked for.
		await page.getByLabel('電子郵件').fill('hr@example.com');
		await page.getByLabel('密碼').fill('first hr password');
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL(`${server.url}/policies/pharma-operations-department/`);
		await context.close();
	});
});
