/** `zhidu search` in the terminal: the index the build wrote, the same rules as the API and the browser. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { zhidu as cli } from '../support/cli.ts';
import { searchIndexFormat, unpackSearchIndex } from '#lib/search/clause-index.ts';
import { readSearchIndex, searchDocumentsPath } from '#lib/search/from-content.ts';
import { projectRoot } from '../support/build-site.ts';
import { emptyQueries, searchQueries } from './queries.ts';

/** The spawned program: the one run per command that checks `zhidu search` as a program (the rest run in-process). */
const zhidu = (...args: string[]) =>
	spawnSync(process.execPath, ['src/cli/zhidu.ts', 'search', ...args], {
		cwd: projectRoot,
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1', ZHIDU_DIST_DIR: inject('serverDistDir') },
	});

interface JsonHit {
	clauseId: string;
	policy: string;
	text: string;
	url: string;
	state: string;
}
/** The command in this process (what the spawned CLI runs). */
const search = (...args: string[]) => cli(['search', ...args], { env: { ZHIDU_DIST_DIR: inject('serverDistDir') } });

/** In this process, its --json output parsed: many queries in little time. */
const json = async (...args: string[]) => {
	const result = await search(...args, '--json');
	expect(result.status, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as JsonHit[];
};

describe('zhidu search', { timeout: 120_000 }, () => {
	it('prints ranked clauses: number, chapter and section, the marked snippet and the URL', () => {
		const { stdout, status } = zhidu('需求規劃', '--limit', '2');
		expect(status).toBe(0);
		const [first] = stdout.split(/\n(?=\d+\. )/);
		expect(first).toContain('1. 1.  運營模式流程制度 1.1 › 三、流程制度細則 › (二)產品或服務研發流程');
		expect(first).toContain('【需求規劃】市場部門根據市場調研結果');
		expect(first).toContain('/policies/operating-model-process/1.1/ch-3/#c-3-2-1');
		expect(stdout).toMatch(/\(2 of \d+; --offset 2 for more\)/);
	});

	it('gives the clause id and full text with --json, and filters by --policy', async () => {
		const hits = await json('客户满意度', '--policy', 'pharma-operations-department');
		expect(hits.length).toBeGreaterThan(0);
		expect(hits.every((h) => h.policy === 'pharma-operations-department' && h.state === 'in-force')).toBe(true);
		expect(hits[0]).toMatchObject({ clauseId: expect.stringMatching(/^c-/), url: expect.stringContaining('#c-') });
		expect(hits[0]!.text.length).toBeGreaterThan(10);
	});

	it('says there is no match, with a suggestion of fewer terms', async () => {
		const { stdout, status } = await search('運營經理 火星');
		expect(status).toBe(0);
		expect(stdout).toContain('No clause matches "運營經理 火星".');
		expect(stdout).toContain('Try: "運營 經理"');
	});

	it('finds nothing for any query of the empty set', async () => {
		for (const query of emptyQueries) expect(await json(query, '--all-versions'), query).toEqual([]);
	});

	it('finds the expected clause in the top 3 for at least 95% of the query set', async () => {
		const misses: string[] = [];
		for (const q of searchQueries) {
			const hits = await json(q.query, '--limit', '3', ...(q.policy ? ['--policy', q.policy] : []));
			if (!hits.some((h) => h.clauseId === q.expect)) misses.push(q.query);
		}
		console.log(`zhidu search: misses ${misses.join(', ') || 'none'}`);
		expect(1 - misses.length / searchQueries.length).toBeGreaterThanOrEqual(0.95);
	}, 120_000);

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

describe('the search index file', () => {
	it('is written by the build beside client/ (never served) and records the content it was built from', () => {
		const distDir = inject('serverDistDir');
		const { file, readChunk } = readSearchIndex(distDir)!;
		expect(file.format).toBe(searchIndexFormat);
		expect(file.fingerprint).toMatch(/^[\w-]{20,}$/);
		expect(unpackSearchIndex(file, readChunk).documents.length).toBe(file.folded.length);
		// No version state in either file: states are resolved when a query is answered.
		expect(JSON.stringify(file)).not.toMatch(/"in-force"|"superseded"/);
		expect(readFileSync(searchDocumentsPath(distDir), 'utf8')).not.toMatch(/"in-force"|"superseded"/);
	});
});
