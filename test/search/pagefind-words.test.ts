/**
 * Han tokens as Pagefind indexes and searches them (pagefindWord): Pagefind
 * would cut a run of Han characters into characters again, so a token is
 * spelled as one Latin word. A bigram is one word, a character's spelling
 * starts the spellings of the bigrams it begins (Pagefind finds words by
 * prefix), spellings never meet a Latin word of the text, and Latin words and
 * numbers are left as they are.
 */
import { describe, expect, it } from 'vitest';
import { fold, indexTokens, pagefindWord } from '#lib/search/tokenizer.ts';

describe('Pagefind words', () => {
	it('spells a Han bigram as one word of letters, after a letter no one types', () => {
		const word = pagefindWord('批准');
		expect(word).toMatch(/^ϙ[a-z]{8}$/);
		expect(pagefindWord('准批')).not.toBe(word);
		expect(pagefindWord('批')).toMatch(/^ϙ[a-z]{4}$/);
		// A Latin word someone searches for is never the start of a spelling (Pagefind finds words by prefix).
		for (const typed of ['q', 'qx', 'a', 'z']) expect(word.startsWith(typed)).toBe(false);
		// And that letter, typed or in a text, separates words: it is never the start of a word searched for.
		expect(indexTokens(fold('ϙ批 Ϙa', {}))).toEqual(['批', 'a']);
	});

	it("a character's spelling is the prefix of every bigram it starts, and of no other", () => {
		expect(pagefindWord('批准').startsWith(pagefindWord('批'))).toBe(true);
		expect(pagefindWord('准批').startsWith(pagefindWord('批'))).toBe(false);
	});

	it('gives distinct characters distinct spellings, across the Han blocks', () => {
		const chars = ['一', '丁', '鿿', '㐀', '𠀀', '𪜀', '准', '準'];
		expect(new Set(chars.map(pagefindWord)).size).toBe(chars.length);
	});

	it('leaves Latin words and numbers as they are', () => {
		expect(indexTokens('excel 2025年3月').map(pagefindWord)).toEqual([
			'excel',
			'2025',
			pagefindWord('年'),
			'3',
			pagefindWord('月'),
		]);
	});
});
