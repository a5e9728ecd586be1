/**
 * The one search tokenizer, shared by the build (both indexes), the browser,
 * the API and the CLI. Plain TypeScript without dictionaries: folding a Han
 * character goes through a fold table (see fold-table.ts), built at index
 * time from opencc for the characters the content uses and shipped with the
 * index, so the browser converts only the query with a small table and every
 * client folds a query the same way.
 *
 * Folding: NFKC, lower case, then the table (Taiwan variants → standard
 * Traditional → Simplified, character by character, so 臺/台, 準/准, 裡/里 and
 * 规范/規範 meet).
 *
 * Matching rules (the same everywhere):
 * - A query is split into terms: Latin words and numbers (matched whole or
 *   as a word prefix, case-insensitively), Han words (found with
 *   Intl.Segmenter; neighbouring one-character pieces are joined back into a
 *   run, a one-character piece beside a word joins it, question and function
 *   words are dropped), runs mixing digits and Han
 *   (dates, amounts: kept whole) and quoted phrases.
 * - A clause matches when its folded text holds every term as a contiguous
 *   run: 批准 never matches 準確, 火星人 never matches on 人.
 * - For Pagefind, text is pre-segmented into index tokens: Latin words, and
 *   per Han run its overlapping bigrams plus its last character (so a lone
 *   character is found as a bigram prefix or a run end). A term's tokens are
 *   the tokens of its own text, so Pagefind narrows to clauses holding all of
 *   them and the adjacency is checked on the clauses shown. Pagefind gets a
 *   Han token spelled in Latin letters (pagefindWord): it would otherwise cut
 *   it into characters again, in the index and in the browser.
 */

/** Han character → its folded form (only characters that change). */
export type FoldTable = Readonly<Record<string, string>>;

const han = /\p{Script=Han}/u;
const wordChar = /[\p{L}\p{N}]/u;
const digit = /\p{N}/u;

/**
 * Starts every spelled Han token: a letter no one types (Greek archaic koppa), so a spelling is never
 * found by the prefix of a word someone searches for (with `q` they all were: every clause a candidate).
 */
const spelledHan = 'ϙ';

/**
 * Each character's folded form, per fold table: normalising and lower-casing a character at a time
 * cost more than the rest of a search in the browser (a page of results folds thousands of them).
 */
const foldedChars = new WeakMap<FoldTable, Map<string, string>>();
const foldedCharsLimit = 65_536;
/** How many characters' folded forms are kept for `table` (bounded: see foldChars). */
export const foldedCharsKept = (table: FoldTable): number => foldedChars.get(table)?.size ?? 0;

/** One folded string per code point of `text`, so offsets map back to the original. */
export function foldChars(text: string, table: FoldTable): { chars: string[]; offsets: number[] } {
	const chars: string[] = [];
	const offsets: number[] = [];
	let offset = 0;
	let known = foldedChars.get(table);
	if (!known) foldedChars.set(table, (known = new Map()));
	for (const ch of text) {
		let folded = known.get(ch);
		if (folded === undefined) {
			const nfkc = ch.normalize('NFKC').toLowerCase();
			// The letter that starts Pagefind's spellings of Han tokens separates words instead (see pagefindWord).
			folded = nfkc === spelledHan ? ' ' : (table[nfkc] ?? nfkc);
			// Bounded: queries from anyone (the API) must not grow it without end; text uses far fewer characters.
			if (known.size < foldedCharsLimit) known.set(ch, folded);
		}
		chars.push(folded);
		offsets.push(offset);
		offset += ch.length;
	}
	offsets.push(offset);
	return { chars, offsets };
}

/** The folded form of a whole string. */
export function fold(text: string, table: FoldTable): string {
	return foldChars(text, table).chars.join('');
}

/** Folded text as compared: folded, runs of white space as one space (Latin words stay apart). */
export const compact = (text: string, table: FoldTable) => compactFolded(foldChars(text, table).chars);

/** The same, of characters already folded (foldChars): a caller that keeps them folds a text once. */
export const compactFolded = (chars: readonly string[]) => chars.join('').replace(/\s+/g, ' ').trim();

