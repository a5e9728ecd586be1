/**
 * axe-core in real Chromium on the main page types, light and dark: no
 * violation of impact serious or critical (contrast, names, landmarks, lang).
 */
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { describe, expect, it } from 'vitest';
import { useBrowserSites } from './support.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const sites = useBrowserSites();

const pages: { name: string; site: 'site' | 'fixtures'; path: string }[] = [
	{ name: 'home', site: 'site', path: '/' },
	{ name: 'chapter', site: 'site', path: '/policies/pharma-operations-department/1.1/ch-1/#c-1-3-1' },
	{ name: 'compare', site: 'site', path: '/policies/pharma-operations-department/compare/1.0...1.1/' },
	{ name: 'history', site: 'site', path: '/policies/pharma-operations-department/history/' },
	{ name: 'policy', site: 'site', path: '/policies/operating-model-process/' },
	{ name: 'superseded chapter (fixtures)', site: 'fixtures', path: '/policies/leave-policy/1.0/ch-1/#c-1-0-2' },
	{ name: 'substantive redline (fixtures)', site: 'fixtures', path: '/policies/leave-policy/compare/1.0...1.1/' },
	{ name: 'history (fixtures)', site: 'fixtures', path: '/policies/leave-policy/history/' },
];

describe.each(['light', 'dark'] as const)('axe, %s colour scheme', (colorScheme) => {
	it('finds no serious or critical violations', { timeout: 60_000 }, async () => {
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
				await page.addScriptTag({ path: axePath });
				const results = await page.evaluate(() =>
					(window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe.run(),
				);
				expect(results.passes.length, `${name}: axe ran`).toBeGreaterThan(10);
				for (const violation of results.violations) {
					if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
					const nodes = violation.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`);
					problems.push(`${name} [${violation.impact}] ${violation.id}: ${violation.help}\n  ${nodes.join('\n  ')}`);
				}
			}
		} finally {
			await context.close();
		}
		expect(problems, problems.join('\n')).toEqual([]);
	});
});
