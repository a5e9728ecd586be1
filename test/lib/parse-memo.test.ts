/**
 * Parsed texts kept for HR's editor (src/lib/content/parse-memo.ts): a text is parsed once while it is kept,
 * each caller gets its own copy, the least recently used goes first past the bound, and a parse that fails
 * is tried again next time.
 */
import { describe, expect, it } from 'vitest';
import { parseMemo } from '#lib/content/parse-memo.ts';

describe('parseMemo', () => {
	it('parses a text once while it is kept, and hands out copies', () => {
		const memo = parseMemo<{ words: string[] }>(4);
		let parses = 0;
		const parse = (text: string) => () => (parses++, { words: text.split(' ') });
		const first = memo('a b', parse('a b'));
		first.words.push('changed');
		expect(memo('a b', parse('a b'))).toEqual({ words: ['a', 'b'] });
		expect(parses).toBe(1);
	});

	it('drops the least recently used past its bound', () => {
		const memo = parseMemo<string>(2);
		const parsed: string[] = [];
		const read = (text: string) => memo(text, () => (parsed.push(text), text.toUpperCase()));
		read('one');
		read('two');
		read('one'); // used again: "two" is now the oldest
		read('three');
		read('one');
		read('two');
		expect(parsed).toEqual(['one', 'two', 'three', 'two']);
	});

	it('keeps nothing for a parse that throws', () => {
		const memo = parseMemo<number>(2);
		let tries = 0;
		const broken = () => {
			tries++;
			throw new Error('line 3: unclosed <Clause>');
		};
		expect(() => memo('bad', broken)).toThrow('unclosed');
		expect(() => memo('bad', broken)).toThrow('unclosed');
		expect(tries).toBe(2);
	});
});
