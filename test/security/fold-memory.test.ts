/**
 * Search queries come from anyone (GET /api/v1/search, the browser): the
 * folded form of each character is kept to fold text faster, and a flood of
 * queries in ever new characters must not grow that store without end.
 */
import { describe, expect, it } from 'vitest';
import { compact, foldedCharsKept, parseQuery, type FoldTable } from '#lib/search/tokenizer.ts';

describe('folding characters no one has sent before', () => {
	it('keeps at most 65,536 characters per fold table however many distinct ones queries hold', () => {
		const table: FoldTable = { 準: '准' };
		// 200,000 distinct code points from the CJK extension blocks, in queries of 100 characters.
		const first = 0x20000;
		for (let start = 0; start < 200_000; start += 100) {
			const query = String.fromCodePoint(...Array.from({ length: 100 }, (_, i) => first + start + i));
			parseQuery(query, table);
		}
		expect(foldedCharsKept(table)).toBeLessThanOrEqual(65_536);
		// And folding still answers for characters beyond the bound.
		expect(compact(`${String.fromCodePoint(first + 199_999)}準`, table)).toBe(
			`${String.fromCodePoint(first + 199_999)}准`,
		);
	});
});
