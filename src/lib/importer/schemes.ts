/**
 * Numbering schemes the importer recognises, as marker patterns per level.
 * A pattern is tried at one position (sticky regexps); whether a match is a
 * real marker (and not `1月` or `(如…)` inside a sentence) is decided by the
 * tree builder from the expected sequence and the text around it.
 */
import type { NumberingScheme } from '../content/schema.ts';
import { parseChineseNumeral } from '../content/chinese-numerals.ts';

export type Level = 'chapter' | 'section' | 'clause' | 'item' | 'subitem';
export const levels: readonly Level[] = ['chapter', 'section', 'clause', 'item', 'subitem'];

export interface MarkerPattern {
	level: Level;
	regexp: RegExp;
	/** Numbers in the marker (decimal markers carry a path such as 1.2.3). */
	numbers: (match: RegExpExecArray) => number[] | undefined;
	/** Only at the start of a line (decimal and English markers). */
	lineStartOnly?: boolean;
}

const zhNum = '[一二三四五六七八九十百零〇两兩]+';
const zh = (m: RegExpExecArray) => {
	const n = parseChineseNumeral(m[1]!);
	return n === undefined ? undefined : [n];
};
const arabic = (m: RegExpExecArray) => [Number(m[1])];
const letter = (m: RegExpExecArray) => [m[1]!.toLowerCase().charCodeAt(0) - 96];
const roman = (text: string) => {
	const values: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
	let total = 0;
	for (let i = 0; i < text.length; i++) {
		const v = values[text[i]!]!;
		const next = values[text[i + 1]!] ?? 0;
		total += v < next ? -v : v;
	}
	return total;
};

export const schemePatterns: Record<NumberingScheme, MarkerPattern[]> = {
	'zh-outline': [
		{ level: 'chapter', regexp: new RegExp(`(${zhNum})、`, 'y'), numbers: zh },
		{ level: 'section', regexp: new RegExp(`[(（](${zhNum})[)）]`, 'y'), numbers: zh },
		{ level: 'clause', regexp: /(\d{1,3})[.．、](?!\d)/y, numbers: arabic },
		{ level: 'item', regexp: /[(（](\d{1,3})[)）]/y, numbers: arabic },
	],
	'zh-outline-fullwidth': [],
	'zh-statute': [
		{ level: 'chapter', regexp: new RegExp(`第(${zhNum})章`, 'y'), numbers: zh },
		{ level: 'section', regexp: new RegExp(`第(${zhNum})[節节]`, 'y'), numbers: zh },
		{ level: 'clause', regexp: new RegExp(`第(${zhNum})[條条]`, 'y'), numbers: zh },
		{ level: 'item', regexp: new RegExp(`[（(](${zhNum})[)）]`, 'y'), numbers: zh },
		{ level: 'subitem', regexp: /(\d{1,3})[.．、](?!\d)/y, numbers: arabic },
	],
	decimal: [
		{
			level: 'clause',
			regexp: /(\d{1,3}(?:\.\d{1,3}){1,3})\.?(?=\s)/y,
			numbers: (m) => m[1]!.split('.').map(Number),
			lineStartOnly: true,
		},
		{ level: 'chapter', regexp: /(\d{1,3})\.(?=\s)/y, numbers: arabic, lineStartOnly: true },
		{ level: 'item', regexp: /\(([a-z])\)/y, numbers: letter },
	],
	'en-article': [
		{
			level: 'chapter',
			regexp: /Chapter\s+(\d{1,3}|[IVXLC]+)\b[.:]?/y,
			numbers: (m) => [/^\d/.test(m[1]!) ? Number(m[1]) : roman(m[1]!)],
			lineStartOnly: true,
		},
		{ level: 'section', regexp: /Section\s+(\d{1,3})\b[.:]?/y, numbers: arabic, lineStartOnly: true },
		{ level: 'clause', regexp: /Article\s+(\d{1,3})\b[.:]?/y, numbers: arabic, lineStartOnly: true },
		{ level: 'item', regexp: /\(([a-z])\)/y, numbers: letter },
		{ level: 'subitem', regexp: /\((\d{1,2})\)/y, numbers: arabic },
	],
};
schemePatterns['zh-outline-fullwidth'] = schemePatterns['zh-outline'];

const count = (text: string, regexp: RegExp) => text.match(regexp)?.length ?? 0;

/** Picks the scheme whose markers the text uses most plainly. */
export function detectScheme(text: string): NumberingScheme {
	if (count(text, new RegExp(`第${zhNum}[條条]`, 'g')) >= 2 || count(text, new RegExp(`第${zhNum}章`, 'g')) >= 2)
		return 'zh-statute';
	if (count(text, /(^|\n)\s*Article\s+\d+/g) >= 2) return 'en-article';
	const chapters = count(text, new RegExp(`${zhNum}、`, 'g'));
	if (chapters >= 2 || /[一二三四五六七八九十]、/.test(text)) {
		return count(text, /（[一二三四五六七八九十]+）/g) > count(text, /\([一二三四五六七八九十]+\)/g)
			? 'zh-outline-fullwidth'
			: 'zh-outline';
	}
	if (count(text, /(^|\n)\s*\d{1,3}\.\d{1,3}\.?\s/g) >= 1 || count(text, /(^|\n)\s*\d{1,3}\.\s/g) >= 2)
		return 'decimal';
	return 'zh-outline';
}
