/**
 * The lunr index over clauses: one document per clause (items included),
 * ref = the clause's page URL with its anchor. Built at build time (served as
 * /api/v1/search-index.json) and by the CLI; queried the same way everywhere.
 *
 * lunr's default pipeline trims and stems away CJK and `idx.search` ignores
 * custom tokenizers, so both pipelines are emptied, documents are tokenized
 * by our tokenizer, and queries go through `idx.query` with our tokens.
 */
import lunr from 'lunr';
import { partsToText, walkClauses, type Chapter } from '../content/clause-tree.ts';
import type { Numbers } from '../content/numbering.ts';
import type { VersionState } from '../versions.ts';
import { excerptAround } from './excerpt.ts';
import { fold, foldChars, parseQuery, tokenize } from './tokenizer.ts';

export interface ClauseDocument {
	/** The clause's page URL with its anchor. */
	ref: string;
	policyId: string;
	policyTitle: string;
	version: string;
	state: VersionState;
	clauseId: string;
	number: string | undefined;
	chapterId: string;
	chapterTitle: string;
	chapterNumber: string | undefined;
	sectionId: string | undefined;
	sectionTitle: string | undefined;
	sectionNumber: string | undefined;
	/** What a reader sees: the clause title and separator, then its text (blanks as [label]). */
	text: string;
}

export interface IndexableVersion {
	policyId: string;
	policyTitle: string;
	version: string;
	state: VersionState;
	chapters: readonly Chapter[];
	numbers: Numbers;
	/** The page URL of a chapter of this version. */
	chapterUrl: (chapterId: string) => string;
}

export function clauseDocuments(versions: readonly IndexableVersion[]): ClauseDocument[] {
	const docs: ClauseDocument[] = [];
	for (const v of versions) {
		for (const chapter of v.chapters) {
			for (const { clause, section } of walkClauses(chapter)) {
				const title = clause.title ? `${clause.title}${clause.titleSeparator ?? ':'}` : '';
				docs.push({
					ref: `${v.chapterUrl(chapter.id)}#${clause.id}`,
					policyId: v.policyId,
					policyTitle: v.policyTitle,
					version: v.version,
					state: v.state,
					clauseId: clause.id,
					number: v.numbers.clauses.get(clause.id),
					chapterId: chapter.id,
					chapterTitle: chapter.title,
					chapterNumber: v.numbers.chapters.get(chapter.id),
					sectionId: section?.id,
					sectionTitle: section?.title,
					sectionNumber: section ? v.numbers.sections.get(section.id) : undefined,
					text: title + partsToText(clause.parts),
				});
			}
		}
	}
	return docs;
}

/** What /api/v1/search-index.json holds. */
export interface SearchIndexFile {
	format: 'zhidu-lunr-1';
	/** The build date the document states were resolved for. */
	asOf: string;
	index: object;
	documents: ClauseDocument[];
}

const lunrTokenizer = (value?: unknown): lunr.Token[] => {
	if (value === undefined || value === null) return [];
	return tokenize(String(value)).map((t) => new lunr.Token(t.text, { position: [t.start, t.length] }));
};

export function buildSearchIndex(documents: ClauseDocument[], asOf: string): SearchIndexFile {
	const index = lunr(function () {
		this.tokenizer = Object.assign(lunrTokenizer, { separator: lunr.tokenizer.separator });
		this.pipeline.reset();
		this.searchPipeline.reset();
		this.ref('ref');
		this.field('body');
		this.field('heading', { boost: 0.3 });
		for (const doc of documents) {
			this.add({
				ref: doc.ref,
				body: doc.text,
				heading: [doc.chapterTitle, doc.sectionTitle].filter(Boolean).join(' '),
			});
		}
	});
	return { format: 'zhidu-lunr-1', asOf, index: index.toJSON(), documents };
}

export interface SearchOptions {
	/** Only this policy. */
	policy?: string | undefined;
	/** Which version states to include; default: in force only. */
	states?: readonly VersionState[];
	limit?: number;
}

export type { ExcerptPart as SnippetPart } from './excerpt.ts';
import type { ExcerptPart as SnippetPart } from './excerpt.ts';

