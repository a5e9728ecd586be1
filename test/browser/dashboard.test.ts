/**
 * Tracking in Chromium against the real server: HR filters the dashboard to
 * overdue, finds a person and opens their training record, which prints
 * without navigation; a person acknowledges a policy on its page; a person
 * whose pass a revision outdated sees only what changed, and a retake link.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { openStore } from '#lib/store/database.ts';
import { axeProblems } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';
import { readEveryChapterOverHttp } from '../support/reading.ts';
import { keepScreenshot } from '../support/screenshots.ts';

const bank = parse(readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};
const rightAnswers = (questions: { id: string }[]) =>
	Object.fromEntries(
		questions.map((q) => {
			const b = bank.questions.find((x) => x.id === q.id)!;
			return [q.id, b.type === 'true-false' ? b.answer! : b.options!.filter((o) => o.correct).map((o) => o.id)];
		}),
	);

const people = [
	{ employeeId: 'S100', name: '王小明', email: 'learner@example.com', department: '運營部', hireDate: '2024-06-01' },
	{ employeeId: 'S101', name: '陳美玲', email: 'meiling@example.com', department: '業務部', hireDate: '2025-03-01' },
	{ employeeId: 'S102', name: '林志明', email: 'zhiming@example.com', department: '業務部', hireDate: '2024-01-15' },
];
const password = 'staff password';

let browser: Browser;
let server: RunningServer;
const dbFile = sqliteFileInTemp();

beforeAll(async () => {
	[browser, server] = await Promise.all([
		launchChromium(),
		startServer({ ...fixtureServerEnv, ZHIDU_DB_FILE: dbFile }, dirname(inject('fixtureProductionSiteDir'))),
	]);
	const hr = await setUpHr(server);
	const ids: Record<string, string> = {};
	for (const person of people) {
		const response = await hr.write('/api/v1/people', 'POST', { ...person, role: 'staff' });
		ids[person.employeeId] = ((await response.json()) as { person: { id: string } }).person.id;
		expect(
			(
				await zhidu(['users', 'set-password', person.email], {
					env: { ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: password },
				})
			).status,
		).toBe(0);
	}
	// 王小明 passes on the version in force and acknowledges it: nothing overdue.
	const learner = new Client(server.url);
	await learner.signIn('learner@example.com', password);
	const { attempt } = (await (await learner.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' })).json()) as {
		attempt: { id: string; questions: { id: string }[] };
	};
	await learner.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers: rightAnswers(attempt.questions) });
	await readEveryChapterOverHttp(learner, 'leave-policy');
	await learner.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' });
	// 林志明 passed version 1.0, which 1.1 revised substantively.
	const policies = loadContentOrThrow({ policiesDir: join(projectRoot, fixtureServerEnv.ZHIDU_CONTENT_DIR) });
	const quiz = loadQuizzes(join(projectRoot, fixtureServerEnv.ZHIDU_QUIZZES_DIR), policies).quizzes[0]!;
	const store = await openStore({ sqliteFile: dbFile });
	try {
		const started = await startAttempt(store, quiz, ids['S102']!, '1.0', () => 'ch-1');
		if (!started.ok) throw new Error(started.reason);
		await submitAttempt(store, quiz, started.attempt, rightAnswers(started.questions));
	} finally {
		await store.close();
	}
}, 60_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function signIn(page: Page, email: string, secret: string, next: string) {
	await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
	await page.getByLabel('電子郵件').fill(email);
	await page.getByLabel('密碼').fill(secret);
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('the HR dashboard', () => {
	it('filters to overdue, opens a person’s record, and prints it without navigation', { timeout: 60_000 }, async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await context.newPage();
		await signIn(page, 'hr@example.com', 'first hr password', '/hr/');
		await page.getByRole('link', { name: '訓練追蹤（人員 × 制度）' }).click();
		await page.waitForURL(/\/hr\/dashboard\/$/);
		// Everyone who owes the policy, with the state in words.
		const matrix = page.locator('table.matrix');
		expect(await matrix.locator('tbody tr').count()).toBe(4);
		expect(await matrix.locator('tr[data-person="S100"]').innerText()).toContain('認證：有效');

		await page.getByLabel('認證狀態').selectOption('overdue');
		await page.getByRole('button', { name: '套用' }).click();
		await page.waitForURL(/status=overdue/);
		const rows = matrix.locator('tbody tr');
		expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-person')))).toEqual(['S101', 'S102']);
		const cell = await matrix.locator('tr[data-person="S102"] td').first().innerText();
		expect(cell).toContain('認證：已過時');
		expect(cell).toContain('逾期');
		expect(await page.locator('table.overdue-list').innerText()).toContain('林志明');
		expect(await page.getByRole('link', { name: '認證狀態 CSV（依上列篩選）' }).getAttribute('href')).toContain(
			'status=overdue',
		);
		await keepScreenshot(page, { path: 'test-output/screenshots/dashboard-1280.png', fullPage: true });

		await page.setViewportSize({ width: 360, height: 800 });
		expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: 'test-output/screenshots/dashboard-360.png', fullPage: true });
		await page.setViewportSize({ width: 1280, height: 900 });

		await matrix.getByRole('link', { name: '林志明' }).click();
		await page.waitForURL(/\/hr\/people\/[0-9a-f-]+\/$/);
		expect(await page.locator('h1').innerText()).toBe('林志明 訓練紀錄');
		expect(await page.locator('table[data-section="attempts"]').innerText()).toContain('100');
		expect(await page.locator('table[data-section="history"]').innerText()).toContain('業務部');
		await keepScreenshot(page, { path: 'test-output/screenshots/person-record-1280.png', fullPage: true });

		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('header.site').isVisible()).toBe(false);
		expect(await page.locator('footer.site').isVisible()).toBe(false);
		expect(await page.getByRole('link', { name: '返回訓練追蹤' }).isVisible()).toBe(false);
		expect(await page.locator('h1').isVisible()).toBe(true);
		expect(await page.locator('.record-head').innerText()).toMatch(/列印日期：\d{4}-\d{2}-\d{2}/);
		await keepScreenshot(page, { path: 'test-output/screenshots/person-record-print-1280.png', fullPage: true });
		await page.emulateMedia({ media: 'screen' });

		await page.setViewportSize({ width: 360, height: 800 });
		expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: 'test-output/screenshots/person-record-360.png', fullPage: true });

		// Where people go wrong: miss rates by question and by cited clause.
		await page.goto(`${server.url}/hr/dashboard/`);
		await page.getByRole('link', { name: '請假管理辦法 認證測驗' }).click();
		await page.waitForURL(/\/hr\/quizzes\/leave-policy\/$/);
		expect(await page.locator('table[data-section="questions"] tbody tr').count()).toBeGreaterThan(5);
		expect(await page.locator('table[data-section="clauses"] tbody tr').count()).toBeGreaterThan(0);
		expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
		await keepScreenshot(page, { path: 'test-output/screenshots/quiz-miss-rates-360.png', fullPage: true });
		await context.close();
	});
});

describe('a person’s own training', () => {
	it(
		'acknowledges a policy after reading every chapter; My training shows the state',
		{ timeout: 90_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
			const page = await context.newPage();
			await signIn(page, 'meiling@example.com', password, '/policies/leave-policy/');
			const go = page.getByRole('link', { name: '閱讀並確認 1.1 版' });
			await go.waitFor();
			await keepScreenshot(page, { path: 'test-output/screenshots/acknowledge-360.png', fullPage: true });
			await go.click();
			await page.waitForURL(/\/policies\/leave-policy\/acknowledge\/$/);
			const button = page.getByRole('button', { name: '確認', exact: true });
			expect(await button.isDisabled()).toBe(true);
			// Each chapter page sends its receipt once its end is reached.
			const chapters = await page
				.locator('ol.chapters a')
				.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
			expect(chapters.length).toBeGreaterThan(1);
			for (const url of chapters) {
				await page.goto(url);
				await page.locator('[data-chapter-end]').scrollIntoViewIfNeeded();
				await page.locator('[data-chapter-end][data-receipt="recorded"]').waitFor();
			}
			await page.goto(`${server.url}/policies/leave-policy/acknowledge/`);
			expect(await page.locator('[data-statement]').innerText()).toBe(
				'本人已閱讀並理解《員工請假管理辦法》第 1.1 版，並同意遵守。',
			);
			await button.click();
			await page.locator('[data-acknowledged]').waitFor();
			expect(await page.locator('[data-acknowledged]').innerText()).toMatch(/確認 1\.1 版/);
			await page.goto(`${server.url}/policies/leave-policy/`);
			await page.locator('[data-ack-policy][data-state="current"]').waitFor();
			expect(await page.locator('[data-ack-status]').innerText()).toMatch(
				/^您已於 \d{4}-\d{2}-\d{2} 確認閱讀 1\.1 版$/,
			);

			await page.goto(`${server.url}/me/training/`);
			const item = page.locator('section.owed[data-policy="leave-policy"]');
			expect(await item.locator('[data-ack-state]').getAttribute('data-ack-state')).toBe('current');
			expect(await item.locator('[data-cert-state]').innerText()).toContain('尚未通過');
			expect(await item.locator('[data-cert-state]').innerText()).toContain('逾期');
			expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
			await keepScreenshot(page, { path: 'test-output/screenshots/my-training-360.png', fullPage: true });
			await context.close();
		},
	);

	it(
		'after a substantive revision, shows only what changed since the version passed',
		{ timeout: 60_000 },
		async () => {
			const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const page = await context.newPage();
			await signIn(page, 'zhiming@example.com', password, '/account/');
			await page.getByRole('link', { name: '我的訓練' }).click();
			await page.waitForURL(/\/me\/training\/$/);
			const outdated = page.locator('.outdated');
			expect(await outdated.locator('h3').innerText()).toBe('自您通過的 1.0 版以來的修訂');
			// The changed clauses only: 1.1 added a definition and a section on sick leave.
			const changes = outdated.locator('article.change');
			expect(await changes.count()).toBeGreaterThan(0);
			expect(await changes.evaluateAll((cards) => cards.map((c) => c.id))).toContain('change-c-1-0-3');
			expect(await outdated.locator('#change-c-1-0-1').count()).toBe(0);
			expect(await outdated.getByRole('link', { name: '重新測驗' }).getAttribute('href')).toBe(
				'/quizzes/leave-policy/attempt/',
			);
			await keepScreenshot(page, { path: 'test-output/screenshots/my-training-outdated-1280.png', fullPage: true });
			await page.setViewportSize({ width: 360, height: 800 });
			expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
			await keepScreenshot(page, { path: 'test-output/screenshots/my-training-outdated-360.png', fullPage: true });
			await context.close();
		},
	);
});

describe.each(['light', 'dark'] as const)('axe on the tracking pages, %s colour scheme', (colorScheme) => {
	// Generous: axe over four pages takes about a minute on a loaded two-core machine.
	it('finds no serious or critical violations', { timeout: 180_000 }, async () => {
		const problems: string[] = [];
		for (const [email, secret, paths] of [
			['hr@example.com', 'first hr password', ['/hr/dashboard/', '/hr/quizzes/leave-policy/']],
			['zhiming@example.com', password, ['/me/training/']],
		] as const) {
			// axe is injected as an inline script, which the site's CSP rightly refuses: bypass it for the audit only.
			const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme });
			await signIn(page, email, secret, paths[0]);
			for (const path of paths) {
				await page.goto(`${server.url}${path}`);
				problems.push(...(await axeProblems(page, path)));
			}
			if (email === 'hr@example.com') {
				await page.goto(`${server.url}/hr/dashboard/`);
				await page.locator('table.matrix a').first().click();
				await page.waitForURL(/\/hr\/people\//);
				problems.push(...(await axeProblems(page, 'person record')));
			}
			await context.close();
		}
		expect(problems, problems.join('\n')).toEqual([]);
	});
});
