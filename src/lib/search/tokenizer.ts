/**
 * The one search tokenizer, shared by the build (lunr index), the browser,
 * the API and the CLI. Text is folded so that scripts and variants meet:
 * NFKC, lower case, Taiwan variants → standard Traditional → Simplified,
 * character by character (so 臺/台, 準/准, 裡/里 and 规范/規範 all match).
 * Han runs become overlapping bigrams (a lone character stays a unigram);
 * Latin letters and digits become words. lunr's own pipeline would delete
 * CJK tokens, so the index uses these tokens as they are.
 */
import { ConverterFactory } from 'opencc-js/core';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';

const toSimplified = ConverterFactory([TWVariantsRev], [TSCharacters]);

export interface SearchToken {
	/** The folded token text. */
	text: string;
	/** Offset in the original string (UTF-16 code units) and length there. */
	start: number;
	length: number;
	kind: 'han' | 'word';
}

const han = /\p{Script=Han}/u;
const wordChar = /[\p{L}\p{N}]/u;

/** One folded string per code point of `text`, so offsets map back to the original. */
export function foldChars(text: string): { chars: string[]; offsets: number[] } {
	const chars: string[] = [];
	const offsets: number[] = [];
	let offset = 0;
	for (const ch of text) {
		const nfkc = ch.normalize('NFKC').toLowerCase();
		chars.push(han.test(nfkc) ? toSimplified(nfkc) : nfkc);
		offsets.push(offset);
		offset += ch.length;
	}
	offsets.push(offset);
	return { chars, offsets };
}

/** The folded form of a whole string: compare folded query and folded text to match phrases. */
export function fold(text: string): string {
	return foldChars(text).chars.join('');
}

export function tokenize(text: string): SearchToken[] {
	const { chars, offsets } = foldChars(text);
	const tokens: SearchToken[] = [];
	let i = 0;
	while (i < chars.length) {
		const ch = chars[i]!;
		if (han.test(ch)) {
			let end = i;
			while (end < chars.length && han.test(chars[end]!)) end++;
			if (end - i === 1)
				tokens.push({ text: ch, start: offsets[i]!, length: offsets[i + 1]! - offsets[i]!, kind: 'han' });
			for (let k = i; k + 1 < end; k++) {
				tokens.push({
					text: chars[k]! + chars[k + 1]!,
					start: offsets[k]!,
					length: offsets[k + 2]! - offsets[k]!,
					kind: 'han',
				});
			}
			i = end;
		} else if (wordChar.test(ch)) {
			let end = i;
			while (end < chars.length && wordChar.test(chars[end]!) && !han.test(chars[end]!)) end++;
			tokens.push({
				text: chars.slice(i, end).join(''),
				start: offsets[i]!,
				length: offsets[end]! - offsets[i]!,
				kind: 'word',
			});
			i = end;
		} else i++;
	}
	return tokens;
}

/** Quoted phrases ("…", 「…」, “…”) and the rest of a query. */
export function parseQuery(query: string): { phrases: string[]; free: string } {
	const phrases: string[] = [];
	const free = query.replace(/"([^"]+)"|「([^」]+)」|“([^”]+)”|『([^』]+)』/g, (_, a, b, c, d) => {
		phrases.push((a ?? b ?? c ?? d) as string);
		return ' ';
	});
	return { phrases: phrases.map((p) => p.trim()).filter(Boolean), free: free.trim() };
}
