/** Search quality for lunr (API and CLI): the expected clause is in the top 3 for at least 95% of the query set. */
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '../../src/lib/content/loader.ts';
import { partsToText, walkClauses } from '../../src/lib/content/clause-tree.ts';
import { SearchIndex } from '../../src/lib/search/clause-index.ts';
import { searchIndexOf } from '../../src/lib/search/from-content.ts';
import { searchQueries } from './queries.ts';

const policies = loadContentOrThrow();
const today = '2026-11-22';
const index = new SearchIndex(searchIndexOf(policies, today));

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

describe('lunr search quality', () => {
	it('finds the expected clause in the top 3 for at least 95% of queries', () => {
		const misses: string[] = [];
		for (const q of searchQueries) {
			const hits = index.search(q.query, { policy: q.policy, limit: 3 });
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
			`lunr: ${searchQueries.length - misses.length}/${searchQueries.length} in top 3 (${(rate * 100).toFixed(1)}%)`,
		);
		for (const miss of misses) console.log(`  miss: ${miss}`);
		expect(rate).toBeGreaterThanOrEqual(0.95);
	});

	it('a quoted phrase only matches the exact phrase; unquoted, exact phrases rank first', () => {
		const quoted = index.search('"客戶滿意度"', { limit: 50 });
		expect(quoted.length).toBeGreaterThan(0);
		for (const hit of quoted) expect(hit.document.text).toContain('客戶滿意度');
		const unquoted = index.search('客戶滿意度', { limit: 50 });
		expect(unquoted.length).toBeGreaterThan(quoted.length);
		const firstWithout = unquoted.findIndex((h) => !h.exactPhrase);
		const lastWith = unquoted.map((h) => h.exactPhrase).lastIndexOf(true);
		expect(lastWith).toBeLessThan(firstWithout);
	});

	it('Simplified, Traditional and variant forms find each other', () => {
		for (const query of ['客户反馈', '客戶反饋', '電商平台', '電商平臺', '电商平台']) {
			expect(index.search(query, { limit: 3 }).length, query).toBeGreaterThan(0);
		}
		expect(index.search('批準', { limit: 1 })[0]?.document.text).toContain('批准');
	});

	it('searches the version in force by default, superseded versions on request', () => {
		const current = index.search('規范', { limit: 50 });
		expect(current.every((h) => h.document.version === '1.1')).toBe(true);
		const all = index.search('規范', { limit: 50, states: ['in-force', 'superseded'] });
		expect(all.some((h) => h.document.version === '1.0')).toBe(true);
	});

	it('marks the match in the snippet', () => {
		const [hit] = index.search('需求規劃', { policy: 'operating-model-process', limit: 1 });
		expect(hit!.snippet.filter((p) => p.match).map((p) => p.text)).toContain('需求規劃');
	});
});
