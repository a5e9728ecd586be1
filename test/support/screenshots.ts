/**
 * Screenshots for people to look at (test-output/screenshots/; docs/screenshots/ keeps the looked-at copies),
 * taken only by `npm run screenshots` (ZHIDU_SCREENSHOTS=1). No test reads them, and encoding some eighty
 * full-page PNGs was about a quarter of Chromium's CPU time in `npm test`. The checks beside each screenshot
 * (no sideways scrolling at 360 px, what is on screen) run either way.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Locator, LocatorScreenshotOptions, Page, PageScreenshotOptions } from 'playwright-core';

export const screenshotsWanted = process.env['ZHIDU_SCREENSHOTS'] === '1';

/** `target.screenshot(options)` when screenshots are wanted; nothing otherwise. */
export async function keepScreenshot(target: Page, options: PageScreenshotOptions & { path: string }): Promise<void>;
export async function keepScreenshot(
	target: Locator,
	options: LocatorScreenshotOptions & { path: string },
): Promise<void>;
export async function keepScreenshot(
	target: Page | Locator,
	options: (PageScreenshotOptions | LocatorScreenshotOptions) & { path: string },
): Promise<void> {
	if (!screenshotsWanted) return;
	mkdirSync(dirname(options.path), { recursive: true });
	await target.screenshot(options);
}
