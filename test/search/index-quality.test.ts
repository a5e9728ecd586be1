/**
 * The server-side clause index (API and CLI) on the repository's content:
 * quality (the expected clause in the top 3 for at least 95% of the query
 * set), precision (every term contiguous; the empty set finds nothing),
 * phrases, scripts, codes and version states decided at query time.
 */
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { partsToText, walkClauses } from '#lib/content/clause-tree.ts';
import { SearchIndex, type SearchOptions } from '#lib/search/clause-index.ts';
import { buildSearchIndex } from '#lib/search/build-index.ts';
import { stateLookup, versionStates } from '#lib/search/from-content.ts';
import { emptyQueries, searchQueries } from './queries.ts';

const policies = loadContentOrThrow();
const today = '2026-11-22';
const index = new SearchIndex(buildSearchIndex(policies, 'test'));
const stateOf = stateLookup(versionStates(index.versions, today));
const search = (query: string, options: SearchOptions = {}, states = stateOf) => index.search(query, states, options);

/** The text of a clause in the version in force. */
function clauseText(policyId: string | undefined, clauseId: string): string {
	for (const policy of policies.filter((p) => !policyId || p.id === policyId)) {
		for (const { chapter } of policy.versions.at(-1)!.chapters) {
			for (const { clause } of walkClauses(chapter))
				if (clause.id === clauseId) return (clause.title ?? '') + partsToText(clause.parts);
		}
	}
	throw new Error(`query set names ${policyId ?? '(any)'} ${clauseId}, which does not exist`);
}

