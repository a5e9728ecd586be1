/**
 * The server-side clause index (the API and the CLI): one document per clause
 * (items included), ref = the clause's page URL with its anchor. Built with
 * the content and persisted as one JSON file (the documents with their folded
 * text, and the fold table), which loads in one JSON.parse: no postings, a
 * query scans the folded texts (tens of thousands of short strings take a few
 * milliseconds), so the file stays small and nothing is rebuilt on load.
 *
 * Version states are not in the file: the caller says, at query time, which
 * state each version is in (so the answer is right after midnight).
 */
import { partsToText, walkClauses, type Chapter, type ClausePlace } from '../content/clause-tree.ts';
import type { Numbers } from '../content/numbering.ts';
import type { DatedVersion, VersionState } from '../versions.ts';
import type { ExcerptPart } from './excerpt.ts';
import { snippet } from './snippet.ts';
import {
	countTerm,
	findTerm,
	matchesAll,
	parseQuery,
	type FoldTable,
	type ParsedQuery,
	type QueryTerm,
} from './tokenizer.ts';

export interface ClauseDocument extends ClausePlace {
	/** The clause's page URL with its anchor. */
	ref: string;
	policyId: string;
	policyTitle: string;
	version: string;
	clauseId: string;
	number: string | undefined;
	/** What a reader sees: the clause title and separator, then its text (blanks as [label]). */
	text: string;
}

export interface IndexableVersion {
	policyId: string;
	policyTitle: string;
	version: string;
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

/** What a clause is found by: the headings it stands under, then its text. */
export const searchedText = (doc: Pick<ClauseDocument, 'chapterTitle' | 'sectionTitle' | 'text'>) =>
	[doc.chapterTitle, doc.sectionTitle ?? '', doc.text].join(' ');

export const searchIndexFormat = 'zhidu-search-3';

/** The index in memory: what SearchIndex searches. */
export interface SearchIndexData {
	/** Identifies the content it was built from (see from-content.ts). */
	fingerprint: string;
	/** Han character → folded form, for queries (see fold-table.ts). */
	fold: Record<string, string>;
	documents: ClauseDocument[];
	/** Each document's text folded (see tokenizer.ts compact), same order. */
	folded: string[];
	/** Each indexed version's status and effective date (content, not state: states are resolved at query time). */
	versions: (DatedVersion & { policyId: string })[];
}

/**
 * The persisted index (dist/search-index.json), compact: what many clauses
 * share (policy, chapter, section) is stored once and clauses are rows of
 * values, not objects with repeated keys, so the file is a quarter of the
 * size and `JSON.parse` is many times faster (the CLI loads it on every run).
 */
export interface SearchIndexFile {
	format: typeof searchIndexFormat;
	fingerprint: string;
	fold: Record<string, string>;
	/** [id, title] */
	policies: [string, string][];
	/** [policy (index), version, id, number, title, page URL] */
	chapters: [number, string, string, string | null, string, string][];
	/** [id, number, title] */
	sections: [string, string | null, string][];
	/** [chapter (index), section (index, -1: none), clause id, number, text] */
	clauses: [number, number, string, string | null, string][];
	folded: string[];
	versions: SearchIndexData['versions'];
}

export function packSearchIndex(data: SearchIndexData): SearchIndexFile {
	const ids = <T>(rows: T[]) => {
		const at = new Map<string, number>();
		return (key: string, row: () => T) => {
			let i = at.get(key);
			if (i === undefined) at.set(key, (i = rows.push(row()) - 1));
			return i;
		};
	};
	const policies: SearchIndexFile['policies'] = [];
	const chapters: SearchIndexFile['chapters'] = [];
	const sections: SearchIndexFile['sections'] = [];
	const policy = ids(policies);
	const chapter = ids(chapters);
	const section = ids(sections);
	const clauses = data.documents.map((d): SearchIndexFile['clauses'][number] => {
		const p = policy(d.policyId, () => [d.policyId, d.policyTitle]);
		const url = d.ref.slice(0, d.ref.lastIndexOf('#'));
		const c = chapter(`${d.policyId}@${d.version}/${d.chapterId}`, () => [
			p,
			d.version,
			d.chapterId,
			d.chapterNumber ?? null,
			d.chapterTitle,
			url,
		]);
		const s = d.sectionId
			? section(`${d.policyId}@${d.version}/${d.sectionId}`, () => [
					d.sectionId!,
					d.sectionNumber ?? null,
					d.sectionTitle ?? '',
				])
			: -1;
		return [c, s, d.clauseId, d.number ?? null, d.text];
	});
	return {
		format: searchIndexFormat,
		fingerprint: data.fingerprint,
		fold: data.fold,
		policies,
		chapters,
		sections,
		clauses,
		folded: data.folded,
		versions: data.versions,
	};
}

export function unpackSearchIndex(file: SearchIndexFile): SearchIndexData {
	if (file.format !== searchIndexFormat) throw new Error(`unknown search index format "${String(file.format)}"`);
	const documents = file.clauses.map(([c, s, clauseId, number, text]): ClauseDocument => {
		const [p, version, chapterId, chapterNumber, chapterTitle, url] = file.chapters[c]!;
		const [policyId, policyTitle] = file.policies[p]!;
		const section = s >= 0 ? file.sections[s] : undefined;
		return {
			ref: `${url}#${clauseId}`,
			policyId,
			policyTitle,
			version,
			clauseId,
			number: number ?? undefined,
			chapterId,
			chapterTitle,
			chapterNumber: chapterNumber ?? undefined,
			sectionId: section?.[0],
			sectionTitle: section?.[2],
			sectionNumber: section?.[1] ?? undefined,
			text,
		};
	});
	return { fingerprint: file.fingerprint, fold: file.fold, documents, folded: file.folded, versions: file.versions };
}

/** Which state a version is in today; undefined: unknown (not searched). */
export type StateOf = (policyId: string, version: string) => VersionState | undefined;

export interface SearchOptions {
	/** Only this policy. */
	policy?: string | undefined;
	/** Which version states to include; default: in force only. */
	states?: readonly VersionState[];
	limit?: number;
	offset?: number;
}

export type { ExcerptPart as SnippetPart } from './excerpt.ts';

export interface SearchHit {
	document: ClauseDocument;
	state: VersionState;
	score: number;
	/** The quoted phrases, or the whole unquoted query, occur in the clause. */
	exactPhrase: boolean;
	snippet: ExcerptPart[];
}

export interface SearchAnswer {
	query: string;
	/** Clauses matching, before limit and offset. */
	total: number;
	/** Matching clauses per policy id. */
	byPolicy: Record<string, number>;
	hits: SearchHit[];
	/** When nothing matched: other queries worth trying. */
	suggestions: string[];
}

const k1 = 1.2;
const b = 0.75;

export class SearchIndex {
	readonly documents: readonly ClauseDocument[];
	readonly fold: FoldTable;
	readonly fingerprint: string;
	readonly versions: SearchIndexData['versions'];
	readonly #folded: readonly string[];
	readonly #averageLength: number;

