/**
 * Clause search in the browser, over the Pagefind index the build writes
 * (one record per clause, see src/integrations/pagefind.ts). Loaded only when
 * someone searches: this module, Pagefind and opencc-js are fetched on the
 * first search, never with a reading page.
 *
 * What Pagefind alone does not do, and this adds:
 * - Scripts and variants: the index holds the text as written (Traditional,
 *   with some standard forms such as 批准, 占, 台 and some Simplified ones),
 *   so the query is searched as typed, converted to Traditional character
 *   by character (opencc STCharacters) and further to Taiwan forms
 *   (TWVariants); results are merged by record. Converting alone would lose
 *   the text's own 准/占/台.
 * - Missing words: Pagefind requires every query word, so a question
 *   (`數據多久要備份一次？`) finds nothing. Each word is also searched on its
 *   own, and a record scores the sum of its words' best scores (an OR query
 *   ranked like BM25), plus a bonus for having every word.
 * - Phrases: a quoted phrase must occur in the clause (compared folded:
 *   scripts and variants meet, spaces ignored). Pagefind's own exact search
 *   misses phrases that its index segments differently (a phrase starting
 *   mid-word, or 市場占有率), so it only ranks candidates. Unquoted, clauses
 *   that contain the whole query as written rank above those with only its
 *   words.
 * - Highlighting: the excerpt marks the phrase, else the query's words,
 *   found in the folded text, so a Simplified query marks Traditional text.
 */
import { ConverterFactory } from 'opencc-js/core';
import STCharacters from 'opencc-js/dict/STCharacters';
import TWVariants from 'opencc-js/dict/TWVariants';
import { excerptAround, type ExcerptPart } from '../../lib/search/excerpt.ts';
import { fold, foldChars, parseQuery, tokenize } from '../../lib/search/tokenizer.ts';
import { pagefindBundlePath, type ClauseMeta } from './record.ts';

interface PagefindData {
	url: string;
	content: string;
	meta: Record<string, string>;
	filters: Record<string, string[]>;
}
interface PagefindResult {
	id: string;
	score: number;
	data: () => Promise<PagefindData>;
}
interface Pagefind {
	options: (options: { ranking?: { metaWeights?: Record<string, number> } }) => Promise<void>;
	init: () => Promise<void>;
	search: (term: string, options?: { filters?: Record<string, unknown> }) => Promise<{ results: PagefindResult[] }>;
}

export interface SearchFilters {
	/** Only this policy (id); all policies when empty. */
	policy?: string | undefined;
	/** Also search superseded versions (default: the versions in force only). */
	includeSuperseded?: boolean | undefined;
}

export type { ExcerptPart } from '../../lib/search/excerpt.ts';

export interface ClauseResult {
	url: string;
	policy: string;
	version: string;
	state: string;
	/** Displayed clause number, '' for an unnumbered clause. */
	number: string;
	/** `chapter › section` */
	headings: string;
	excerpt: ExcerptPart[];
	/** The quoted phrases, or the whole unquoted query, occur in the clause as written. */
	exactPhrase: boolean;
	score: number;
}

export interface SearchOutcome {
	query: string;
	results: ClauseResult[];
	/** More records matched than were ranked and returned. */
	more: boolean;
}

/** Simplified → Traditional, character by character; then Traditional → Taiwan forms. */
const toTraditional = ConverterFactory([STCharacters]);
const toTaiwan = ConverterFactory([STCharacters], [TWVariants]);

/** The forms a query is searched in: as typed, Traditional, Taiwan Traditional (distinct ones only). */
export function queryForms(text: string): string[] {
	return [...new Set([text, toTraditional(text), toTaiwan(text)])];
}

/** Pagefind weighs a title match 5× by default; a clause's headings are shared by its neighbours (1: measured, headings still count). */
const titleWeight = 1;

let loaded: Promise<Pagefind> | undefined;

/** Loads Pagefind (once); call early to overlap the download with typing. */
export function loadPagefind(): Promise<Pagefind> {
	loaded ??= (async () => {
		const url = `${pagefindBundlePath}pagefind.js`;
		const pagefind = (await import(/* @vite-ignore */ url)) as Pagefind;
		// The title holds the headings a clause stands under: a hint, not the clause's own words.
		await pagefind.options({ ranking: { metaWeights: { title: titleWeight } } });
		await pagefind.init();
		return pagefind;
	})();
	loaded.catch(() => (loaded = undefined));
	return loaded;
}

const wordSegmenter = () => new Intl.Segmenter(document.documentElement.lang || 'zh-Hant-TW', { granularity: 'word' });

/** The query's words, each in its forms (the converters map one character to one, so the forms align). */
function wordGroups(text: string): string[][] {
	const forms = queryForms(text);
	const traditional = toTraditional(text);
	const groups: string[][] = [];
	for (const { segment, index, isWordLike } of wordSegmenter().segment(traditional)) {
		if (!isWordLike) continue;
		const aligned = forms.every((f) => f.length === traditional.length);
		groups.push(aligned ? [...new Set(forms.map((f) => f.slice(index, index + segment.length)))] : queryForms(segment));
	}
	return groups;
}

const compact = (text: string) => fold(text).replace(/\s+/g, '');

/** How many records are read in full (one small fragment each) to check phrases and rank. */
const readLimit = 40;