export interface SearchHit {
	document: ClauseDocument;
	score: number;
	/** The query's exact phrase (or every quoted phrase) occurs in the clause. */
	exactPhrase: boolean;
	snippet: SnippetPart[];
}

export class SearchIndex {
	readonly documents: Map<string, ClauseDocument>;
	readonly #index: lunr.Index;
	readonly #folded = new Map<string, string>();

	constructor(file: SearchIndexFile) {
		if (file.format !== 'zhidu-lunr-1') throw new Error(`unknown search index format "${String(file.format)}"`);
		this.#index = lunr.Index.load(file.index);
		this.documents = new Map(file.documents.map((d) => [d.ref, d]));
	}

	#foldedText(doc: ClauseDocument): string {
		let folded = this.#folded.get(doc.ref);
		if (folded === undefined) this.#folded.set(doc.ref, (folded = fold(doc.text)));
		return folded;
	}

	search(query: string, options: SearchOptions = {}): SearchHit[] {
		const states = options.states ?? ['in-force'];
		const { phrases, free } = parseQuery(query);
		const tokens = tokenize([free, ...phrases].join(' '));
		if (tokens.length === 0) return [];
		const foldedPhrases = phrases.map((p) => fold(p).replace(/\s+/g, ''));
		// Unquoted, the whole query (and each of its words) is a phrase that ranks higher when present as is.
		const freeWords = free
			.split(/\s+/)
			.filter(Boolean)
			.map((w) => fold(w));
		const wholeQuery = fold(free).replace(/\s+/g, '');
		const results = this.#index.query((q) => {
			for (const token of tokens) {
				const single = token.kind === 'han' && token.text.length === 1;
				q.term(token.text, { usePipeline: false, boost: single ? 0.5 : 1 });
				// A lone Han character also matches the bigrams it starts.
				if (single) q.term(token.text, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: 0.5 });
			}
		});
		const hits: SearchHit[] = [];
		for (const result of results) {
			const doc = this.documents.get(result.ref);
			if (!doc || !states.includes(doc.state)) continue;
			if (options.policy && doc.policyId !== options.policy) continue;
			const text = this.#foldedText(doc).replace(/\s+/g, '');
			if (foldedPhrases.some((p) => !text.includes(p))) continue;
			const whole = wholeQuery.length > 1 && text.includes(wholeQuery);
			const words = freeWords.filter((w) => w.length > 1 && text.includes(w.replace(/\s+/g, ''))).length;
			const exactPhrase = phrases.length > 0 ? true : whole;
			const score = result.score * (1 + (whole ? 2 : 0) + (freeWords.length > 1 ? words / freeWords.length : 0));
			hits.push({ document: doc, score, exactPhrase, snippet: [] });
		}
		hits.sort((a, b) => b.score - a.score || a.document.ref.localeCompare(b.document.ref));
		const limited = hits.slice(0, options.limit ?? 20);
		for (const hit of limited) hit.snippet = snippet(hit.document.text, [...phrases, ...(free ? [free] : [])], tokens);
		return limited;
	}
}

/**
 * A window of the clause text around its best match, with the matching
 * characters marked: the exact phrase if it occurs, else every query token.
 */
export function snippet(
	text: string,
	phrases: readonly string[],
	tokens: readonly { text: string }[],
	width = 60,
): SnippetPart[] {
	const { chars, offsets } = foldChars(text);
	const marked = new Array<boolean>(chars.length).fill(false);
	const markRun = (needle: string[]) => {
		let found = false;
		for (let i = 0; i + needle.length <= chars.length; i++) {
			if (needle.every((n, k) => chars[i + k] === n)) {
				for (let k = 0; k < needle.length; k++) marked[i + k] = true;
				found = true;
			}
		}
		return found;
	};
	const phraseHit = phrases
		.map((p) => foldChars(p.replace(/\s+/g, '')).chars)
		.filter((p) => p.length > 1)
		.some((p) => markRun(p));
	if (!phraseHit) for (const token of tokens) markRun(foldChars(token.text).chars);
	return excerptAround(text, offsets, marked, width, 1 / 3);
}
