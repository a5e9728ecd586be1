/**
 * HR in the header (issue 20), against the real server with sign-in
 * required: HR lands on the dashboard after signing in without a `next`,
 * sees 人員管理 / 追蹤 in the header on server-rendered and prerendered pages
 * (staff do not), and reads the HR tables at 360 px as stacked rows. Signed
 * out, only the sign-in page and its furniture (favicon, touch icon,
 * robots.txt) are reachable.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { keepScreenshot } from '../support/screenshots.ts';

let browser: Browser;
let server: RunningServer;
const dbFile = sqliteFileInTemp();
const staffPassword = 'staff password';

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer({ ZHIDU_DB_FILE: dbFile }, dirname(inject('siteDir'))),
	]);
	const hr = await setUpHr(server);
	const response = await hr.write('/api/v1/people', 'POST', {
		employeeId: 'S200',
		name: '陳員工',
		email: 'staff@example.com',
		department: '運營部',
		hireDate: '2025-01-06',
		role: 'staff',
	});
	expect(response.status).toBe(201);
	const set = spawnSync(process.execPath, ['src/cli/zhidu.ts', 'users', 'set-password', 'staff@example.com'], {
		cwd: projectRoot,
		env: { ...process.env, ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: staffPassword },
		encoding: 'utf8',
	});
	expect(set.status, set.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signIn(page: Page, email: string, password: string) {
	await page.goto(`${server.url}/login/`);
	await page.getByLabel('電子郵件').fill(email);
	await page.getByLabel('密碼').fill(password);
	await page.getByRole('button', { name: '登入' }).click();
}

const hrLinks = (page: Page) =>
	page
		.locator('header.site [data-hr-link]:visible')
		.evaluateAll((links) => links.map((a) => `${a.textContent?.trim()} ${a.getAttribute('href')}`));

describe('HR in the header', () => {
	it(
		'HR lands on the dashboard and has 人員管理 / 追蹤 in the header on every kind of page',
		{ timeout: 60_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
			const page = await context.newPage();
			try {
				await signIn(page, 'hr@example.com', 'first hr password');
				await page.waitForURL(`${server.url}/hr/dashboard/`);
				expect(await hrLinks(page)).toEqual(['人員管理 /hr/', '追蹤 /hr/dashboard/', '制度管理 /hr/policies/']);
				mkdirSync(join(projectRoot, 'test-output/screenshots'), { recursive: true });
				await page.evaluate(() => document.fonts.ready);
				await keepScreenshot(page, { path: join(projectRoot, 'test-output/screenshots/reading-hr-header-1280.png') });
				// A prerendered page: known from this browser session.
				await page.goto(`${server.url}/policies/pharma-operations-department/1.1/ch-1/`);
				await expect
					.poll(() => hrLinks(page))
					.toEqual(['人員管理 /hr/', '追蹤 /hr/dashboard/', '制度管理 /hr/policies/']);
				await page.locator('header.site').getByRole('link', { name: '人員管理' }).click();
				await page.waitForURL(`${server.url}/hr/`);
				// An explicit `next` still wins.
				await page.goto(`${server.url}/account/`);
				await page.getByRole('button', { name: '登出' }).click();
				await page.waitForURL(/\/login\/$/);
				await page.goto(`${server.url}/policies/operating-model-process/`);
				await page.getByLabel('電子郵件').fill('hr@example.com');
				await page.getByLabel('密碼').fill('first hr password');
				await page.getByRole('button', { name: '登入' }).click();
				await page.waitForURL(`${server.url}/policies/operating-model-process/`);
				// The sign-in page forgot the role, so this prerendered page asks /api/v1/me.
				await expect
					.poll(() => hrLinks(page))
					.toEqual(['人員管理 /hr/', '追蹤 /hr/dashboard/', '制度管理 /hr/policies/']);
			} finally {
				await context.close();
			}
		},
	);

	it(
		'at 360 px the HR links are in the menu, and the dashboard tables stack into rows',
		{ timeout: 60_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
			const page = await context.newPage();
			try {
				await signIn(page, 'hr@example.com', 'first hr password');
				await page.waitForURL(`${server.url}/hr/dashboard/`);
				expect(await hrLinks(page)).toEqual([]);
				await page.locator('[data-menu-button]').click();
				expect(await hrLinks(page)).toEqual(['人員管理 /hr/', '追蹤 /hr/dashboard/', '制度管理 /hr/policies/']);
				await page.evaluate(() => document.fonts.ready);
				await keepScreenshot(page, { path: join(projectRoot, 'test-output/screenshots/reading-hr-header-360.png') });
				await page.keyboard.press('Escape');
				for (const path of ['/hr/dashboard/', '/hr/']) {
					await page.goto(`${server.url}${path}`);
					const cells = page.locator('table.stack tbody td[data-label]');
					expect(await cells.count(), path).toBeGreaterThan(0);
					const cell = cells.first();
					expect(await cell.evaluate((td) => getComputedStyle(td).display)).not.toBe('table-cell');
					const label = await cell.getAttribute('data-label');
					expect(await cell.evaluate((td) => getComputedStyle(td, '::before').content)).toContain(label!);
					expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
				}
				await keepScreenshot(page, {
					path: join(projectRoot, 'test-output/screenshots/hr-people-360.png'),
					fullPage: true,
				});
			} finally {
				await context.close();
			}
		},
	);

	it('staff land on the home page and see no HR links', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await context.newPage();
		try {
			await signIn(page, 'staff@example.com', staffPassword);
			await page.waitForURL(`${server.url}/`);
			await page.goto(`${server.url}/policies/pharma-operations-department/1.1/ch-1/`);
			await page.waitForLoadState('networkidle');
			expect(await hrLinks(page)).toEqual([]);
			await page.goto(`${server.url}/account/`);
			expect(await hrLinks(page)).toEqual([]);
		} finally {
			await context.close();
		}
	});
});

describe('signed out', () => {
	it('reaches the favicon, the touch icon and robots.txt (which disallows crawling), and nothing else', async () => {
		for (const [path, type] of [
			['/favicon.svg', 'image/svg+xml'],
			['/favicon.ico', 'image/'],
			['/apple-touch-icon.png', 'image/png'],
			['/robots.txt', 'text/plain'],
		] as const) {
			const response = await fetch(`${server.url}${path}`);
			expect(response.status, path).toBe(200);
			expect(response.headers.get('content-type'), path).toContain(type);
			if (path === '/robots.txt') expect(await response.text()).toMatch(/^User-agent: \*\nDisallow: \/$/m);
		}
		expect((await fetch(`${server.url}/apple-touch-icon.png.bak`)).status).toBe(401);
		const login = await (await fetch(`${server.url}/login/`)).text();
		expect(login).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"');
		expect(login).toContain('<link rel="apple-touch-icon" href="/apple-touch-icon.png"');
		expect(login).toContain('<meta name="robots" content="noindex, nofollow"');
	});
});
