/**
 * Reading the site in real Chromium: following links from the home page to a
 * clause permalink, the clause alias and the copy-link button, the history
 * and superseded-version banner, the redline, and keyboard-only navigation.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { focused, tabUntil, useBrowserSites, type Focused } from './support.ts';

const sites = useBrowserSites();

/** A page in a fresh context (own cookies, permissions, viewport 1280 × 720). */
async function openPage(options: { clipboardFor?: string } = {}): Promise<Page> {
	const context = await sites.browser.newContext({ viewport: { width: 1280, height: 720 } });
	if (options.clipboardFor) {
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: options.clipboardFor });
	}
	return context.newPage();
}

const targetId = (page: Page) => page.evaluate(() => document.querySelector(':target')?.id ?? null);

/** The clause's box lies (at least partly) inside the viewport. */
const inViewport = (page: Page, id: string) =>
	page.evaluate((id) => {
		const rect = document.getElementById(id)!.getBoundingClientRect();
		return rect.height > 0 && rect.top < innerHeight && rect.bottom > 0;
	}, id);

describe('home → policy → chapter → clause permalink', () => {
	it('follows links to a clause, highlights it, and the clause alias lands on it in the version in force', async () => {
		const page = await openPage();
		try {
			await page.goto(`${sites.site}/`);
			await page.getByRole('link', { name: '醫藥公司運營部門制度', exact: true }).click();
			await page.waitForURL(`${sites.site}/policies/pharma-operations-department/`);

			await page.locator('.chapter-list > li > a').first().click();
			await page.waitForURL(`${sites.site}/policies/pharma-operations-department/1.1/ch-1/`);
			await expect(page.locator('h1').textContent()).resolves.toBe('一、總則');

			await page.locator('#c-1-3-1 > .clause-tools > a.permalink').click();
			await page.waitForURL(`${sites.site}/policies/pharma-operations-department/1.1/ch-1/#c-1-3-1`);
			expect(new URL(page.url()).hash).toBe('#c-1-3-1');
			expect(await targetId(page)).toBe('c-1-3-1');
			expect(await page.locator('#c-1-3-1').isVisible()).toBe(true);
			expect(await inViewport(page, 'c-1-3-1')).toBe(true);
			// Highlighted: the target clause has a background, its neighbour none.
			const background = (id: string) => page.locator(`#${id}`).evaluate((el) => getComputedStyle(el).backgroundColor);
			expect(await background('c-1-3-1')).not.toBe('rgba(0, 0, 0, 0)');
			expect(await background('c-1-3-2')).toBe('rgba(0, 0, 0, 0)');

			await page.goto(`${sites.site}/policies/pharma-operations-department/clauses/c-1-3-1/`);
			await page.waitForURL(`${sites.site}/policies/pharma-operations-department/1.1/ch-1/#c-1-3-1`);
			expect(await targetId(page)).toBe('c-1-3-1');
			expect(await inViewport(page, 'c-1-3-1')).toBe(true);
		} finally {
			await page.context().close();
		}
	});

	it('copies the clause’s stable URL from its actions menu', async () => {
		const page = await openPage({ clipboardFor: sites.site });
		try {
			await page.goto(`${sites.site}/policies/pharma-operations-department/1.1/ch-1/`);
			await page.locator('#c-1-3-1').hover();
			const button = page.locator('#c-1-3-1 > .clause-tools > button.clause-actions');
			expect(await button.getAttribute('aria-label')).toBe('條文動作 1.');
			await button.click();
			const item = page.locator('.clause-menu [role="menuitem"]').first();
			expect(await item.textContent()).toBe('複製連結（現行版本）');
			await item.click();
			await expect.poll(() => item.textContent()).toBe('已複製 ✓');
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
				`${sites.site}/policies/pharma-operations-department/clauses/c-1-3-1/`,
			);
		} finally {
			await page.context().close();
		}
	});
});

