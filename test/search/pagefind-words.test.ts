/**
 * Han tokens as Pagefind indexes and searches them (pagefindWord): Pagefind
 * would cut a run of Han characters into characters again, so a token is
 * spelled as one Latin word. A bigram is one word, a character's spelling
 * starts the spellings of the bigrams it begins (Pagefind finds words by
 * prefix), spellings never meet a Latin word of the text, and Latin words and
 * numbers are left as they are.
 */
import { describe, expect, it } from 'vitest';
import { indexTokens, pagefindWord } from '#lib/search/tokenizer.ts';

describe('Pagefind words', () => {
	it('spells a Han bigram as one word of letters, which no Latin or pinyin word starts like', () => {
		const word = pagefindWord('批准');
		expect(word).toMatch(/^qx[a-z]{8}$/);
		expect(pagefindWord('准批')).not.toBe(word);
		expect(pagefindWord('批')).toMatch(/^qx[a-z]{4}$/);
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
