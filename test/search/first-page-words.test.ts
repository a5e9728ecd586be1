/**
 * A query's first page is searched for without the words on many records
 * where its terms have rarer ones (firstPageWords): Pagefind's time grows with
 * the matches times the records of every word asked for. The build lists the
 * words on many records with their counts (frequentWords); the browser keeps,
 * of a term whose words are all listed, its rarest, leaves a term with a word
 * on few records as it is, and says when nothing would be left out.
 */
import { describe, expect, it } from 'vitest';
import { firstPageWords } from '../../src/client/search/engine.ts';
import { frequentWords } from '../../src/integrations/pagefind.ts';
import { pagefindWord, type QueryTerm } from '#lib/search/tokenizer.ts';

const spelled = (...tokens: string[]) => tokens.map(pagefindWord);
const onRecords = (counts: Record<string, number>) =>
	new Map(Object.entries(counts).map(([token, n]) => [pagefindWord(token), n]));
/** Runs as the engine searches them (the whole query as one run, or its one term). */
const terms = (...runs: string[]): QueryTerm[] => runs.map((text) => ({ text, kind: 'phrase', source: text }));

describe('the words of a first page’s search', () => {
	// As on the bench corpus (5,743 records): 客户 is on 971 of them.
	const bench = onRecords({ 客户: 971, 满意: 358, 意度: 323, 户满: 287 });

	it('searches "客户满意度", whose words are all on many records, by its rarest (户满)', () => {
		expect(firstPageWords(terms('客户满意度'), bench)?.split(' ')).toEqual(spelled('户满'));
	});

	it('leaves a term with a word on few records (not listed) as it is', () => {
		const listed = onRecords({ 客户: 971, 满意: 358, 意度: 323 });
		expect(firstPageWords(terms('客户满意度'), listed)).toBeUndefined();
		expect(firstPageWords(terms('客户满意度', '满意'), onRecords({ 客户: 971, 满意: 358, 意度: 323, 户满: 287 }))).toBe(
			[...spelled('户满', '满意')].join(' '),
		);
	});

	it('never leaves a term without a word, and says when nothing is left out', () => {
		// Every word of each term equally common: nothing to leave out.
		expect(firstPageWords(terms('客户', '满意'), onRecords({ 客户: 900, 满意: 800 }))).toBeUndefined();
		// Nothing listed at all.
		expect(firstPageWords(terms('客户满意度'), new Map())).toBeUndefined();
		// Each term keeps its own rarest word, whatever the other terms hold.
		const kept = firstPageWords(
			terms('客户满意度', 'excel'),
			onRecords({ 客户: 971, 满意: 358, 意度: 323, 户满: 287, excel: 500 }),
		);
		expect(kept?.split(' ')).toEqual([...spelled('户满'), 'excel']);
	});
});

describe('the words on many records, as the build lists them', () => {
	const record = (...tokens: string[]) => ({ url: '/x/', content: spelled(...tokens).join(' '), language: 'und' });

	it('lists the words on at least 1 % of the records (and at least 20), each counted once a record', () => {
		const records = [
			...Array.from({ length: 30 }, () => record('客户', '客户', '满意')),
			...Array.from({ length: 70 }, () => record('满意', '户满')),
			...Array.from({ length: 19 }, () => record('意度')),
		];
		expect(frequentWords(records)).toEqual({
			[pagefindWord('客户')]: 30,
			[pagefindWord('户满')]: 70,
			[pagefindWord('满意')]: 100,
		});
	});
});
