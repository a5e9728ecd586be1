/**
 * HR works from a phone and from Excel, in Chromium against the real server:
 * a Big5 roster imported through the page (preview in the detected encoding,
 * an override to GBK shows the wrong characters, back to Big5 and import);
 * a file that reads as Big5 and GBK alike asks first; the forms answer in
 * Chinese (no browser bubbles); a name correction on the person page is kept
 * in history; every HR table stacks into cards at 360 px; a file just under
 * the body limit is previewed and confirmed (the preview keeps it on the
 * server; the confirm sends a token, not the file again). Screenshots of the
 * dashboard and the import preview at 360 and 1280 px go to test-output/screenshots/
 * (docs/screenshots/ keeps the committed, looked-at copies).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { keepScreenshot } from '../support/screenshots.ts';

const temp = mkdtempSync(join(tmpdir(), 'zhidu-hr-roster-'));
const screenshots = join(projectRoot, 'test-output/screenshots');
mkdirSync(screenshots, { recursive: true });
/** Existing staff, hired years ago, as Excel in Taiwan saves them (Big5, no BOM). */
const roster = `員工編號,姓名,電子郵件,部門,角色,到職日
T001,王小明,wang@example.com,運營部,員工,2015-04-01
T002,陳美玲,chen@example.com,業務部,員工,2018-09-17
T003,林志偉,lin@example.com,運營部,員工,2012-01-09
T004,黃淑芬,huang@example.com,數據分析小組,員工,2020-06-30
`;

const BODY_LIMIT_KB = 64;

let browser: Browser;
let server: RunningServer;
let hr: Client;

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			// A small body limit, so the file just under it (the last test) stays quick to import.
			{ ...fixtureServerEnv, ZHIDU_DB_FILE: sqliteFileInTemp(), ZHIDU_BODY_LIMIT_KB: String(BODY_LIMIT_KB) },
			dirname(inject('fixtureProductionSiteDir')),
		),
	]);
	hr = await setUpHr(server);
}, 120_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signedIn(width: number): Promise<Page> {
	// A Taiwanese browser: its own controls (file picker, date fields) in Chinese too.
	const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-TW' });
	const page = await context.newPage();
	await page.goto(`${server.url}/login/?next=/hr/`);
	await page.getByLabel('電子郵件').fill('hr@example.com');
	await page.getByLabel('密碼').fill('first hr password');
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === '/hr/');
	return page;
}

const file = (name: string, bytes: Buffer) => {
	const path = join(temp, name);
	writeFileSync(path, bytes);
	return path;
};
const previewText = (page: Page) => page.locator('section.roster-preview').innerText();
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Every table.stack on the page shows its rows as blocks, its header hidden, and each cell its label. */
async function expectStacked(page: Page) {
	const tables = await page.locator('table.stack').evaluateAll((tables) =>
		tables.map((table) => ({
			row: getComputedStyle(table.querySelector('tbody tr')!).display,
			head: table.querySelector('thead')!.getBoundingClientRect().height,
			label: getComputedStyle(table.querySelector('td[data-label]')!, '::before').content,
		})),
	);
	expect(tables.length).toBeGreaterThan(0);
	for (const table of tables) {
		expect(table.row).toBe('block');
		expect(table.head).toBeLessThanOrEqual(1);
		expect(table.label).not.toBe('none');
	}
	expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
}