	constructor(file: SearchIndexData) {
		this.documents = file.documents;
		this.#folded = file.folded;
		this.fold = file.fold;
		this.fingerprint = file.fingerprint;
		this.versions = file.versions;
		this.#averageLength = file.folded.reduce((n, t) => n + t.length, 0) / Math.max(1, file.folded.length) || 1;
	}

	parse(query: string): ParsedQuery {
		return parseQuery(query, this.fold);
	}

	/** The clauses holding every term, ranked (BM25 over the terms; the exact query or phrase first). */
	search(query: string, stateOf: StateOf, options: SearchOptions = {}): SearchAnswer {
		const states = options.states ?? ['in-force'];
		const parsed = this.parse(query);
		const answer = (hits: SearchHit[], total: number, byPolicy: Record<string, number>): SearchAnswer => ({
			query,
			total,
			byPolicy,
			hits,
			suggestions: total === 0 ? this.#suggestions(parsed, stateOf, states) : [],
		});
		if (parsed.terms.length === 0) return answer([], 0, {});
		const matches: { i: number; state: VersionState }[] = [];
		const byPolicy: Record<string, number> = {};
		// One pass: each term looked for in each text, for the matches and the document frequencies (ranking) alike.
		const df = parsed.terms.map(() => 0);
		for (let i = 0; i < this.#folded.length; i++) {
			const text = this.#folded[i]!;
			let all = true;
			parsed.terms.forEach((term, k) => {
				if (findTerm(text, term) >= 0) df[k]!++;
				else all = false;
			});
			if (!all) continue;
			const doc = this.documents[i]!;
			const state = stateOf(doc.policyId, doc.version);
			if (!state || !states.includes(state)) continue;
			byPolicy[doc.policyId] = (byPolicy[doc.policyId] ?? 0) + 1;
			if (options.policy && doc.policyId !== options.policy) continue;
			matches.push({ i, state });
		}
		const n = this.#folded.length;
		const hits: SearchHit[] = matches.map(({ i, state }) => {
			const text = this.#folded[i]!;
			let score = 0;
			parsed.terms.forEach((term, k) => {
				const tf = countTerm(text, term);
				const idf = Math.log(1 + (n - df[k]! + 0.5) / (df[k]! + 0.5));
				const weight = Math.min(4, [...term.text].length) / 2;
				score += (weight * idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * text.length) / this.#averageLength));
			});
			const exactPhrase = parsed.phrases.length > 0 || (parsed.terms.length > 1 && text.includes(parsed.whole));
			return { document: this.documents[i]!, state, score: score * (exactPhrase ? 3 : 1), exactPhrase, snippet: [] };
		});
		// The exact phrase first; equal scores (the same text in two versions): the version in force first.
		hits.sort(
			(a, c) =>
				Number(c.exactPhrase) - Number(a.exactPhrase) ||
				c.score - a.score ||
				Number(c.state === 'in-force') - Number(a.state === 'in-force') ||
				a.document.ref.localeCompare(c.document.ref),
		);
		const offset = options.offset ?? 0;
		const page = hits.slice(offset, offset + (options.limit ?? 20));
		for (const hit of page) hit.snippet = snippet(hit.document.text, parsed, this.fold);
		return answer(page, hits.length, byPolicy);
	}

	/** When nothing matched: the query in the other script, or with fewer terms, if those find something. */
	#suggestions(parsed: ParsedQuery, stateOf: StateOf, states: readonly VersionState[]): string[] {
		const found = (terms: readonly QueryTerm[]) =>
			this.#folded.some((text, i) => {
				if (!matchesAll(text, terms)) return false;
				const state = stateOf(this.documents[i]!.policyId, this.documents[i]!.version);
				return state !== undefined && states.includes(state);
			});
		const out: string[] = [];
		if (parsed.terms.length > 1) {
			for (const k of parsed.terms.keys()) {
				const rest = parsed.terms.filter((_, j) => j !== k);
				if (rest.some((t) => [...t.text].length > 1) && found(rest)) out.push(rest.map((t) => t.source).join(' '));
			}
		}
		return out.slice(0, 3);
	}
}