/**
 * The index tokens of folded text: Latin words and numbers; per Han run its
 * overlapping bigrams and its last character.
 */
export function indexTokens(folded: string): string[] {
	const chars = [...folded];
	const tokens: string[] = [];
	let i = 0;
	while (i < chars.length) {
		const ch = chars[i]!;
		if (han.test(ch)) {
			let end = i;
			while (end < chars.length && han.test(chars[end]!)) end++;
			for (let k = i; k + 1 < end; k++) tokens.push(chars[k]! + chars[k + 1]!);
			tokens.push(chars[end - 1]!);
			i = end;
		} else if (wordChar.test(ch)) {
			let end = i;
			while (end < chars.length && wordChar.test(chars[end]!) && !han.test(chars[end]!)) end++;
			tokens.push(chars.slice(i, end).join(''));
			i = end;
		} else i++;
	}
	return tokens;
}

/**
 * A token as Pagefind indexes and looks it up. Pagefind takes a run of Han
 * characters a character at a time, so 客户反馈 would find every clause with
 * those four characters anywhere (288 of them on the bench corpus, 14 ms of
 * Pagefind's time, where the bigrams find the few that hold the run). A Han
 * token is therefore spelled in letters, four per character (its code point
 * in base 26) after a letter no one types: a bigram is one word of Pagefind's, and a lone character's
 * spelling is the prefix of the bigrams it starts (Pagefind finds words by
 * prefix), as in the tokens themselves. Latin words and numbers stay as they are.
 */
export function pagefindWord(token: string): string {
	const chars = [...token];
	if (!chars.length || !chars.every((ch) => han.test(ch))) return token;
	let word = spelledHan;
	for (const ch of chars) {
		let point = ch.codePointAt(0)!;
		let letters = '';
		for (let i = 0; i < 4; i++) {
			letters = String.fromCharCode(97 + (point % 26)) + letters;
			point = Math.floor(point / 26);
		}
		word += letters;
	}
	return word;
}

/**
 * Words a question is made of, not what it asks about (folded, Simplified):
 * dropped from queries so `上線發布需要誰批准` looks for 上線發布 and 批准.
 */
export const stopWords: readonly string[] = [
	'什么时候',
	'什么',
	'甚么',
	'为什么',
	'怎么样',
	'怎么',
	'怎样',
	'如何',
	'哪些',
	'哪个',
	'哪里',
	'哪儿',
	'多久',
	'多少',
	'一次',
	'何时',
	'是否',
	'需要',
	'可以',
	'有没有',
	'谁',
	'吗',
	'呢',
	'吧',
	'啊',
	'要',
	'的',
	'了',
	'是',
	'有',
	'和',
	'与',
	'及',
	'或',
	'在',
	'被',
	'把',
	'请问',
];
const stopSets = new WeakMap<FoldTable, Set<string>>();
/** The stop words folded with the table in use (folding may change them too). */
const stopSetOf = (table: FoldTable) => {
	let set = stopSets.get(table);
	if (!set) stopSets.set(table, (set = new Set(stopWords.map((w) => fold(w, table)))));
	return set;
};

export type TermKind = 'han' | 'word' | 'mixed' | 'phrase';

export interface QueryTerm {
	/** Folded: what must occur contiguously (a word: at a word start). */
	text: string;
	kind: TermKind;
	/** As typed (for suggestions). */
	source: string;
}

export interface ParsedQuery {
	terms: QueryTerm[];
	/** The quoted phrases, folded. */
	phrases: string[];
	/** The unquoted query folded (ranks clauses holding it whole first). */
	whole: string;
}

/** Quoted phrases ("…", 「…」, “…”, 『…』) and the rest of a query. */
export function splitPhrases(query: string): { phrases: string[]; free: string } {
	const phrases: string[] = [];
	const free = query.replace(/"([^"]+)"|「([^」]+)」|“([^”]+)”|『([^』]+)』/g, (_, a, b, c, d) => {
		phrases.push((a ?? b ?? c ?? d) as string);
		return ' ';
	});
	return { phrases: phrases.map((p) => p.trim()).filter(Boolean), free: free.trim() };
}