describe('HR from a phone and from Excel', () => {
	it('imports a Big5 roster through the page: preview, override to GBK, back to Big5, import', async () => {
		const page = await signedIn(1280);
		const upload = page.locator('form.roster-upload');
		await upload.locator('input[type=file]').setInputFiles(file('roster-big5.csv', iconv.encode(roster, 'big5')));
		await upload.getByRole('button', { name: '預覽' }).click();
		await page.locator('section.roster-preview').waitFor();
		let preview = await previewText(page);
		expect(preview).toContain('預覽：roster-big5.csv');
		expect(preview).toContain('編碼：Big5（自動偵測）');
		expect(preview).toContain('王小明');
		expect(preview).toContain('數據分析小組');
		await keepScreenshot(page, { path: join(screenshots, 'roster-import-preview-1280.png'), fullPage: true });
		// Nothing is imported by a preview.
		expect(((await (await hr.request('/api/v1/people')).json()) as { people: unknown[] }).people).toHaveLength(1);

		// Override: read as GBK the names are wrong.
		const confirm = page.locator('section.roster-preview form.confirm');
		await confirm.getByLabel('檔案編碼').selectOption('gbk');
		await confirm.getByRole('button', { name: '以此編碼重新預覽' }).click();
		await page.waitForFunction(
			() => document.querySelector('section.roster-preview')?.getAttribute('data-encoding') === 'gbk',
		);
		preview = await previewText(page);
		expect(preview).toContain('編碼：GBK（您所選擇）');
		expect(preview).not.toContain('王小明');

		// Back to Big5, and import.
		await page.locator('section.roster-preview form.confirm').getByLabel('檔案編碼').selectOption('big5');
		await page.locator('section.roster-preview form.confirm').getByRole('button', { name: '以此編碼重新預覽' }).click();
		await page.waitForFunction(
			() => document.querySelector('section.roster-preview')?.getAttribute('data-encoding') === 'big5',
		);
		expect(await previewText(page)).toContain('編碼：Big5（您所選擇）');
		await page.locator('section.roster-preview form.confirm').getByRole('button', { name: '匯入' }).click();
		await page.getByText('新增 4 人').waitFor();
		expect(await page.getByRole('status').allInnerTexts()).toContain('編碼：Big5（您所選擇）');
		const people = await page.locator('table.people').innerText();
		for (const name of ['王小明', '陳美玲', '林志偉', '黃淑芬']) expect(people).toContain(name);
		await page.context().close();
	});

	it('a file that reads as Big5 and as GBK alike shows both readings and asks', async () => {
		const page = await signedIn(1280);
		const short = iconv.encode(
			'employee_id,name,email,department,role,hire_date\nT9,王明,t9@example.com,業務部,staff,\n',
			'big5',
		);
		const upload = page.locator('form.roster-upload');
		await upload.locator('input[type=file]').setInputFiles(file('short.csv', short));
		await upload.getByRole('button', { name: '預覽' }).click();
		await page.locator('section.roster-preview').waitFor();
		const preview = await previewText(page);
		expect(preview).toContain('無法判斷檔案的編碼');
		expect(preview).toContain('以 Big5 解讀');
		expect(preview).toContain('以 GBK 解讀');
		// No import button until an encoding is chosen.
		expect(await page.locator('section.roster-preview form.confirm button[value=import]').count()).toBe(0);
		await page.locator('[data-alternative=big5]').getByRole('button', { name: '使用 Big5' }).click();
		await page.waitForFunction(
			() => document.querySelector('section.roster-preview')?.getAttribute('data-encoding') === 'big5',
		);
		expect(await previewText(page)).toContain('王明');
		await page.context().close();
	});

	it('forms answer in Chinese: no browser bubble, a message naming the field', async () => {
		const page = await signedIn(1280);
		const add = page.locator('form:has(input[value="add"])');
		expect(await add.getAttribute('novalidate')).not.toBeNull();
		await add.getByLabel('電子郵件').fill('not-an-address');
		await add.getByRole('button', { name: '新增', exact: true }).click();
		const alert = await page.getByRole('alert').innerText();
		expect(alert).toMatch(/員工編號：必填|電子郵件：不是電子郵件地址/);
		expect(alert).not.toMatch(/[A-Za-z]{4,} (is|must|required)/);
		await page.context().close();
	});

	it('forms the browser validates (sign-in) say so in Chinese, not in the browser language', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
		const page = await context.newPage();
		await page.goto(`${server.url}/login/`);
		await page.getByRole('button', { name: '登入' }).click();
		const email = page.getByLabel('電子郵件');
		await page.waitForFunction(
			() => (document.querySelector('input[name=email]') as HTMLInputElement).validationMessage === '必填',
		);
		await email.fill('nobody');
		await page.getByRole('button', { name: '登入' }).click();
		expect(await email.evaluate((el) => (el as HTMLInputElement).validationMessage)).toBe('不是電子郵件地址');
		await context.close();
	});

	it('HR corrects a name and email on the person page; the correction is kept', async () => {
		const page = await signedIn(1280);
		await page.locator('table.people').getByRole('link', { name: '陳美玲' }).click();
		await page.waitForURL(/\/hr\/people\//);
		const form = page.locator('section.correct form');
		await form.getByLabel('姓名').fill('陳美齡');
		await form.getByLabel('電子郵件').fill('meiling.chen@example.com');
		await form.getByRole('button', { name: '更正' }).click();
		await page.getByText('已更正（保留修改紀錄）。').waitFor();
		const corrections = await page.locator('table[data-section=corrections]').innerText();
		expect(corrections).toContain('陳美玲・chen@example.com');
		expect(corrections).toContain('陳美齡・meiling.chen@example.com');
		expect(await page.locator('h1').innerText()).toContain('陳美齡');
		await page.context().close();
	});

	it('every HR table stacks at 360 px (roster, dashboard, import preview)', async () => {
		const page = await signedIn(360);
		await expectStacked(page);
		const upload = page.locator('form.roster-upload');
		await upload.locator('input[type=file]').setInputFiles(file('roster-big5.csv', iconv.encode(roster, 'big5')));
		await upload.getByRole('button', { name: '預覽' }).click();
		await page.locator('section.roster-preview').waitFor();
		await expectStacked(page);
		await keepScreenshot(page.locator('section.roster-preview'), {
			path: join(screenshots, 'roster-import-preview-360.png'),
		});
		await page.goto(`${server.url}/hr/dashboard/`);
		await expectStacked(page);
		await keepScreenshot(page, { path: join(screenshots, 'hr-dashboard-360.png'), fullPage: true });
		await page.setViewportSize({ width: 1280, height: 900 });
		await keepScreenshot(page, { path: join(screenshots, 'hr-dashboard-1280.png'), fullPage: true });
		await page.context().close();
	});

	it('confirms a file just under the body limit: the preview keeps it, the confirm sends only a token', async () => {
		// The upload form's other fields and the multipart framing take well under 1 KB.
		const size = BODY_LIMIT_KB * 1024 - 1024;
		let csv = 'employee_id,name,email,department,role,hire_date\n';
		for (let i = 1; ; i++) {
			const row = `B${String(i).padStart(5, '0')},大量員工${i},bulk${i}@example.com,業務部,員工,2020-01-01\n`;
			if (Buffer.byteLength(csv + row) > size) break;
			csv += row;
		}
		const rows = csv.trimEnd().split('\n').length - 1;
		// Blank lines (as spreadsheets leave them) bring the file to the size exactly.
		const bytes = Buffer.from(csv + '\n'.repeat(size - Buffer.byteLength(csv)));
		expect(bytes.length).toBe(size);

		const page = await signedIn(1280);
		const upload = page.locator('form.roster-upload');
		await upload.locator('input[type=file]').setInputFiles(file('near-limit.csv', bytes));
		await upload.getByRole('button', { name: '預覽' }).click();
		await page.locator('section.roster-preview').waitFor();
		expect(await previewText(page)).toContain('大量員工1');
		const confirm = page.locator('section.roster-preview form.confirm');
		// What the confirm carries: a token, not the file.
		expect((await confirm.locator('input[name=upload]').inputValue()).length).toBeLessThan(64);
		const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/hr/'));
		await confirm.getByRole('button', { name: '匯入' }).click();
		expect((await answer).status()).toBe(200);
		await page.getByText(`新增 ${rows} 人`).waitFor();
		const people = ((await (await hr.request('/api/v1/people')).json()) as { people: { employeeId: string }[] }).people;
		expect(people.filter((p) => p.employeeId.startsWith('B')).length).toBe(rows);
		await page.context().close();
	});
});
