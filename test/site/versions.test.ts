/**
 * Version states on the fixture site served by the real server: in force,
 * superseded, scheduled (rendered on demand, as of today), and drafts only in
 * preview.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pageWithStatus, redirectOf } from '../support/on-demand.ts';
import { fixtureServerEnv, serveSite, type ServedSite } from '../support/site-server.ts';

const previewDir = inject('fixtureSiteDir');
const productionDir = inject('fixtureProductionSiteDir');
let preview: ServedSite;
let production: ServedSite;
beforeAll(async () => {
	[preview, production] = await Promise.all([
		serveSite(previewDir, { ...fixtureServerEnv, ZHIDU_PREVIEW: '1' }),
		serveSite(productionDir, fixtureServerEnv),
	]);
});
afterAll(async () => {
	await Promise.all([preview?.close(), production?.close()]);
});
const page = (site: ServedSite, path: string) => pageWithStatus(site.url, `/${path}/`);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('versions on the site', () => {
	it('the history page lists every version with its state, dates and change summary', async () => {
		const history = text(await page(production, 'policies/leave-policy/history'));
		expect(history).toMatch(/版本 2\.0 預定生效 .*2099-01-01/);
		expect(history).toMatch(/版本 1\.1 現行 .*2025-01-01 – 2099-01-01|版本 1\.1 現行 .*2025-01-01/);
		expect(history).toMatch(/版本 1\.0 已廢止 .*2024-01-01 – 2025-01-01/);
		expect(history).toContain('新增主管之定義（插入於適用範圍之前）。');
		expect(history).not.toContain('2.1');
	});

	it('announces a scheduled version without showing it as in force', async () => {
		const overview = text(await page(production, 'policies/leave-policy'));
		expect(overview).toContain('2.0 版將於 2099-01-01 生效');
		expect(overview).toMatch(/現行版本 1\.1 現行/);
		const scheduled = text(await page(production, 'policies/leave-policy/2.0/ch-2'));
		expect(scheduled).toContain('2.0 版將於 2099-01-01 生效');
	});

	it('marks superseded versions and links to the same chapter in the version in force', async () => {
		const html = await page(production, 'policies/leave-policy/1.0/ch-1');
		expect(text(html)).toContain('您正在閱讀已廢止的 1.0 版（適用至 2025-01-01）');
		expect(html).toMatch(
			/href="\/policies\/leave-policy\/1\.1\/ch-1\/" data-clause-alias="\/policies\/leave-policy\/clauses\/"/,
		);
	});

	it('builds drafts and in-review versions only with ZHIDU_PREVIEW=1, marked as such', async () => {
		expect(existsSync(join(productionDir, 'policies/leave-policy/2.1'))).toBe(false);
		expect(existsSync(join(productionDir, 'policies/leave-policy/2.2'))).toBe(false);
		expect(text(await page(preview, 'policies/leave-policy/2.1/ch-1'))).toContain(
			'預覽：2.1 版為審查中，尚未核准，不具效力。',
		);
		expect(text(await page(preview, 'policies/leave-policy/2.2/ch-1'))).toContain('預覽：2.2 版為草稿');
	});

	it('says its dates and times are company time, and carries no build time (a rebuild gives the same page)', async () => {
		const html = await page(production, 'policies/leave-policy/1.1/ch-1');
		expect(html).toContain('日期與時間均為公司時間（Asia/Taipei）。');
		expect(html).not.toMatch(/建置於|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
	});
});

describe('clause permalinks survive a clause inserted before them', () => {
	it('every 1.0 clause link lands on the same clause text in 1.1, and the id alias goes to the version in force', async () => {
		const ids = ['c-1-0-1', 'c-1-0-2', 'c-2-1-1', 'c-2-1-1-1', 'c-2-1-1-2'];
		const clauseText = (html: string, id: string) => {
			const start = html.indexOf('>', html.indexOf(`id="${id}"`)) + 1;
			expect(start, id).toBeGreaterThan(0);
			return text(html.slice(start, html.indexOf('</div>', start))).replace(/[#\s]|複製連結/g, '');
		};
		for (const id of ids) {
			const chapter = id.startsWith('c-1') ? 'ch-1' : 'ch-2';
			const old = clauseText(await page(production, `policies/leave-policy/1.0/${chapter}`), id);
			const now = clauseText(await page(production, `policies/leave-policy/1.1/${chapter}`), id);
			// Same clause, whatever its number now (第二條 → 第三條).
			expect(now.replace(/^第.+?條|^（.+?）/, '')).toBe(old.replace(/^第.+?條|^（.+?）/, ''));
			const alias = await redirectOf(production.url, `/policies/leave-policy/clauses/${id}/`);
			expect(alias).toBe(`/policies/leave-policy/1.1/${chapter}/#${id}`);
		}
		expect(clauseText(await page(production, 'policies/leave-policy/1.1/ch-1'), 'c-1-0-2')).toMatch(/^第三條/);
	});
});