let segmenter: Intl.Segmenter | undefined;
const words = (text: string) => {
	segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
	return [...segmenter.segment(text)];
};

/**
 * The Han words of a Han run: segmented, function words dropped, neighbouring single characters joined, and a
 * single character left beside a word joined to it (滿意度 is segmented 滿意 + 度: searched as 滿意度, never as 度
 * anywhere).
 */
function hanTerms(run: string, table: FoldTable): { text: string; source: string }[] {
	const stopSet = stopSetOf(table);
	// The run's pieces in order; a function word is a boundary (null).
	const pieces: ({ text: string; source: string } | null)[] = [];
	for (const { segment } of words(run)) {
		const text = fold(segment, table);
		const last = pieces.at(-1);
		if (stopSet.has(text)) pieces.push(null);
		else if ([...text].length === 1 && last && [...last.text].length === 1)
			pieces[pieces.length - 1] = { text: last.text + text, source: last.source + segment };
		else pieces.push({ text, source: segment });
	}
	for (let i = 0; i < pieces.length; i++) {
		const piece = pieces[i];
		if (!piece || [...piece.text].length > 1) continue;
		const before = pieces[i - 1];
		const after = pieces[i + 1];
		if (before) {
			pieces[i - 1] = { text: before.text + piece.text, source: before.source + piece.source };
			pieces.splice(i--, 1);
		} else if (after) {
			pieces[i + 1] = { text: piece.text + after.text, source: piece.source + after.source };
			pieces.splice(i--, 1);
		}
	}
	return pieces.filter((p): p is { text: string; source: string } => p !== null && !stopSet.has(p.text));
}

/** The terms of a query (see the module comment). */
export function parseQuery(query: string, table: FoldTable): ParsedQuery {
	const { phrases, free } = splitPhrases(query);
	const terms: QueryTerm[] = [];
	for (const p of phrases) {
		const text = compact(p, table);
		if (indexTokens(text).length) terms.push({ text, kind: 'phrase', source: `"${p}"` });
	}
	// Chunks: what lies between spaces and punctuation.
	for (const chunk of free.split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
		const chars = [...chunk];
		const hasHan = chars.some((c) => han.test(c));
		if (hasHan && chars.some((c) => digit.test(c))) {
			terms.push({ text: fold(chunk, table), kind: 'mixed', source: chunk });
			continue;
		}
		// Runs of Han and of other word characters.
		for (const run of chunk.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
			if (han.test(run)) for (const t of hanTerms(run, table)) terms.push({ ...t, kind: 'han' });
			else terms.push({ text: fold(run, table), kind: 'word', source: run });
		}
	}
	const unique = new Map(terms.map((t) => [`${t.kind}:${t.text}`, t]));
	return {
		terms: [...unique.values()],
		phrases: terms.filter((t) => t.kind === 'phrase').map((t) => t.text),
		whole: compact(free, table),
	};
}

/** The Pagefind tokens a term is searched by. */
export function termTokens(term: QueryTerm): string[] {
	const tokens = indexTokens(term.text);
	// A run's last character is indexed on its own only at the end of a run in the text: inside a term it is covered by the bigrams.
	return tokens.length > 1 && term.kind !== 'word' ? tokens.filter((t) => [...t].length > 1 || !han.test(t)) : tokens;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && wordChar.test(ch) && !han.test(ch);

/** Where a term occurs in folded text (see compact) (a Latin word only at a word start), or -1. */
export function findTerm(text: string, term: QueryTerm, from = 0): number {
	const startsWord = isWordChar([...term.text][0]);
	let at = text.indexOf(term.text, from);
	while (at >= 0 && startsWord && isWordChar(text[at - 1])) at = text.indexOf(term.text, at + 1);
	return at;
}

/** Whether folded text (see compact) holds every term. */
export function matchesAll(text: string, terms: readonly QueryTerm[]): boolean {
	return terms.length > 0 && terms.every((t) => findTerm(text, t) >= 0);
}

/** How often a term occurs (for ranking). */
export function countTerm(text: string, term: QueryTerm): number {
	let n = 0;
	for (let at = findTerm(text, term); at >= 0; at = findTerm(text, term, at + term.text.length)) n++;
	return n;
}