export async function searchClauses(query: string, filters: SearchFilters = {}, limit = 20): Promise<SearchOutcome> {
	const { phrases, free } = parseQuery(query);
	const text = [...phrases, free].filter(Boolean).join(' ');
	if (!tokenize(text).length) return { query, results: [], more: false };
	const pagefind = await loadPagefind();
	const pagefindFilters: Record<string, unknown> = {
		state: filters.includeSuperseded ? { any: ['in-force', 'superseded'] } : 'in-force',
		...(filters.policy ? { policy: filters.policy } : {}),
	};
	const run = (term: string) => pagefind.search(term, { filters: pagefindFilters }).then((s) => s.results);

	interface Candidate {
		result: PagefindResult;
		all: number;
		exact: number;
		words: number[];
	}
	const candidates = new Map<string, Candidate>();
	const candidate = (result: PagefindResult) => {
		let c = candidates.get(result.id);
		if (!c) candidates.set(result.id, (c = { result, all: 0, exact: 0, words: [] }));
		return c;
	};
	// Every word, in any form.
	for (const form of queryForms(text))
		for (const r of await run(form)) candidate(r).all = Math.max(candidate(r).all, r.score);
	// Each quoted phrase as Pagefind's exact search (a hint only: checked below on the folded text).
	for (const phrase of phrases) {
		for (const form of queryForms(phrase))
			for (const r of await run(`"${form}"`)) candidate(r).exact = Math.max(candidate(r).exact, r.score);
	}
	// Each word on its own: its best form.
	const groups = wordGroups(text);
	if (groups.length > 1) {
		for (const [g, forms] of groups.entries()) {
			for (const form of forms) {
				for (const r of await run(form)) {
					const c = candidate(r);
					c.words[g] = Math.max(c.words[g] ?? 0, r.score);
				}
			}
		}
	}
	const sum = (values: number[]) => values.reduce((a, b) => a + (b ?? 0), 0);
	const coverage = (c: Candidate) => (groups.length > 1 ? c.words.filter((w) => w > 0).length / groups.length : 1);
	const prelim = (c: Candidate) =>
		(c.exact > 0 ? 100 : 0) + (c.all > 0 ? 10 : 0) + coverage(c) * 5 + c.all + sum(c.words);
	const ranked = [...candidates.values()].sort((a, b) => prelim(b) - prelim(a));
	const read = await Promise.all(ranked.slice(0, readLimit).map(async (c) => ({ c, data: await c.result.data() })));

	const foldedPhrases = phrases.map(compact).filter(Boolean);
	const whole = compact(free);
	// Words the person separated with spaces: each present as written counts.
	const spaced = free.split(/\s+/).map(compact).filter(Boolean);
	const results: ClauseResult[] = [];
	for (const { c, data } of read) {
		const content = compact(data.content);
		if (foldedPhrases.some((p) => !content.includes(p))) continue;
		const wholeHit = whole.length > 1 && content.includes(whole);
		const present = spaced.length > 1 ? spaced.filter((w) => content.includes(w)).length / spaced.length : 0;
		const score = prelim(c) * (1 + present);
		const meta = data.meta as Partial<ClauseMeta>;
		results.push({
			url: data.url,
			policy: data.filters['policy']?.[0] ?? '',
			version: data.filters['version']?.[0] ?? '',
			state: data.filters['state']?.[0] ?? '',
			number: meta.number ?? '',
			headings: meta.title ?? '',
			excerpt: excerpt(data.content, phrases.length ? phrases : [free], groups.flat()),
			exactPhrase: phrases.length > 0 || wholeHit,
			score,
		});
	}
	// Clauses with the exact phrase first; equal scores (the same text in two versions): the version in force first.
	const rank = (r: ClauseResult) => (r.exactPhrase ? 0 : 1);
	const inForceFirst = (r: ClauseResult) => (r.state === 'in-force' ? 0 : 1);
	results.sort(
		(a, b) => rank(a) - rank(b) || b.score - a.score || inForceFirst(a) - inForceFirst(b) || a.url.localeCompare(b.url),
	);
	// Records beyond those read may match too when every record read did.
	const more = results.length > limit || (ranked.length > read.length && results.length === read.length);
	return { query, results: results.slice(0, limit), more };
}

/**
 * A window of the clause text around its first match, the matching characters
 * marked: the phrases if they occur, else the query's words (found folded, so
 * 客户 marks 客戶), else its character pairs.
 */
export function excerpt(text: string, phrases: readonly string[], words: readonly string[], width = 90): ExcerptPart[] {
	const { chars, offsets } = foldChars(text);
	const marked = new Array<boolean>(chars.length).fill(false);
	const markAll = (needle: readonly string[]) => {
		let found = false;
		if (!needle.length) return found;
		for (let i = 0; i + needle.length <= chars.length; i++) {
			if (needle.every((n, k) => chars[i + k] === n)) {
				marked.fill(true, i, i + needle.length);
				found = true;
			}
		}
		return found;
	};
	const needles = (list: readonly string[], min: number) =>
		list.map((p) => foldChars(p.replace(/\s+/g, '')).chars).filter((n) => n.length >= min);
	let hit = false;
	for (const p of needles(phrases, 2)) hit = markAll(p) || hit;
	if (!hit) for (const w of needles(words, words.length > 1 ? 2 : 1)) hit = markAll(w) || hit;
	if (!hit) for (const token of tokenize(phrases.join(' '))) markAll(foldChars(token.text).chars);
	return excerptAround(text, offsets, marked, width, 1 / 4);
}
