/**
 * axe-core in a test's page: the one way the browser tests audit accessibility.
 *
 * Every rule still runs on every element; only the violations are reported in
 * full. axe's `resultTypes` keeps one node per passing (or incomplete,
 * inapplicable) rule instead of a CSS selector for each of the thousands of
 * elements that passed, which was most of an audit's time on a chapter page
 * (about 1.3 s of Chromium's CPU down to 0.4 s).
 */
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe on the page as it is now (the context must bypass the CSP to inject it). */
export async function runAxe(page: Page): Promise<AxeResults> {
	await page.addScriptTag({ path: axePath });
	return page.evaluate(() =>
		(window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe.run(
			document,
			{ resultTypes: ['violations'] },
		),
	);
}

const serious = (impact: ImpactValue | undefined) => impact === 'serious' || impact === 'critical';

/** The serious and critical violations on the page, one line per rule with its elements, after checking axe ran. */
export async function axeProblems(page: Page, name: string): Promise<string[]> {
	const results = await runAxe(page);
	// Each rule that passed is listed once: a page with fewer did not get audited.
	expect(results.passes.length, `${name}: axe ran`).toBeGreaterThan(10);
	return results.violations
		.filter((violation) => serious(violation.impact))
		.map((violation) => {
			const nodes = violation.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`);
			return `${name} [${violation.impact}] ${violation.id}: ${violation.help}\n  ${nodes.join('\n  ')}`;
		});
}
