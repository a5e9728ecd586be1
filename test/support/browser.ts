/**
 * Debian's Chromium headless shell driven by playwright-core (never a downloaded browser): the same Blink and V8 as
 * Debian's `chromium`, without the desktop browser around them, at about a third of its CPU time per page (the
 * browser lane's largest cost). Playwright drives its own headless Chromium the same way.
 * The browser lane launches one Chromium per worker slot for the whole run
 * (globalSetup: test/support/shared-browser.ts) instead of one per test file;
 * a file connects to its slot's browser, which no file running at the same
 * time uses (the clipboard, for one, is the browser's, not the context's).
 * Closing the connection closes the file's contexts and pages. Outside the
 * browser lane a file launches its own.
 */
import { chromium, type Browser, type BrowserServer } from 'playwright-core';
import { inject } from 'vitest';

/** Debian's full Chromium (the bench's page-load figures are taken in it). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** What the tests launch (package chromium-headless-shell); CHROMIUM_PATH overrides it too. */
export const headlessShellPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium-headless-shell';

const launchOptions = {
	executablePath: headlessShellPath,
	args: [
		'--headless',
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run',
	],
};

declare module 'vitest' {
	export interface ProvidedContext {
		/** The shared Chromiums' WebSocket endpoints, one per worker slot (browser lane). */
		chromiumEndpoints?: string[];
	}
}

export function launchChromium(): Promise<Browser> {
	// VITEST_POOL_ID: this worker's slot, 1 to maxWorkers; files running at the same time have different slots.
	const endpoint = inject('chromiumEndpoints')?.[Number(process.env['VITEST_POOL_ID'] ?? 0) - 1];
	// Generous: on a loaded machine the handshake can take seconds; this catches a dead browser, not a slow one.
	if (endpoint) return chromium.connect(endpoint, { timeout: 120_000 });
	return chromium.launch(launchOptions);
}

/** For the globalSetup: one Chromium that the test files connect to. */
export function launchChromiumServer(): Promise<BrowserServer> {
	return chromium.launchServer(launchOptions);
}
