/**
 * Layout at phone and desktop widths (full-page screenshots in
 * test-output/screenshots/, no horizontal scrolling) and the JavaScript a
 * chapter page loads before any interaction.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/build-site.ts';
import { keepScreenshot } from '../support/screenshots.ts';
import { useBrowserSites } from './support.ts';

const sites = useBrowserSites();
const screenshots = join(projectRoot, 'test-output/screenshots');

const pages = {
	home: '/',
	chapter: '/policies/pharma-operations-department/1.1/ch-1/',
	compare: '/policies/pharma-operations-department/compare/1.0...1.1/',
	history: '/policies/pharma-operations-department/history/',
	print: '/policies/pharma-operations-department/1.1/print/',
};

describe.each([360, 1280])('at %i px wide', (width) => {
	it('fits the width on every page; screenshots light and dark', { timeout: 60_000 }, async () => {
		mkdirSync(screenshots, { recursive: true });
		const context = await sites.browser.newContext({ viewport: { width, height: 800 } });
		const page = await context.newPage();
		try {
			for (const colorScheme of ['light', 'dark'] as const) {
				await page.emulateMedia({ colorScheme });
				for (const [name, path] of Object.entries(pages)) {
					await page.goto(`${sites.site}${path}`);
					await page.evaluate(() => document.fonts.ready);
					const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
					expect(scrollWidth, `${name} (${colorScheme}) scrolls sideways`).toBeLessThanOrEqual(width);
					const suffix = colorScheme === 'dark' ? '-dark' : '';
					await keepScreenshot(page, { path: join(screenshots, `${name}-${width}${suffix}.png`), fullPage: true });
				}
			}
			if (width === 360) {
				// Phones: the chapter's text starts on the first screen; the chapter list waits in the header's menu.
				await page.goto(`${sites.site}${pages.chapter}`);
				const top = (selector: string) =>
					page.locator(selector).evaluate((el) => el.getBoundingClientRect().top + scrollY);
				expect(await top('.policy-text')).toBeLessThan(800);
				expect(await page.locator('.page > .chapter-nav').isVisible()).toBe(false);
				expect(await page.locator('[data-menu-button]').isVisible()).toBe(true);
			}
		} finally {
			await context.close();
		}
	});
});

describe('JavaScript weight', () => {
	it('a chapter page loads at most 10 KB of gzipped JavaScript before any interaction', async () => {
		const context = await sites.browser.newContext();
		const page = await context.newPage();
		const bodies: Promise<{ url: string; body: Buffer }>[] = [];
		page.on('response', (response) => {
			if (response.request().resourceType() === 'script') {
				bodies.push(response.body().then((body) => ({ url: response.url(), body })));
			}
		});
		try {
			await page.goto(`${sites.site}${pages.chapter}`, { waitUntil: 'networkidle' });
			const external = await Promise.all(bodies);
			const inline = await page.evaluate(() =>
				[...document.scripts].filter((script) => !script.src).map((script) => script.textContent ?? ''),
			);
			const gzipped = (text: string | Buffer) => gzipSync(text).length;
			const externalBytes = external.reduce((sum, { body }) => sum + gzipped(body), 0);
			const inlineBytes = inline.reduce((sum, text) => sum + gzipped(text), 0);
			const total = externalBytes + inlineBytes;
			console.log(
				`JavaScript on a chapter page: ${total} bytes gzipped (${external.length} files: ${externalBytes} B; ` +
					`${inline.length} inline scripts: ${inlineBytes} B; ${inline.reduce((n, t) => n + t.length, 0)} characters raw)`,
			);
			expect(total).toBeLessThanOrEqual(10 * 1024);
		} finally {
			await context.close();
		}
	});
});
