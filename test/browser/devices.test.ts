/**
 * Reading on any device (issue 20), in Chromium at 360 and 1280 px against
 * the real server: the sticky compact header and its menu, the "on this
 * page" disclosure, the theme toggle (remembered, applied before the first
 * frame), keyboard order with one tab stop per clause, the clause actions
 * (stable link, this version's link, citation), the compare form's
 * same-version notice, reading progress on the training path, and the
 * screenshots (test-output/screenshots/; the looked-at copies are committed
 * under docs/screenshots/).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../support/build-site.ts';
import { keepScreenshot } from '../support/screenshots.ts';
import { focused, useBrowserSites, type Focused } from './support.ts';

const sites = useBrowserSites();
const screenshots = join(projectRoot, 'test-output/screenshots');
const policy = 'pharma-operations-department';
const chapter = `/policies/${policy}/1.1/ch-1/`;
const newHire = parse(readFileSync(join(projectRoot, 'content/training/new-hire.yaml'), 'utf8')) as {
	steps: { read?: { chapters: string[] } }[];
};
const newHireChapters = newHire.steps.reduce((n, step) => n + (step.read?.chapters.length ?? 0), 0);

async function newPage(width: number, options: { clipboard?: boolean } = {}): Promise<Page> {
	const context: BrowserContext = await sites.browser.newContext({ viewport: { width, height: 800 } });
	if (options.clipboard) {
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sites.site });
	}
	// What the page looks like in its first animation frame, i.e. before the first paint.
	await context.addInitScript(() => {
		requestAnimationFrame(() => {
			(window as unknown as { firstFrame: unknown }).firstFrame = {
				theme: document.documentElement.dataset.theme ?? null,
				background: getComputedStyle(document.documentElement).backgroundColor,
			};
		});
	});
	return context.newPage();
}

const firstFrame = (page: Page) =>
	page
		.waitForFunction(() => (window as unknown as { firstFrame?: unknown }).firstFrame)
		.then((handle) => handle.jsonValue()) as Promise<{ theme: string | null; background: string }>;

const shot = async (page: Page, name: string) => {
	mkdirSync(screenshots, { recursive: true });
	await page.evaluate(() => document.fonts.ready);
	await keepScreenshot(page, { path: join(screenshots, `${name}.png`) });
};

/** Tabs from the top of the page until focus leaves it; returns every stop. */
async function tabStops(page: Page, limit = 400): Promise<Focused[]> {
	const order: Focused[] = [];
	for (let i = 0; i < limit; i += 1) {
		await page.keyboard.press('Tab');
		const now = await focused(page);
		if (!now) break;
		order.push(now);
	}
	return order;
}

