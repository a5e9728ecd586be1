/** `zhidu search` in the terminal, and the same index served by the built site. */
import { execFileSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { SearchIndex, type SearchIndexFile } from '../../src/lib/search/clause-index.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { fetchText } from '../support/on-demand.ts';
import { serveSite } from '../support/site-server.ts';

const search = (...args: string[]) => zhidu(['search', ...args]);

describe('zhidu search', () => {
	it('prints ranked clauses: number, chapter and section, the marked snippet and the URL', async () => {
		const { stdout, status } = await search('需求規劃', '--limit', '2');
		expect(status).toBe(0);
		const [first] = stdout.split(/\n(?=\d+\. )/);
		expect(first).toContain('1. 1.  運營模式流程制度 1.1 › 三、流程制度細則 › (二)產品或服務研發流程');
		expect(first).toContain('【需求規劃】市場部門根據市場調研結果');
		expect(first).toContain('/policies/operating-model-process/1.1/ch-3/#c-3-2-1');
	});

	// The one spawned run: the program itself, as `npx zhidu` starts it.
	it('gives the clause id and full text with --json, and filters by --policy', () => {
		const out = execFileSync(
			process.execPath,
			['src/cli/zhidu.ts', 'search', '客户满意度', '--json', '--policy', 'pharma-operations-department'],
			{
				cwd: projectRoot,
				encoding: 'utf8',
			},
		);
		const hits = JSON.parse(out) as { clauseId: string; policy: string; text: string; url: string }[];
		expect(hits.length).toBeGreaterThan(0);
		expect(hits.every((h) => h.policy === 'pharma-operations-department')).toBe(true);
		expect(hits[0]).toMatchObject({ clauseId: expect.stringMatching(/^c-/), url: expect.stringContaining('#c-') });
		expect(hits[0]!.text.length).toBeGreaterThan(10);
	});

	it('rejects a bad --limit or an unknown --policy with the reason', async () => {
		expect(await search('x', '--limit', 'many')).toMatchObject({
			status: 2,
			stderr: expect.stringContaining('--limit "many"'),
		});
		expect(await search('x', '--policy', 'nope')).toMatchObject({
			status: 2,
			stderr: expect.stringContaining('--policy "nope": no such policy'),
		});
	});
});

describe('/api/v1/search-index.json', () => {
	it('is served (made on demand, as of today) and answers queries through the shared tokenizer', async () => {
		const site = await serveSite(inject('siteDir'));
		let file: SearchIndexFile;
		try {
			file = JSON.parse(await fetchText(site.url, '/api/v1/search-index.json')) as SearchIndexFile;
		} finally {
			await site.close();
		}
		expect(file.format).toBe('zhidu-lunr-1');
		const index = new SearchIndex(file);
		const [hit] = index.search('電商平台', { policy: 'pharma-operations-department', limit: 1 });
		expect(hit?.document.ref).toBe('/policies/pharma-operations-department/1.1/ch-5/#c-5-1-2');
	});
});
