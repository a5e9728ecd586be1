/**
 * Debian's Chromium headless shell driven by playwright-core (never a downloaded browser): the same Blink and V8 as
 * Debian's `chromium`, without the desktop browser around them, at about a third of its CPU time per page (the
 * browser lane's largest cost). Playwright drives its own headless Chromium the same way.
 *
 * In the browser lane, each Vitest worker launches one Chromium on its first file and lends it to every file it
 * runs after (the lane keeps its workers: `isolate: false`); a worker runs one file at a time, so no two files
 * running at once share a browser (the clipboard, for one, is the browser's, not the context's). A file's
 * `browser.close()` closes its contexts and pages, not the worker's browser; Playwright ends the browser when the
 * worker exits. Driven from the worker itself, no browser server in Vitest's main process relays each protocol
 * message (docs/bench.md: the CPU saved is within the run-to-run spread; the set-up is simpler). Outside the
 * browser lane a file launches its own.
 */
import { chromium, type Browser } from 'playwright-core';
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
		/** Set in the browser lane (test/vitest.config.ts): its workers keep one Chromium each. */
		browserLane?: boolean;
	}
}

/** This worker's Chromium, once a browser-lane file has asked for it. */
let workersBrowser: Promise<Browser> | undefined;

/** The worker's Chromium as one file sees it: closing it closes what the file opened, and the browser stays. */
function lentTo(browser: Browser): Browser {
	return new Proxy(browser, {
		get(target, property) {
			if (property === 'close')
				return async () => {
					await Promise.all(target.contexts().map((context) => context.close()));
				};
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

export async function launchChromium(): Promise<Browser> {
	if (!inject('browserLane')) return chromium.launch(launchOptions);
	const current = await workersBrowser?.catch(() => undefined);
	if (current?.isConnected()) return lentTo(current);
	// The first file, or one after a test ended the browser or a launch failed.
	workersBrowser = chromium.launch(launchOptions);
	return lentTo(await workersBrowser);
}