describe('phones (360 px)', () => {
	it('keeps a compact header with the search field in view while scrolling; the menu holds the chapter list; Esc closes it', async () => {
		const page = await newPage(360);
		try {
			await page.goto(`${sites.site}${chapter}`);
			const header = page.locator('header.site');
			expect((await header.boundingBox())!.height).toBeLessThanOrEqual(60);
			await page.evaluate(() => scrollTo(0, 2000));
			await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(1000);
			expect((await header.boundingBox())!.y).toBe(0);
			expect(await page.locator('#site-search-q').isVisible()).toBe(true);
			// `/` still focuses it.
			await page.locator('body').click({ position: { x: 5, y: 300 } });
			await page.keyboard.press('/');
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search-q');
			await page.keyboard.press('Escape');
			await page.evaluate(() => scrollTo(0, 0));

			// The chapter list is in the header's menu, not only at the end.
			const menuButton = page.locator('[data-menu-button]');
			expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
			expect(await page.locator('#site-menu .chapter-nav').isVisible()).toBe(false);
			await shot(page, 'reading-360-menu-closed');
			await menuButton.focus();
			await page.keyboard.press('Enter');
			expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
			const links = page.locator('#site-menu .chapter-nav a[aria-current="page"]');
			expect(await links.isVisible()).toBe(true);
			expect(await page.locator('#site-menu .chapter-nav > details > ol > li').count()).toBe(8);
			await shot(page, 'reading-360-menu-open');
			await page.keyboard.press('Tab');
			expect((await focused(page))?.region).toBe('header');
			await page.keyboard.press('Escape');
			expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
			expect(await page.locator('#site-menu .chapter-nav').isVisible()).toBe(false);
			expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-menu-button'))).toBe(true);

			// A chapter in the menu opens it.
			await menuButton.click();
			await page.locator('#site-menu .chapter-nav a[href$="/ch-2/"]').click();
			await page.waitForURL(`${sites.site}/policies/${policy}/1.1/ch-2/`);
		} finally {
			await page.context().close();
		}
	});

	it('opens "on this page" at the top of the chapter, above the text, and follows a section link', async () => {
		const page = await newPage(360);
		try {
			await page.goto(`${sites.site}${chapter}`);
			const toc = page.locator('main .toc-disclosure');
			expect(await toc.isVisible()).toBe(true);
			const top = (selector: string) =>
				page.locator(selector).evaluate((el) => el.getBoundingClientRect().top + scrollY);
			expect(await top('main .toc-disclosure')).toBeLessThan(await top('.policy-text'));
			expect(await top('main .toc-disclosure')).toBeLessThan(800);
			expect(await toc.locator('a').first().isVisible()).toBe(false);
			await toc.locator('summary').click();
			expect(await toc.locator('a').allInnerTexts()).toEqual(['(一)目的', '(二)適用範圍', '(三)基本原則']);
			await shot(page, 'reading-360-on-this-page');
			await toc.locator('a').nth(2).click();
			await page.waitForURL(/#s-1-3$/);
			// The section heading lands below the sticky header, not under it.
			const header = (await page.locator('header.site').boundingBox())!;
			const section = (await page.locator('#s-1-3').boundingBox())!;
			expect(section.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		} finally {
			await page.context().close();
		}
	});
});

describe('wide screens (1280 px)', () => {
	it('shows the chapter list as a sidebar and the site links in the header, without the menu button', async () => {
		const page = await newPage(1280);
		try {
			await page.goto(`${sites.site}${chapter}`);
			expect(await page.locator('[data-menu-button]').isVisible()).toBe(false);
			expect(await page.locator('.page > .chapter-nav').isVisible()).toBe(true);
			expect(await page.locator('header.site .account-link').isVisible()).toBe(true);
			expect(await page.locator('main .toc-disclosure').isVisible()).toBe(false);
			expect(await page.locator('.page > .toc').isVisible()).toBe(true);
			// Signed out (public reading): no HR links.
			expect(await page.locator('[data-hr-link]').first().isVisible()).toBe(false);
		} finally {
			await page.context().close();
		}
	});
});

describe.each([360, 1280])('theme at %i px', (width) => {
	it('light / dark / system, remembered across reloads and applied before the first frame', async () => {
		const page = await newPage(width);
		try {
			await page.emulateMedia({ colorScheme: 'light' });
			await page.goto(`${sites.site}${chapter}`);
			expect(await firstFrame(page)).toEqual({ theme: 'light', background: 'rgb(255, 255, 255)' });
			const toggle = page.locator('[data-theme-toggle]');
			expect(await toggle.getAttribute('aria-label')).toBe('主題：跟隨系統（按下切換）');
			await toggle.click();
			expect(await toggle.getAttribute('aria-label')).toBe('主題：淺色（按下切換）');
			await toggle.click();
			expect(await toggle.getAttribute('aria-label')).toBe('主題：深色（按下切換）');
			expect(await page.evaluate(() => localStorage.getItem('zhidu-theme'))).toBe('dark');
			expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(230, 232, 235)');

			// Reload, and another page: dark from the first frame although the system is light.
			await page.reload();
			expect(await firstFrame(page)).toEqual({ theme: 'dark', background: 'rgb(15, 17, 21)' });
			await page.goto(`${sites.site}/policies/${policy}/history/`);
			expect(await firstFrame(page)).toEqual({ theme: 'dark', background: 'rgb(15, 17, 21)' });
			if (width === 1280) await shot(page.context().pages()[0]!, 'history-1280-dark-choice');

			// Back to the system's scheme, which now is dark.
			await page.emulateMedia({ colorScheme: 'dark' });
			await toggle.click();
			expect(await page.evaluate(() => localStorage.getItem('zhidu-theme'))).toBeNull();
			await page.reload();
			expect(await firstFrame(page)).toEqual({ theme: 'dark', background: 'rgb(15, 17, 21)' });
			// Light chosen against a dark system.
			await toggle.click();
			await page.reload();
			expect(await firstFrame(page)).toEqual({ theme: 'light', background: 'rgb(255, 255, 255)' });
			// Paper is light whatever was chosen.
			await page.evaluate(() => localStorage.setItem('zhidu-theme', 'dark'));
			await page.goto(`${sites.site}${chapter}`);
			await page.emulateMedia({ media: 'print' });
			expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe(
				'rgb(255, 255, 255)',
			);
			await page.emulateMedia({ media: 'screen' });
			if (width === 1280) {
				await shot(page, 'reading-1280-dark');
				await page.evaluate(() => localStorage.setItem('zhidu-theme', 'light'));
				await page.reload();
				await shot(page, 'reading-1280-light');
			}
		} finally {
			await page.context().close();
		}
	});
});

describe('keyboard (1280 px)', () => {
	it('skip link, header, chapter list, then the text; one tab stop per clause, visible and beside the text', async () => {
		const page = await newPage(1280);
		try {
			await page.goto(`${sites.site}${chapter}`);
			const order = await tabStops(page);
			const regions = order.map((f) => f.region);
			expect(regions[0]).toBe('skip');
			const firstIndex = (region: string) => regions.indexOf(region as Focused['region']);
			const lastIndex = (region: string) => regions.lastIndexOf(region as Focused['region']);
			expect(firstIndex('header')).toBe(1);
			expect(lastIndex('header')).toBeLessThan(firstIndex('sidebar'));
			expect(lastIndex('sidebar')).toBeLessThan(firstIndex('main'));
			const header = order.filter((f) => f.region === 'header').map((f) => f.className || f.tag);
			expect(header.some((c) => c.includes('theme-toggle'))).toBe(true);
			for (const f of order) {
				expect(f.indicator, `focus ring on ${f.tag} “${f.text}”`).toBe(true);
				expect(f.onScreen, `${f.tag} “${f.text}” on screen when focused`).toBe(true);
			}
			// One stop per clause: the actions button; the # link is not a stop.
			const clauses = await page.locator('.policy-text .clause').count();
			const clauseStops = order.filter((f) => f.region === 'main' && /clause-actions|permalink/.test(f.className));
			expect(clauseStops.length).toBe(clauses);
			expect(clauseStops.every((f) => f.className.includes('clause-actions'))).toBe(true);

			// A focused actions button sits beside the clause text, never over it.
			await page.locator('#c-1-3-1 .clause-actions').focus();
			const overlap = await page.evaluate(() => {
				const button = document.querySelector('#c-1-3-1 .clause-actions')!.getBoundingClientRect();
				const range = document.createRange();
				range.selectNodeContents(document.querySelector('#c-1-3-1')!);
				return [...range.getClientRects()].some((text) => {
					const inTools = document.querySelector('#c-1-3-1 .clause-tools')!.getBoundingClientRect();
					const isTools = text.left >= inTools.left - 1 && text.right <= inTools.right + 1;
					return (
						!isTools &&
						text.width > 0 &&
						text.left < button.right &&
						text.right > button.left &&
						text.top < button.bottom &&
						text.bottom > button.top
					);
				});
			});
			expect(overlap).toBe(false);

			// The menu: Enter opens it on the first item, arrows move, Esc closes it and returns focus.
			await page.keyboard.press('Enter');
			const menu = page.locator('#c-1-3-1 [role="menu"]');
			expect(await menu.isVisible()).toBe(true);
			expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('複製連結（現行版本）');
			await page.keyboard.press('ArrowDown');
			expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('此版本的連結');
			const item = await focused(page);
			expect(item?.indicator).toBe(true);
			await page.keyboard.press('Escape');
			expect(await menu.count()).toBe(0);
			expect(await page.evaluate(() => document.activeElement?.closest('.clause')?.id)).toBe('c-1-3-1');
		} finally {
			await page.context().close();
		}
	});
});

describe('links people share', () => {
	it(
		'copies the stable clause link, which lands in the version in force; this version’s link; number, title and link',
		{ timeout: 60_000 },
		async () => {
			const page = await newPage(1280, { clipboard: true });
			const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
			try {
				// From the superseded version 1.0.
				await page.goto(`${sites.site}/policies/${policy}/1.0/ch-1/`);
				const open = async () => {
					// The previous menu closes by itself shortly after copying.
					await expect.poll(() => page.locator('.clause-menu').count()).toBe(0);
					await page.locator('#c-1-3-1').hover();
					await page.locator('#c-1-3-1 .clause-actions').click();
				};
				await open();
				await page.getByRole('menuitem', { name: '複製連結（現行版本）' }).click();
				await expect.poll(clipboard).toBe(`${sites.site}/policies/${policy}/clauses/c-1-3-1/`);
				await expect.poll(() => page.getByRole('status').last().textContent()).toContain('已複製');

				await open();
				await page.getByRole('menuitem', { name: '此版本的連結' }).click();
				await expect.poll(clipboard).toBe(`${sites.site}/policies/${policy}/1.0/ch-1/#c-1-3-1`);

				await open();
				await page.getByRole('menuitem', { name: '複製條號、標題與連結' }).click();
				await expect.poll(clipboard).toBe(`1. 合法性原則\n${sites.site}/policies/${policy}/clauses/c-1-3-1/`);

				// The stable link resolves to the clause in the version in force (1.1).
				await page.goto(`${sites.site}/policies/${policy}/clauses/c-1-3-1/`);
				await page.waitForURL(`${sites.site}/policies/${policy}/1.1/ch-1/#c-1-3-1`);
				expect(await page.evaluate(() => document.querySelector(':target')?.id)).toBe('c-1-3-1');
			} finally {
				await page.context().close();
			}
		},
	);
});

describe('small things', () => {
	it('the compare form says so when both versions are the same', async () => {
		const page = await newPage(360);
		try {
			await page.goto(`${sites.site}/policies/${policy}/compare/`);
			const notice = page.locator('[data-same-version]');
			expect(await notice.isVisible()).toBe(false);
			await page.locator('select[name="from"]').selectOption('1.1');
			await page.locator('select[name="to"]').selectOption('1.1');
			await page.getByRole('button', { name: '比較' }).click();
			await expect.poll(() => notice.isVisible()).toBe(true);
			expect(await notice.innerText()).toContain('兩個版本相同');
			expect(new URL(page.url()).pathname).toBe(`/policies/${policy}/compare/`);
			await page.locator('select[name="from"]').selectOption('1.0');
			expect(await notice.isVisible()).toBe(false);
			await page.getByRole('button', { name: '比較' }).click();
			await page.waitForURL(`${sites.site}/policies/${policy}/compare/1.0...1.1/`);
		} finally {
			await page.context().close();
		}
	});

	it('the new-hire path counts the chapters opened in this browser', async () => {
		const page = await newPage(360);
		try {
			await page.goto(`${sites.site}/training/new-hire/`);
			const count = page.locator('[data-reading-count]');
			await expect.poll(() => count.textContent()).toBe(`已讀 0 / ${newHireChapters} 章`);
			for (const ch of ['ch-1', 'ch-2']) {
				const path = `/policies/${policy}/1.1/${ch}/`;
				await page.goto(`${sites.site}${path}`);
				await expect.poll(() => page.evaluate(() => localStorage.getItem('zhidu-chapters-read') ?? '')).toContain(path);
			}
			await page.goto(`${sites.site}/training/new-hire/`);
			await expect.poll(() => count.textContent()).toBe(`已讀 2 / ${newHireChapters} 章`);
			expect(await page.locator('progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([
				2,
				newHireChapters,
			]);
			expect(
				await page.locator('li[data-read] a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
			).toEqual([`/policies/${policy}/1.1/ch-1/`, `/policies/${policy}/1.1/ch-2/`]);
		} finally {
			await page.context().close();
		}
	});
});
