/**
 * Printing in real Chromium: the print page of a whole version (real content
 * and the fixture policy) and one chapter page, printed to A4 PDFs in
 * test-output/print/ and read back page by page with poppler (pdfinfo,
 * pdftotext -layout). Every printed page carries the document number, version,
 * effective date, approval evidence, "n / N" and the uncontrolled-copy line in
 * its margins; navigation is never printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { fixtureServerEnv, serveSite, type ServedSite } from '../support/site-server.ts';

const outDir = join(projectRoot, 'test-output/print');
const uncontrolled = '列印本為非管制文件，請以線上現行版本為準。';
/** UI text that only navigation carries: breadcrumbs, sidebar, pager, copy-link buttons, the site footer. */
const navigation = ['首頁', '章節列表', '上一章', '下一章', '複製連結', '日期與時間均為公司時間'];

interface PrintCase {
	name: string;
	site: 'siteDir' | 'fixtureProductionSiteDir';
	path: string;
	/** What the top margin of every page says. */
	header: string[];
	/** What the bottom margin of every page says (besides n / N). */
	footer: string[];
}

const pharma = {
	header: ['醫藥公司運營部門制度', '文件編號：未載明', '版本 1.1', '生效日期：2026-11-22'],
	footer: ['核准紀錄：未載明', uncontrolled],
};
const cases: PrintCase[] = [
	{
		name: 'pharma-operations-department-1.1',
		site: 'siteDir',
		path: '/policies/pharma-operations-department/1.1/print/',
		...pharma,
	},
	{
		name: 'leave-policy-1.1',
		site: 'fixtureProductionSiteDir',
		path: '/policies/leave-policy/1.1/print/',
		header: ['員工請假管理辦法', '文件編號：HR-LV-001', '版本 1.1', '生效日期：2025-01-01'],
		footer: ['核准紀錄：核准：王大明，2024-12-01', uncontrolled],
	},
	{
		name: 'pharma-operations-department-1.1-ch-2',
		site: 'siteDir',
		path: '/policies/pharma-operations-department/1.1/ch-2/',
		...pharma,
	},
];

interface Pdf {
	file: string;
	/** The page's HTML as served, to show what the PDF leaves out. */
	html: string;
	pageSize: string;
	/** Text of each page (pdftotext -layout), runs of spaces collapsed. */
	pages: string[];
}

const printed = new Map<string, Pdf>();
let browser: Browser;
const servers: ServedSite[] = [];

beforeAll(async () => {
	mkdirSync(outDir, { recursive: true });
	browser = await launchChromium();
	const sites = {
		siteDir: await serveSite(inject('siteDir')),
		fixtureProductionSiteDir: await serveSite(inject('fixtureProductionSiteDir'), fixtureServerEnv),
	};
	servers.push(...Object.values(sites));
	const page = await browser.newPage();
	for (const { name, site, path } of cases) {
		const response = await page.goto(`${sites[site].url}${path}`, { waitUntil: 'load' });
		if (response?.status() !== 200) throw new Error(`${path}: HTTP ${response?.status()}`);
		await page.evaluate(() => document.fonts.ready);
		const file = join(outDir, `${name}.pdf`);
		// The page's own @page rule (A4, margin boxes) decides the layout, not Playwright's defaults.
		await page.pdf({ path: file, preferCSSPageSize: true, displayHeaderFooter: false });
		const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
		const count = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
		const pages = Array.from({ length: count }, (_, i) =>
			execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-layout', file, '-'], {
				encoding: 'utf8',
			}).replace(/[ \t]+/g, ' '),
		);
		printed.set(name, { file, html: await page.content(), pageSize: /^Page size:.*$/m.exec(info)?.[0] ?? '', pages });
	}
	await page.close();
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await Promise.all(servers.map((server) => server.close()));
});

/** The first and last two printed lines of a page: where the margin boxes are. */
function margins(text: string) {
	const lines = text.split('\n').filter((line) => line.trim() !== '');
	return { top: lines.slice(0, 2).join('\n'), bottom: lines.slice(-2).join('\n') };
}

describe.each(cases)('printing $path', ({ name, header, footer }) => {
	const pdf = () => printed.get(name)!;

	it('prints on A4', () => {
		expect(pdf().pageSize).toContain('(A4)');
		expect(pdf().pages.length).toBeGreaterThan(0);
	});

	it('carries document number, version, effective date, approval, n / N and the uncontrolled-copy line on every page', () => {
		const { pages } = pdf();
		pages.forEach((text, index) => {
			const { top, bottom } = margins(text);
			for (const fact of header) expect(top, `page ${index + 1}`).toContain(fact);
			for (const fact of footer) expect(bottom, `page ${index + 1}`).toContain(fact);
			// pdftotext may drop the thin spaces around the slash: "3 / 8" or "3/8", at the end of a line.
			expect(bottom, `page ${index + 1}`).toMatch(new RegExp(`(^|\\s)${index + 1} ?/ ?${pages.length} ?$`, 'm'));
		});
	});

	it('leaves navigation out', () => {
		const { pages, html } = pdf();
		// The chapter page has all of it on screen; the print page at least breadcrumbs and the footer.
		for (const word of ['首頁', '日期與時間均為公司時間']) expect(html).toContain(word);
		pages.forEach((text, index) => {
			for (const word of navigation) expect(text, `page ${index + 1}`).not.toContain(word);
		});
	});
});

describe('the whole policy in print', () => {
	it('runs over several pages, every chapter starting on a new one', () => {
		const { pages } = printed.get('pharma-operations-department-1.1')!;
		const version = loadContentOrThrow()
			.find((p) => p.id === 'pharma-operations-department')!
			.versions.find((v) => v.meta.version === '1.1')!;
		expect(pages.length).toBeGreaterThan(1);
		expect(pages.length).toBeGreaterThanOrEqual(version.chapters.length);
		// The first chapter follows the title block; every later one opens a page (first line below the top margin).
		const [first, ...rest] = version.chapters;
		expect(pages[0]).toContain(first!.chapter.title);
		const openers = pages.map((text) => text.split('\n').filter((line) => line.trim() !== '')[2] ?? '');
		for (const { chapter } of rest) expect(openers.some((line) => line.includes(chapter.title))).toBe(true);
	});

	it('prints the chapter page with its pager and sidebar in the HTML but not on paper', () => {
		const { html, pages } = printed.get('pharma-operations-department-1.1-ch-2')!;
		for (const word of navigation) expect(html).toContain(word);
		for (const text of pages) for (const word of navigation) expect(text).not.toContain(word);
	});
});
