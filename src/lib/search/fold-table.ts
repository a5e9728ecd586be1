/**
 * The fold table: opencc's Taiwan-variant and Traditional→Simplified
 * character tables (the whole dictionaries, Node only) cut down to the
 * characters a query can usefully hold: those whose folded form occurs in the
 * content or in a stop word. Any other character cannot match, so leaving it
 * as typed changes nothing. A few KB instead of the dictionaries.
 */
import { ConverterFactory } from 'opencc-js/core';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import { stopWords, type FoldTable } from './tokenizer.ts';

const toSimplified = ConverterFactory([TWVariantsRev], [TSCharacters]);
const han = /\p{Script=Han}/u;

let all: Record<string, string> | undefined;

/** Every Han character the dictionaries change, with its folded form. */
export function fullFoldTable(): FoldTable {
	if (all) return all;
	all = {};
	for (const dict of [TWVariantsRev, TSCharacters]) {
		for (const entry of dict.split('|')) {
			for (const ch of entry.split(' ')) {
				if ([...ch].length !== 1 || !han.test(ch)) continue;
				const folded = toSimplified(ch);
				if (folded !== ch) all[ch] = folded;
			}
		}
	}
	// Folding must be idempotent (a folded character folds to itself): opencc maps 麼→么 and also 么→幺.
	const targets = new Set(Object.values(all));
	for (const from of Object.keys(all)) if (targets.has(from)) delete all[from];
	return all;
}

/** The table restricted to characters that fold into `texts` (already folded with the full table) or a stop word. */
export function foldTableFor(foldedTexts: Iterable<string>): FoldTable {
	const full = fullFoldTable();
	const wanted = new Set<string>([...stopWords.join('')].map((ch) => full[ch] ?? ch));
	for (const text of foldedTexts) for (const ch of text) if (han.test(ch)) wanted.add(ch);
	const table: Record<string, string> = {};
	for (const [from, to] of Object.entries(full)) if (wanted.has(to) || wanted.has(from)) table[from] = to;
	return table;
}
