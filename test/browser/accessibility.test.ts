/**
 * axe-core in real Chromium on the main page types, light and dark (from the
 * system, and chosen with the header's theme toggle against the system): no
 * violation of impact serious or critical (contrast, names, landmarks, lang),
 * also with the phone menu, "on this page" and a clause's actions menu open.
 */
import { describe, expect, it } from 'vitest';
import { axeProblems as audit } from '../support/axe.ts';
import { useBrowserSites } from './support.ts';

const sites = useBrowserSites();

const pages: { name: string; site: 'site' | 'fixtures'; path: string }[] = [
	{ name: 'home', site: 'site', path: '/' },
	{ name: 'chapter', site: 'site', path: '/policies/pharma-operations-department/1.1/ch-1/#c-1-3-1' },
	{ name: 'compare', site: 'site', path: '/policies/pharma-operations-department/compare/1.0...1.1/' },
	{ name: 'history', site: 'site', path: '/policies/pharma-operations-department/history/' },
	{ name: 'policy', site: 'site', path: '/policies/operating-model-process/' },
	{ name: 'version contents', site: 'site', path: '/policies/pharma-operations-department/1.1/' },
	{ name: 'compare form', site: 'site', path: '/policies/pharma-operations-department/compare/' },
	{ name: 'training path', site: 'site', path: '/training/new-hire/' },
	{ name: 'search', site: 'site', path: '/search/?q=%E5%90%88%E6%B3%95' },
	{ name: 'sign-in', site: 'site', path: '/login/' },
	{ name: 'superseded chapter (fixtures)', site: 'fixtures', path: '/policies/leave-policy/1.0/ch-1/#c-1-0-2' },
	{ name: 'substantive redline (fixtures)', site: 'fixtures', path: '/policies/leave-policy/compare/1.0...1.1/' },
	{ name: 'history (fixtures)', site: 'fixtures', path: '/policies/leave-policy/history/' },
];

describe.each(['light', 'dark'] as const)('axe, %s chosen with the toggle against the system', (theme) => {
	it('finds no serious or critical violations, menus open, at 360 and 1280 px', { timeout: 300_000 }, async () => {
		const system = theme === 'dark' ? 'light' : 'dark';
		const problems: string[] = [];
		for (const width of [360, 1280]) {
			const context = await sites.browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
			await context.addInitScript((choice) => localStorage.setItem('zhidu-theme', choice), theme);
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme: system });
			try {
				// Every page type in both themes is audited below (system scheme); here the toggle's path on a few.
				const chosen = width === 1280 ? pages.filter((p) => /^(home|compare|history|training path)$/.test(p.name)) : [];
				for (const { name, site, path } of chosen) {
					await page.goto(`${sites[site]}${path}`);
					expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
					problems.push(...(await audit(page, `${name} at ${width}`)));
				}
				await page.goto(`${sites.site}/policies/pharma-operations-department/1.1/ch-1/`);
				expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
				if (width === 360) {
					await page.locator('[data-menu-button]').click();
					problems.push(...(await audit(page, 'chapter, menu open')));
					await page.keyboard.press('Escape');
					await page.locator('main .toc-disclosure summary').click();
				}
				await page.locator('#c-1-3-1').hover();
				await page.locator('#c-1-3-1 .clause-actions').click();
				problems.push(...(await audit(page, `chapter at ${width}, on this page and clause actions open`)));
			} finally {
				await context.close();
			}
		}
		expect(problems, problems.join('\n')).toEqual([]);
	});
});

describe.each(['light', 'dark'] as const)('axe, %s colour scheme', (colorScheme) => {
	it('finds no serious or critical violations', { timeout: 180_000 }, async () => {
		// axe is injected as an inline script, which the site's CSP rightly refuses: bypass it for the audit only.
		const context = await sites.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
		const page = await context.newPage();
		await page.emulateMedia({ colorScheme });
		const problems: string[] = [];
		try {
			for (const { name, site, path } of pages) {
				await page.goto(`${sites[site]}${path}`);
				expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
					colorScheme === 'dark',
				);
				problems.push(...(await audit(page, name)));
			}
		} finally {
			await context.close();
		}
		expect(problems, problems.join('\n')).toEqual([]);
	});
});
