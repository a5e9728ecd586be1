/** Version states on the built fixture site: in force, superseded, scheduled, and drafts only in preview. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const preview = inject('fixtureSiteDir');
const production = inject('fixtureProductionSiteDir');
const page = (site: string, path: string) => readFileSync(join(site, path, 'index.html'), 'utf8');
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('versions on the site', () => {
	it('the history page lists every version with its state, dates and change summary', () => {
		const history = text(page(production, 'policies/leave-policy/history'));
		expect(history).toMatch(/版本 2\.0 預定生效 .*2099-01-01/);
		expect(history).toMatch(/版本 1\.1 現行 .*2025-01-01 – 2099-01-01|版本 1\.1 現行 .*2025-01-01/);
		expect(history).toMatch(/版本 1\.0 已廢止 .*2024-01-01 – 2025-01-01/);
		expect(history).toContain('新增主管之定義（插入於適用範圍之前）。');
		expect(history).not.toContain('2.1');
	});

	it('announces a scheduled version without showing it as in force', () => {
		const overview = text(page(production, 'policies/leave-policy'));
		expect(overview).toContain('2.0 版將於 2099-01-01 生效');
		expect(overview).toMatch(/現行版本 1\.1 現行/);
		const scheduled = text(page(production, 'policies/leave-policy/2.0/ch-2'));
		expect(scheduled).toContain('2.0 版將於 2099-01-01 生效');
	});

	it('marks superseded versions and links to the same chapter in the version in force', () => {
		const html = page(production, 'policies/leave-policy/1.0/ch-1');
		expect(text(html)).toContain('您正在閱讀已廢止的 1.0 版（適用至 2025-01-01）');
		expect(html).toMatch(
			/href="\/policies\/leave-policy\/1\.1\/ch-1\/" data-clause-alias="\/policies\/leave-policy\/clauses\/"/,
		);
	});

	it('builds drafts and in-review versions only with ZHIDU_PREVIEW=1, marked as such', () => {
		expect(existsSync(join(production, 'policies/leave-policy/2.1'))).toBe(false);
		expect(existsSync(join(production, 'policies/leave-policy/2.2'))).toBe(false);
		expect(text(page(preview, 'policies/leave-policy/2.1/ch-1'))).toContain(
			'預覽：2.1 版為審查中，尚未核准，不具效力。',
		);
		expect(text(page(preview, 'policies/leave-policy/2.2/ch-1'))).toContain('預覽：2.2 版為草稿');
	});

	it('shows when each page was built', () => {
		expect(page(production, 'policies/leave-policy/1.1/ch-1')).toMatch(
			/本頁建置於 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（Asia\/Taipei）/,
		);
	});
});

describe('clause permalinks survive a clause inserted before them', () => {
	it('every 1.0 clause link lands on the same clause text in 1.1, and the id alias goes to the version in force', () => {
		const ids = ['c-1-0-1', 'c-1-0-2', 'c-2-1-1', 'c-2-1-1-1', 'c-2-1-1-2'];
		const clauseText = (html: string, id: string) => {
			const start = html.indexOf('>', html.indexOf(`id="${id}"`)) + 1;
			expect(start, id).toBeGreaterThan(0);
			return text(html.slice(start, html.indexOf('</div>', start))).replace(/[#\s]|複製連結/g, '');
		};
		for (const id of ids) {
			const chapter = id.startsWith('c-1') ? 'ch-1' : 'ch-2';
			const old = clauseText(page(production, `policies/leave-policy/1.0/${chapter}`), id);
			const now = clauseText(page(production, `policies/leave-policy/1.1/${chapter}`), id);
			// Same clause, whatever its number now (第二條 → 第三條).
			expect(now.replace(/^第.+?條|^（.+?）/, '')).toBe(old.replace(/^第.+?條|^（.+?）/, ''));
			const alias = page(production, `policies/leave-policy/clauses/${id}`);
			expect(alias).toContain(`url=/policies/leave-policy/1.1/${chapter}/#${id}`);
		}
		expect(clauseText(page(production, 'policies/leave-policy/1.1/ch-1'), 'c-1-0-2')).toMatch(/^第三條/);
	});
});