describe('the query set', () => {
	it('has at least 40 queries of every kind, at most a third verbatim in their clause', () => {
		expect(searchQueries.length).toBeGreaterThanOrEqual(40);
		const kinds = new Set(searchQueries.map((q) => q.kind));
		expect([...kinds].sort()).toEqual(
			['latin', 'multi-word', 'phrase', 'question', 'reordered', 'simplified', 'traditional', 'variant'].sort(),
		);
		const verbatim = searchQueries.filter((q) => clauseText(q.policy, q.expect).includes(q.query.replace(/"/g, '')));
		expect(verbatim.length).toBeLessThanOrEqual(searchQueries.length / 3);
	});
});

describe('index search quality', () => {
	it('finds the expected clause in the top 3 for at least 95% of queries', () => {
		const misses: string[] = [];
		for (const q of searchQueries) {
			const { hits } = search(q.query, { policy: q.policy, limit: 3 });
			const found = hits.some(
				(h) => h.document.clauseId === q.expect && (!q.policy || h.document.policyId === q.policy),
			);
			if (!found)
				misses.push(
					`${q.query} → expected ${q.expect}, got ${hits.map((h) => h.document.clauseId).join(', ') || 'nothing'}`,
				);
		}
		const rate = 1 - misses.length / searchQueries.length;
		console.log(
			`index: ${searchQueries.length - misses.length}/${searchQueries.length} in top 3 (${(rate * 100).toFixed(1)}%)`,
		);
		for (const miss of misses) console.log(`  miss: ${miss}`);
		expect(rate).toBeGreaterThanOrEqual(0.95);
	});

	it('finds nothing for words in no policy (the empty set), in any version', () => {
		for (const query of emptyQueries) {
			const answer = search(query, { states: ['in-force', 'scheduled', 'superseded'], limit: 50 });
			expect(
				answer.hits.map((h) => h.document.ref),
				query,
			).toEqual([]);
			expect(answer.total, query).toBe(0);
		}
	});

	it('every result holds every term as a contiguous run: 批准 never matches 準確 alone', () => {
		const { hits, total } = search('批准', { limit: 200 });
		expect(total).toBeGreaterThan(0);
		for (const hit of hits) expect(hit.document.text, hit.document.ref).toMatch(/批[准準]/);
		const all = index.documents.filter((d) => /準確|准确/.test(d.text) && !/批[准準]/.test(d.text));
		expect(all.length).toBeGreaterThan(0);
		for (const hit of search('運營經理', { limit: 200 }).hits) expect(hit.document.text).toMatch(/運營經理|运营经理/);
	});

	it('a character the segmenter leaves beside a word stays with it: 滿意度 never matches on 度 alone', () => {
		// Segmented 滿意 + 度: as two terms, 度 matched anywhere (進度, 知名度 beside 客戶滿意).
		for (const query of ['滿意度', '客戶滿意度', '客户 满意度']) {
			const { hits } = search(query, { limit: 200 });
			expect(hits.length, query).toBeGreaterThan(0);
			for (const hit of hits) expect(hit.document.text.replace(/\s/g, ''), query).toMatch(/滿意度|满意度/);
		}
	});

	it('pages through more than 20 results with counts per policy', () => {
		const first = search('數據', { limit: 20 });
		expect(first.total).toBeGreaterThan(20);
		const second = search('數據', { limit: 20, offset: 20 });
		expect(second.hits.length).toBeGreaterThan(0);
		const refs = new Set(first.hits.map((h) => h.document.ref));
		expect(second.hits.some((h) => refs.has(h.document.ref))).toBe(false);
		expect(Object.values(first.byPolicy).reduce((a, b) => a + b, 0)).toBe(first.total);
	});

	it('suggests fewer terms when nothing matches', () => {
		const answer = search('運營經理 火星');
		expect(answer.total).toBe(0);
		expect(answer.suggestions).toContain('運營 經理');
	});

	it('a quoted phrase only matches the exact phrase; unquoted, exact phrases rank first', () => {
		const quoted = search('"客戶滿意度"', { limit: 50 }).hits;
		expect(quoted.length).toBeGreaterThan(0);
		for (const hit of quoted) expect(hit.document.text).toContain('客戶滿意度');
		const unquoted = search('客戶 滿意度', { limit: 50 }).hits;
		expect(unquoted.length).toBeGreaterThan(quoted.length);
		const firstWithout = unquoted.findIndex((h) => !h.exactPhrase);
		const lastWith = unquoted.map((h) => h.exactPhrase).lastIndexOf(true);
		expect(lastWith).toBeLessThan(firstWithout);
	});

	it('Simplified, Traditional and variant forms find each other', () => {
		for (const query of ['客户反馈', '客戶反饋', '電商平台', '電商平臺', '电商平台']) {
			expect(search(query, { limit: 3 }).hits.length, query).toBeGreaterThan(0);
		}
		expect(search('批準', { limit: 1 }).hits[0]?.document.text).toContain('批准');
	});

	it('finds Latin words and codes whole and by prefix, in any case', () => {
		for (const query of ['Excel', 'excel', 'EXC', 'spss', 'SPS']) {
			const { hits } = search(query, { limit: 5 });
			expect(
				hits.map((h) => h.document.clauseId),
				query,
			).toContain('c-4-2-1');
		}
		// A prefix only at a word start: "xcel" is inside Excel, not a word of its own.
		expect(search('xcel').total).toBe(0);
	});

	it('searches the version in force by default, superseded versions on request; states follow the date asked', () => {
		const current = search('規范', { limit: 50 }).hits;
		expect(current.every((h) => h.document.version === '1.1')).toBe(true);
		const all = search('規范', { limit: 50, states: ['in-force', 'superseded'] }).hits;
		expect(all.some((h) => h.document.version === '1.0' && h.state === 'superseded')).toBe(true);
		// Before 1.1 took effect, 1.0 is the version in force: nothing in the index says otherwise.
		const earlier = stateLookup(versionStates(index.versions, '2000-01-01'));
		expect(earlier('operating-model-process', '1.0')).toBe('in-force');
		expect(earlier('operating-model-process', '1.1')).toBe('scheduled');
		const before = search('規范', { limit: 50 }, earlier).hits;
		expect(before.length).toBeGreaterThan(0);
		expect(before.every((h) => h.document.version === '1.0')).toBe(true);
	});

	it('marks the match in the snippet', () => {
		const [hit] = search('需求規劃', { policy: 'operating-model-process', limit: 1 }).hits;
		expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toContain('需求規劃');
	});
});