describe('history and superseded versions', () => {
	it('lists the versions newest first with their states', async () => {
		const page = await openPage();
		try {
			await page.goto(`${sites.fixtures}/policies/leave-policy/history/`);
			const headings = (await page.locator('ol.versions > li > h2').allInnerTexts()).map((h) =>
				h.replace(/\s+/g, ' ').trim(),
			);
			const released = headings.filter((h) => !/草稿|審查中/.test(h));
			expect(released).toEqual(['版本 2.0 預定生效', '版本 1.1 現行', '版本 1.0 已廢止']);
			// The preview build also lists the drafts, newest first, above them.
			expect(headings.indexOf('版本 2.1 審查中')).toBeLessThan(headings.indexOf('版本 2.0 預定生效'));
		} finally {
			await page.context().close();
		}
	});

	it('shows the superseded banner, whose link lands on the same clause in the version in force', async () => {
		const page = await openPage();
		const visited: string[] = [];
		page.on('request', (request) => {
			if (request.isNavigationRequest()) visited.push(new URL(request.url()).pathname);
		});
		try {
			await page.goto(`${sites.fixtures}/policies/leave-policy/1.0/ch-1/#c-1-0-2`);
			// The banner depends on today: the page fetches it from the server.
			const banner = page.locator('.notice.warn', { hasText: '您正在閱讀已廢止的 1.0 版' });
			await banner.waitFor({ state: 'visible' });
			expect(await targetId(page)).toBe('c-1-0-2');
			expect(await page.locator('#c-1-0-2 > .number').textContent()).toBe('第二條');

			await banner.getByRole('link').click();
			await page.waitForURL(`${sites.fixtures}/policies/leave-policy/1.1/ch-1/#c-1-0-2`);
			expect(visited).toContain('/policies/leave-policy/clauses/c-1-0-2/');
			expect(await targetId(page)).toBe('c-1-0-2');
			expect(await inViewport(page, 'c-1-0-2')).toBe(true);
			// Same clause, renumbered: 第二條 in 1.0 is 第三條 in 1.1.
			expect(await page.locator('#c-1-0-2 > .number').textContent()).toBe('第三條');
			expect(await page.locator('#c-1-0-2').innerText()).toContain('本辦法適用於本公司全體正式員工');
			expect(await page.locator('.notice.warn').count()).toBe(0);
		} finally {
			await page.context().close();
		}
	});
});

describe('the redline', () => {
	const firstPair = {
		'pharma-operations-department': ['范', '範'],
		'operating-model-process': ['范', '範'],
	} as const;

	for (const [policy, [deleted, inserted]] of Object.entries(firstPair)) {
		it(`1.0 → 1.1 of ${policy}: character-form fixes only, every change editorial`, async () => {
			const page = await openPage();
			try {
				await page.goto(`${sites.site}/policies/${policy}/compare/1.0...1.1/`);
				const summary = (await page.getByTestId('redline-summary').innerText()).trim();
				const match = /^共 (\d+) 處變更：實質 0 處，編輯性 (\d+) 處/.exec(summary);
				expect(match, summary).not.toBeNull();
				expect(Number(match![1])).toBeGreaterThan(0);
				expect(match![2]).toBe(match![1]);

				const first = page.locator('article.change').first();
				const del = first.locator('del').first();
				const ins = first.locator('ins').first();
				expect(await del.isVisible()).toBe(true);
				expect(await ins.isVisible()).toBe(true);
				// The hidden "[刪除: …]" wording is for screen readers; the visible text is the character.
				expect(await del.innerText()).toContain(deleted);
				expect(await ins.innerText()).toContain(inserted);
				// 范 → 範 somewhere in both policies (規範, 範圍).
				expect(await page.locator('del', { hasText: '范' }).count()).toBeGreaterThan(0);
				expect(await page.locator('ins', { hasText: '範' }).count()).toBeGreaterThan(0);

				const cards = page.locator('article.change');
				const count = await cards.count();
				expect(count).toBeGreaterThan(0);
				expect(await page.locator('article.change.editorial').count()).toBe(count);
				const badges = await page.locator('article.change .badge.class').allInnerTexts();
				expect(badges).toHaveLength(count);
				expect(new Set(badges.map((b) => b.trim()))).toEqual(new Set(['編輯性修訂']));
			} finally {
				await page.context().close();
			}
		});
	}

	it('fixture 1.0 → 1.1: additions are substantive, renumbering is shown, the filter hides editorial changes', async () => {
		const page = await openPage();
		try {
			await page.goto(`${sites.fixtures}/policies/leave-policy/compare/1.0...1.1/`);
			const added = page.locator('article.change.added');
			expect(await added.count()).toBeGreaterThan(0);
			for (const badge of await added.locator('.badge.class').allInnerTexts()) expect(badge.trim()).toBe('實質修訂');

			const renumbered = page.locator('article.change', { hasText: '第二條 → 第三條' });
			expect(await renumbered.count()).toBe(1);
			expect(await renumbered.locator('.number').innerText()).toBe('第二條 → 第三條');
			expect(await renumbered.locator('.kind').allInnerTexts()).toContain('重新編號');

			const shown = () =>
				page.locator('article.change').evaluateAll((cards) =>
					cards.map((card) => ({
						// Editorial, or no change to the text at all (renumbered only): hidden by the filter.
						editorial: !card.classList.contains('substantive'),
						visible: getComputedStyle(card).display !== 'none' && card.getClientRects().length > 0,
					})),
				);
			const before = await shown();
			expect(before.some((c) => c.editorial)).toBe(true);
			expect(before.every((c) => c.visible)).toBe(true);

			const filter = page.getByLabel('實質修訂');
			await filter.check();
			const after = await shown();
			expect(after.filter((c) => c.editorial).every((c) => !c.visible)).toBe(true);
			expect(after.filter((c) => !c.editorial).every((c) => c.visible)).toBe(true);
			expect(after.some((c) => c.visible)).toBe(true);

			await filter.uncheck();
			expect((await shown()).every((c) => c.visible)).toBe(true);
		} finally {
			await page.context().close();
		}
	});
});

