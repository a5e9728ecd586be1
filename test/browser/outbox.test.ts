/**
 * The HR outbox and webhook pages (issue 16) in Chromium against the real server: an email delivered to
 * a real SMTP server, webhook deliveries refused by the receiver until they fail (one try allowed), the
 * failed ones listed with their last error and sent again with Retry; an endpoint registered with the
 * form shows its secret once and its delivery log. Staff are refused both pages.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startSmtp, startWebhookReceiver, waitFor } from '../support/receivers.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { keepScreenshot } from '../support/screenshots.ts';

let browser: Browser;
let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let hr: Client;
// Written on every run: test-output/ (ignored); docs/screenshots/ keeps the committed, looked-at copies.
const shots = 'test-output/screenshots';

beforeAll(async () => {
	smtp = await startSmtp();
	// Refuses everything: with one try allowed, each delivery fails at once.
	receiver = await startWebhookReceiver({ refuseFirst: 1_000 });
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer(
			{
				...fixtureServerEnv,
				ZHIDU_DB_FILE: sqliteFileInTemp(),
				ZHIDU_SMTP_URL: smtp.url,
				ZHIDU_MAIL_FROM: '制度 <policies@example.com>',
				ZHIDU_OUTBOX_POLL_MS: '200',
				ZHIDU_OUTBOX_RETRY_SECONDS: '1',
				ZHIDU_OUTBOX_MAX_ATTEMPTS: '1',
			},
			dirname(inject('fixtureProductionSiteDir')),
		),
	]);
	hr = await setUpHr(server);
	const created = await hr.write('/api/v1/webhooks', 'POST', { url: receiver.url, events: ['assignment.created'] });
	expect(created.status).toBe(201);
	receiver.setSecret(((await created.json()) as { secret: string }).secret);
	for (const [i, name] of ['王小明', '陳美玲'].entries()) {
		const response = await hr.write('/api/v1/people', 'POST', {
			employeeId: `S${i}`,
			name,
			email: `s${i}@example.com`,
			department: '業務部',
			role: 'staff',
		});
		expect(response.status).toBe(201);
	}
	await waitFor('two emails and two failed webhook deliveries', async () => {
		const failed = (await (await hr.request('/api/v1/outbox?status=failed')).json()) as { counts: { failed: number } };
		return smtp.messages.length >= 2 && failed.counts.failed >= 2;
	});
	mkdirSync(shots, { recursive: true });
}, 120_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
	await smtp?.close();
	await receiver?.close();
});

async function signIn(page: Page, next: string) {
	await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
	await page.getByLabel('電子郵件').fill('hr@example.com');
	await page.getByLabel('密碼').fill('first hr password');
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('the outbox page', () => {
	it('lists delivered and failed messages with the last error, and retries a failed one', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, '/hr/outbox/');
		await expect.poll(() => page.locator('tr[data-status="delivered"]').count()).toBeGreaterThanOrEqual(2);
		const failed = page.locator('tr[data-status="failed"]');
		expect(await failed.count()).toBe(2);
		expect(await failed.first().innerText()).toContain('HTTP 503');
		expect(await page.locator('table[data-outbox]').innerText()).toContain('assignment.created');
		await keepScreenshot(page, { path: `${shots}/outbox-1280.png`, fullPage: true });
		await page.setViewportSize({ width: 360, height: 800 });
		expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: `${shots}/outbox-360.png`, fullPage: true });

		await page.getByRole('link', { name: /^失敗/ }).click();
		await page.waitForURL(/status=failed/);
		await page.getByRole('button', { name: '重試' }).first().click();
		await expect.poll(() => page.getByRole('status').innerText()).toContain('已排入重試');
		// It was tried again (and refused again: the receiver still says 503).
		await waitFor('the retried delivery', () => [...receiver.attempts.values()].some((n) => n >= 2));
		await context.close();
	});
});

describe('the webhook page', () => {
	it('registers an endpoint with the form, shows its secret once and each endpoint’s log', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, '/hr/webhooks/');
		expect(await page.locator('[data-endpoint]').first().innerText()).toContain('HTTP 503');
		await page.getByLabel('網址').fill('https://hooks.example.com/zhidu');
		await page.getByRole('button', { name: '新增端點' }).click();
		const secret = await page.getByRole('status').locator('code').innerText();
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
		expect(await page.locator('[data-endpoint]').count()).toBe(2);
		// Shown once: the page read again (GET) has no secret.
		await page.goto(`${server.url}/hr/webhooks/`);
		expect(await page.content()).not.toContain(secret);
		expect(await page.locator('[data-endpoint]').count()).toBe(2);
		await keepScreenshot(page, { path: `${shots}/webhooks-1280.png`, fullPage: true });
		await page.setViewportSize({ width: 360, height: 800 });
		expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: `${shots}/webhooks-360.png`, fullPage: true });
		await context.close();
	});

	it('refuses staff (403) on both pages and the API', async () => {
		const staff = new Client(server.url);
		for (const path of ['/hr/outbox/', '/hr/webhooks/', '/api/v1/outbox', '/api/v1/webhooks'])
			expect((await staff.request(path, { headers: { accept: 'text/html' } })).status, path).not.toBe(200);
	});
});
