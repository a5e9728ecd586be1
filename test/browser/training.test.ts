/**
 * Training material in real Chromium, through the real server (CSP enforced):
 * a scenario's right action stays hidden until its summary is clicked; a
 * knowledge check answers at once, by mouse and by keyboard, and still shows
 * its answer without JavaScript; printing hides every training box; axe finds
 * nothing serious on a chapter with training or on the new-hire path; and
 * screenshots at 360 and 1280 px (test-output/screenshots/training-*.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeProblems } from '../support/axe.ts';
import { projectRoot } from '../support/build-site.ts';
import { keepScreenshot } from '../support/screenshots.ts';
import { focused, tabUntil, useBrowserSites } from './support.ts';

const sites = useBrowserSites();
/** Objectives, key points, a knowledge check, a scenario, another knowledge check. */
const chapter = '/policies/pharma-operations-department/1.1/ch-7/';
const screenshots = join(projectRoot, 'test-output/screenshots');

async function openChapter(options: { width?: number; javaScriptEnabled?: boolean } = {}): Promise<Page> {
	const context = await sites.browser.newContext({
		viewport: { width: options.width ?? 1280, height: 800 },
		javaScriptEnabled: options.javaScriptEnabled ?? true,
	});
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		// A refused inline script (CSP) is reported on the console; a missing favicon is not our business.
		if (message.type() === 'error' && /Content Security Policy|Refused/i.test(message.text()))
			errors.push(message.text());
	});
	await page.goto(`${sites.site}${chapter}`);
	if (options.javaScriptEnabled !== false) {
		await page.waitForSelector('[data-kc][data-kc-ready]');
		expect(errors, 'no script errors and no CSP violations').toEqual([]);
	}
	return page;
}

const status = (page: Page, index = 0) => page.locator('[data-kc]').nth(index).locator('[role="status"]').innerText();

describe('scenario', () => {
	it('hides the right action until its summary is clicked (and opens from the keyboard too)', async () => {
		const page = await openChapter();
		try {
			const scenario = page.locator('[data-training="scenario"]').first();
			const action = scenario.locator('.training-action-body');
			expect(await scenario.locator('.scenario-title').innerText()).toBe('只憑印象給同事打分');
			expect(await action.isVisible()).toBe(false);
			await scenario.locator('summary').click();
			expect(await action.isVisible()).toBe(true);
			expect(await action.innerText()).toContain('依據客觀事實和相關數據進行評價');
			await scenario.locator('summary').click();
			expect(await action.isVisible()).toBe(false);
			await scenario.locator('summary').focus();
			await page.keyboard.press('Enter');
			expect(await action.isVisible()).toBe(true);
		} finally {
			await page.context().close();
		}
	});
});

