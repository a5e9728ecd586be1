/**
 * Shared set-up for the browser tests: Chromium (the worker's, test/support/browser.ts), the built
 * sites served over HTTP, and small helpers for reading what has focus.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { fixtureServerEnv, serveSite, type ServedSite } from '../support/site-server.ts';

export interface BrowserSites {
	browser: Browser;
	/** Base URL of the site built from content/policies. */
	site: string;
	/** Base URL of the fixture site (preview build: drafts and in-review included). */
	fixtures: string;
}

/** Launches Chromium and serves both sites before the file's tests; closes everything after them. */
export function useBrowserSites(): BrowserSites {
	const state = {} as BrowserSites;
	const servers: ServedSite[] = [];
	beforeAll(async () => {
		const [browser, site, fixtures] = await Promise.all([
			launchChromium(),
			serveSite(inject('siteDir')),
			// A preview build: the server shows drafts too on the pages it renders on demand.
			serveSite(inject('fixtureSiteDir'), { ...fixtureServerEnv, ZHIDU_PREVIEW: '1' }),
		]);
		servers.push(site, fixtures);
		Object.assign(state, { browser, site: site.url, fixtures: fixtures.url });
	});
	afterAll(async () => {
		await state.browser?.close();
		await Promise.all(servers.map((server) => server.close()));
	});
	return state;
}

export interface Focused {
	tag: string;
	text: string;
	href: string | null;
	rel: string | null;
	className: string;
	/** Where the element sits: the skip link, the site header, the chapter sidebar, the page's main text, the on-page contents. */
	region: 'skip' | 'header' | 'sidebar' | 'main' | 'toc' | 'other';
	/** A focus ring: an outline or a box shadow. */
	indicator: boolean;
	/** On screen: laid out, not transparent, inside the viewport. */
	onScreen: boolean;
}

/** What has keyboard focus, or null when nothing in the page has (focus on the body). */
export function focused(page: Page): Promise<Focused | null> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body || el === document.documentElement) return null;
		const style = getComputedStyle(el);
		const rect = el.getBoundingClientRect();
		const region = el.matches('a.skip')
			? 'skip'
			: el.closest('header.site')
				? 'header'
				: el.closest('.chapter-nav')
					? 'sidebar'
					: el.closest('main')
						? 'main'
						: el.closest('.toc')
							? 'toc'
							: 'other';
		return {
			tag: el.tagName.toLowerCase(),
			text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
			href: el.getAttribute('href'),
			rel: el.getAttribute('rel'),
			className: typeof el.className === 'string' ? el.className : '',
			region,
			indicator:
				(style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
				(style.boxShadow !== '' && style.boxShadow !== 'none'),
			onScreen:
				rect.width > 0 &&
				rect.height > 0 &&
				Number(style.opacity) > 0 &&
				style.visibility !== 'hidden' &&
				rect.bottom > 0 &&
				rect.right > 0 &&
				rect.top < innerHeight &&
				rect.left < innerWidth,
		};
	});
}

/** Presses Tab until the focused element satisfies `match`; fails after `limit` presses. Returns every element passed. */
export async function tabUntil(page: Page, match: (f: Focused) => boolean, limit = 80): Promise<Focused[]> {
	const passed: Focused[] = [];
	for (let i = 0; i < limit; i += 1) {
		await page.keyboard.press('Tab');
		const now = await focused(page);
		if (now) passed.push(now);
		if (now && match(now)) return passed;
	}
	throw new Error(
		`no match after ${limit} Tab presses; passed: ${passed.map((f) => `${f.tag} ${f.text}`).join(' | ')}`,
	);
}