describe('keyboard only', () => {
	it('reaches a policy and a chapter with Tab and Enter, with a visible focus indicator throughout', async () => {
		const page = await openPage();
		const checked: Focused[] = [];
		const expectIndicated = (list: Focused[]) => {
			for (const f of list) {
				expect(f.indicator, `focus ring on ${f.tag} “${f.text}”`).toBe(true);
				expect(f.onScreen, `${f.tag} “${f.text}” on screen when focused`).toBe(true);
			}
			checked.push(...list);
		};
		try {
			await page.goto(`${sites.site}/`);
			await page.keyboard.press('Tab');
			const skip = await focused(page);
			expect(skip?.region).toBe('skip');
			expect(skip?.text).toBe('跳至內容');
			expectIndicated([skip!]);

			const toPolicy = await tabUntil(page, (f) => /^\/policies\/[^/]+\/$/.test(f.href ?? ''));
			expectIndicated(toPolicy);
			const policyHref = toPolicy.at(-1)!.href!;
			// The first policy link on the page.
			expect(policyHref).toBe(await page.locator('main a[href^="/policies/"]').first().getAttribute('href'));
			await page.keyboard.press('Enter');
			await page.waitForURL(`${sites.site}${policyHref}`);

			const toChapter = await tabUntil(page, (f) => /\/1\.1\/ch-1\/$/.test(f.href ?? ''));
			expectIndicated(toChapter);
			const chapterHref = toChapter.at(-1)!.href!;
			await page.keyboard.press('Enter');
			await page.waitForURL(`${sites.site}${chapterHref}`);

			// Everything on the chapter page, in focus order, until focus leaves the page.
			const order: Focused[] = [];
			for (let i = 0; i < 150; i += 1) {
				await page.keyboard.press('Tab');
				const now = await focused(page);
				if (!now) break;
				order.push(now);
			}
			expectIndicated(order);
			const first = (test: (f: Focused) => boolean) => order.findIndex(test);
			const actions = first((f) => f.region === 'main' && f.className.includes('clause-actions'));
			const next = first((f) => f.rel === 'next');
			const sidebar = first((f) => f.region === 'sidebar' && f.tag === 'a');
			expect(actions, 'a clause actions button').toBeGreaterThanOrEqual(0);
			expect(next, 'the next-chapter link').toBeGreaterThan(actions);
			expect(sidebar, 'the chapter sidebar').toBeGreaterThanOrEqual(0);
			// The chapter list comes first (after the header), then the text.
			expect(sidebar).toBeLessThan(actions);
			expect(order.some((f) => f.region === 'sidebar' && f.href === chapterHref.replace('/ch-1/', '/ch-2/'))).toBe(
				true,
			);
			expect(checked.length).toBeGreaterThan(20);
		} finally {
			await page.context().close();
		}
	});
});