describe('knowledge check', () => {
	it('says at once whether the chosen option is right: a wrong one, then the right one', async () => {
		const page = await openChapter();
		try {
			const check = page.locator('[data-kc]').first();
			const options = check.locator('button.kc-choice');
			expect(await options.count()).toBe(3);
			// With JavaScript, the feedback replaces the "show answer" box.
			expect(await check.locator('[data-kc-reveal]').isVisible()).toBe(false);
			expect(await status(page)).toBe('');

			await options.nth(0).click();
			expect(await status(page)).toContain('不正確');
			expect(await options.nth(0).getAttribute('data-result')).toBe('wrong');

			await options.nth(1).click();
			expect(await status(page)).toContain('答對了');
			expect(await status(page)).toContain('月度考核於次月上旬進行');
			expect(await options.nth(1).getAttribute('data-result')).toBe('right');
			// The other check on the page is untouched.
			expect(await status(page, 1)).toBe('');
		} finally {
			await page.context().close();
		}
	});

	it('is keyboard operable: Tab to the options, Enter and Space choose, with a visible focus ring', async () => {
		const page = await openChapter();
		try {
			const passed = await tabUntil(page, (f) => f.className.includes('kc-choice'));
			const first = passed.at(-1)!;
			expect(first.text).toBe('A三月上旬');
			expect(first.indicator).toBe(true);
			expect(first.onScreen).toBe(true);
			await page.keyboard.press('Enter');
			expect(await status(page)).toContain('不正確');

			await page.keyboard.press('Tab');
			const second = await focused(page);
			expect(second?.text).toBe('B四月上旬');
			expect(second?.indicator).toBe(true);
			await page.keyboard.press('Space');
			expect(await status(page)).toContain('答對了');
		} finally {
			await page.context().close();
		}
	});

	it('without JavaScript shows the question, the options and a "show answer" box', async () => {
		const page = await openChapter({ javaScriptEnabled: false });
		try {
			const check = page.locator('[data-kc]').first();
			expect(await check.locator('.kc-question').innerText()).toBe('你三月份的工作表現，會在什麼時候進行月度考核？');
			expect(await check.locator('button').count()).toBe(0);
			expect((await check.locator('.kc-options li').allInnerTexts()).map((t) => t.replace(/\s+/g, ''))).toEqual([
				'A三月上旬',
				'B四月上旬',
				'C次年1月',
			]);
			const answer = check.locator('[data-kc-reveal] p').first();
			expect(await answer.isVisible()).toBe(false);
			await check.locator('[data-kc-reveal] summary').click();
			expect(await answer.innerText()).toBe('正確答案：B. 四月上旬');
		} finally {
			await page.context().close();
		}
	});
});

describe('print', () => {
	it('hides every training box on paper', async () => {
		const page = await openChapter();
		try {
			const displays = () =>
				page.evaluate(() => [...document.querySelectorAll('.training')].map((el) => getComputedStyle(el).display));
			const onScreen = await displays();
			expect(onScreen).toHaveLength(5);
			expect(onScreen.every((d) => d !== 'none')).toBe(true);
			await page.emulateMedia({ media: 'print' });
			expect(await displays()).toEqual(Array(5).fill('none'));
			// The policy text itself still prints.
			expect(await page.locator('#c-7-3-2').evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
		} finally {
			await page.context().close();
		}
	});
});

describe('accessibility', () => {
	it('axe finds no serious or critical violations on a chapter with training and on the new-hire path', async () => {
		const context = await sites.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
		const page = await context.newPage();
		const problems: string[] = [];
		try {
			for (const colorScheme of ['light', 'dark'] as const) {
				await page.emulateMedia({ colorScheme });
				for (const path of [chapter, '/training/new-hire/']) {
					await page.goto(`${sites.site}${path}`);
					if (path === chapter) {
						// Also check the states the learner produces: an opened action, a wrong and a right answer.
						await page.locator('[data-training="scenario"] summary').first().click();
						await page.locator('[data-kc]').first().locator('button.kc-choice').nth(0).click();
						await page.locator('[data-kc]').nth(1).locator('button.kc-choice').nth(1).click();
					}
					problems.push(...(await axeProblems(page, `${path} ${colorScheme}`)));
				}
			}
		} finally {
			await context.close();
		}
		expect(problems, problems.join('\n')).toEqual([]);
	});
});

describe.each([360, 1280])('screenshot at %i px', (width) => {
	it('fits the width, with an action opened and a check answered', async () => {
		mkdirSync(screenshots, { recursive: true });
		const page = await openChapter({ width });
		try {
			await page.locator('[data-training="scenario"] summary').first().click();
			const options = page.locator('[data-kc]').first().locator('button.kc-choice');
			await options.nth(0).click();
			await options.nth(1).click();
			await page.locator('[data-kc]').nth(1).locator('button.kc-choice').nth(0).click();
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
			await keepScreenshot(page, { path: join(screenshots, `training-${width}.png`), fullPage: true });
		} finally {
			await page.context().close();
		}
	});
});
