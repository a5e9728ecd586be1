/**
 * Displayed numbers are derived from position, per the policy's numbering
 * scheme. Unnumbered paragraphs do not advance the count. Statute-style
 * articles (第N條) are numbered across the whole version. Labels follow the
 * document's own script: a `zh-Hans*` policy reads 第一节 / 第一条, any other
 * (zh-Hant*, or no language given) 第一節 / 第一條.
 */
import type { NumberingScheme } from './schema.ts';
import type { Chapter, Clause } from './clause-tree.ts';
import { toChineseNumeral as zh } from './chinese-numerals.ts';

export interface Numbers {
	chapters: Map<string, string>;
	sections: Map<string, string>;
	/** Clause id → displayed number; unnumbered clauses are absent. */
	clauses: Map<string, string>;
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

function chapterLabel(scheme: NumberingScheme, i: number): string {
	switch (scheme) {
		case 'zh-outline':
		case 'zh-outline-fullwidth':
			return `${zh(i)}、`;
		case 'zh-statute':
			return `第${zh(i)}章`;
		case 'decimal':
			return `${i}.`;
		case 'en-article':
			return `Chapter ${i}`;
	}
}

/** Characters that differ between the scripts in derived labels. */
interface ScriptForms {
	section: string;
	article: string;
}
const traditionalForms: ScriptForms = { section: '節', article: '條' };
const simplifiedForms: ScriptForms = { section: '节', article: '条' };

/** The label forms for a policy language (BCP 47): Simplified for zh-Hans* (and zh-CN/zh-SG without a script). */
export function scriptForms(language: string | undefined): ScriptForms {
	const tag = (language ?? '').toLowerCase();
	const simplified = tag.startsWith('zh-hans') || /^zh-(cn|sg|my)\b/.test(tag);
	return simplified ? simplifiedForms : traditionalForms;
}

function sectionLabel(scheme: NumberingScheme, chapter: number, j: number, forms: ScriptForms): string {
	switch (scheme) {
		case 'zh-outline':
			return `(${zh(j)})`;
		case 'zh-outline-fullwidth':
			return `（${zh(j)}）`;
		case 'zh-statute':
			return `第${zh(j)}${forms.section}`;
		case 'decimal':
			return `${chapter}.${j}`;
		case 'en-article':
			return `Section ${j}`;
	}
}

function clauseLabel(scheme: NumberingScheme, path: number[], k: number, article: number, forms: ScriptForms): string {
	switch (scheme) {
		case 'zh-outline':
		case 'zh-outline-fullwidth':
			return `${k}.`;
		case 'zh-statute':
			return `第${zh(article)}${forms.article}`;
		case 'decimal':
			return [...path, k].join('.');
		case 'en-article':
			return `Article ${article}`;
	}
}

function itemLabel(scheme: NumberingScheme, depth: number, k: number): string {
	switch (scheme) {
		case 'zh-outline':
			return depth === 1 ? `(${k})` : `${letters[(k - 1) % 26]}.`;
		case 'zh-outline-fullwidth':
			return depth === 1 ? `（${k}）` : `${letters[(k - 1) % 26]}.`;
		case 'zh-statute':
			return depth === 1 ? `（${zh(k)}）` : `${k}.`;
		case 'decimal':
		case 'en-article':
			return depth === 1 ? `(${letters[(k - 1) % 26]})` : `(${k})`;
	}
}

export function deriveNumbers(scheme: NumberingScheme, chapters: readonly Chapter[], language?: string): Numbers {
	const forms = scriptForms(language);
	const numbers: Numbers = { chapters: new Map(), sections: new Map(), clauses: new Map() };
	let article = 0;
	const numberClauses = (clauses: Clause[], path: number[]) => {
		let k = 0;
		for (const clause of clauses) {
			if (clause.unnumbered) continue;
			k += 1;
			article += 1;
			const label = clauseLabel(scheme, path, k, article, forms);
			numbers.clauses.set(clause.id, label);
			numberItems(clause.items, 1);
		}
	};
	const numberItems = (items: Clause[], depth: number) => {
		let k = 0;
		for (const item of items) {
			if (item.unnumbered) continue;
			k += 1;
			const label = itemLabel(scheme, depth, k);
			numbers.clauses.set(item.id, label);
			numberItems(item.items, depth + 1);
		}
	};
	chapters.forEach((chapter, ci) => {
		const i = ci + 1;
		numbers.chapters.set(chapter.id, chapterLabel(scheme, i));
		numberClauses(chapter.clauses, [i]);
		chapter.sections.forEach((section, si) => {
			numbers.sections.set(section.id, sectionLabel(scheme, i, si + 1, forms));
			numberClauses(section.clauses, [i, si + 1]);
		});
	});
	return numbers;
}

/** What stands between a displayed number and its text: nothing in Chinese outline numbering (一、總則), a space elsewhere. */
export function labelGap(scheme: NumberingScheme): string {
	return scheme === 'zh-outline' || scheme === 'zh-outline-fullwidth' ? '' : ' ';
}

/** `一、總則` / `第一章 總則` / `1. Purpose`: a displayed number and its title, as pages, search and print show them. */
export function numbered(number: string | undefined, title: string): string {
	if (!number) return title;
	return /[、)）]$/.test(number) ? `${number}${title}` : `${number} ${title}`;
}
