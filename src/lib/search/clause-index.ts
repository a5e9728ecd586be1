/**
 * The server-side clause index (the API and the CLI): one document per clause
 * (items included), ref = the clause's page URL with its anchor. Built with
 * the content and persisted in two files (see SearchIndexFile): what finds
 * and ranks clauses (their folded text, the fold table), loaded in one
 * JSON.parse, and the clauses themselves, read a chunk at a time for the hits
 * shown. No postings: a query scans the folded texts (tens of thousands of
 * short strings take a few milliseconds), so the files stay small and nothing
 * is rebuilt on load.
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

export const searchIndexFormat = 'zhidu-search-4';

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
 * The persisted index, in two files, so that a reader (the CLI, once per run)
 * parses only what finds and ranks the clauses and then reads the few clauses
 * it shows:
 * - dist/search-index.json (this): the folded texts, each clause's version
 *   and its place in URL order (ranking ties), the fold table, the versions;
 * - dist/search-documents.ndjson: the clauses, `clauseChunkSize` a line
 *   (`ClauseChunk`), after a first line naming the file (`documentsId`); the
 *   byte range of each line is here, so one chunk is read without the rest.
 */
export interface SearchIndexFile {
	format: typeof searchIndexFormat;
	fingerprint: string;
	fold: Record<string, string>;
	versions: SearchIndexData['versions'];
	folded: string[];
	/** Each clause's version: its index in `versions`. */
	versionOf: number[];
	/** Each clause's rank when clauses are sorted by URL (equal scores are ranked by it). */
	urlOrder: number[];
	/** search-documents.ndjson's first line holds this id: the two files were written together. */
	documentsId: string;
	/** [start, end) byte offsets of each chunk's line in search-documents.ndjson. */
	chunks: [number, number][];
	/** The content's state when the index was built (written by from-content.ts, which checks it). */
	stamp?: ContentStamp;
}

/** Each content folder's modification time and each file's size and time (paths relative to the content folder). */
export interface ContentStamp {
	/** Built with unapproved versions (preview). */
	preview: boolean;
	/** [path, mtime ms] */
	dirs: [string, number][];
	/** [path, size, mtime ms] */
	files: [string, number, number][];
}

/**
 * One line of search-documents.ndjson: the clauses of a chunk, compact (what
 * several clauses share, policy, chapter and section, stored once; clauses
 * are rows of values, not objects with repeated keys).
 */
export interface ClauseChunk {
	/** [id, title] */
	policies: [string, string][];
	/** [policy (index), version, id, number, title, page URL] */
	chapters: [number, string, string, string | null, string, string][];
	/** [id, number, title] */
	sections: [string, string | null, string][];
	/** [chapter (index), section (index, -1: none), clause id, number, text] */
	clauses: [number, number, string, string | null, string][];
}

/** Clauses per line of search-documents.ndjson: a result page (20) reads at most 20 lines of about 25 KB. */
export const clauseChunkSize = 64;

function packChunk(documents: readonly ClauseDocument[]): ClauseChunk {
	const ids = <T>(rows: T[]) => {
		const at = new Map<string, number>();
		return (key: string, row: () => T) => {
			let i = at.get(key);
			if (i === undefined) at.set(key, (i = rows.push(row()) - 1));
			return i;
		};
	};
	const chunk: ClauseChunk = { policies: [], chapters: [], sections: [], clauses: [] };
	const policy = ids(chunk.policies);
	const chapter = ids(chunk.chapters);
	const section = ids(chunk.sections);
	chunk.clauses = documents.map((d): ClauseChunk['clauses'][number] => {
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
	return chunk;
}

function unpackClause(chunk: ClauseChunk, row: number): ClauseDocument {
	const [c, s, clauseId, number, text] = chunk.clauses[row]!;
	const [p, version, chapterId, chapterNumber, chapterTitle, url] = chunk.chapters[c]!;
	const [policyId, policyTitle] = chunk.policies[p]!;
	const section = s >= 0 ? chunk.sections[s] : undefined;
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
}

const byteLength = (text: string) => new TextEncoder().encode(text).length;

/**
 * Both files' contents. `documentsId` should identify the documents' text (the
 * writer hashes it; see from-content.ts): a reader refuses a pair that was
 * not written together.
 */
export function packSearchIndex(
	data: SearchIndexData,
	documentsId: (lines: readonly string[]) => string,
): { index: SearchIndexFile; documents: string } {
	const versionAt = new Map(data.versions.map((v, i) => [`${v.policyId}@${v.version}`, i]));
	const versionOf = data.documents.map((d) => {
		const i = versionAt.get(`${d.policyId}@${d.version}`);
		if (i === undefined) throw new Error(`search index: clause ${d.ref} of an unlisted version ${d.version}`);
		return i;
	});
	const urlOrder: number[] = new Array(data.documents.length);
	[...data.documents.keys()]
		.sort((a, b) => data.documents[a]!.ref.localeCompare(data.documents[b]!.ref))
		.forEach((doc, rank) => (urlOrder[doc] = rank));
	const lines: string[] = [];
	for (let at = 0; at < data.documents.length; at += clauseChunkSize)
		lines.push(JSON.stringify(packChunk(data.documents.slice(at, at + clauseChunkSize))));
	const id = documentsId(lines);
	const header = JSON.stringify({ format: searchIndexFormat, documentsId: id });
	const chunks: [number, number][] = [];
	let offset = byteLength(header) + 1;
	for (const line of lines) {
		const length = byteLength(line);
		chunks.push([offset, offset + length]);
		offset += length + 1;
	}
	return {
		index: {
			format: searchIndexFormat,
			fingerprint: data.fingerprint,
			fold: data.fold,
			versions: data.versions,
			folded: data.folded,
			versionOf,
			urlOrder,
			documentsId: id,
			chunks,
		},
		documents: [header, ...lines].join('\n') + '\n',
	};
}

/** Reads one chunk (line) of search-documents.ndjson, parsed. */
export type ChunkReader = (chunk: number) => ClauseChunk;

/** The whole index from both files (tests, tools): every chunk read. */
export function unpackSearchIndex(file: SearchIndexFile, readChunk: ChunkReader): SearchIndexData {
	if (file.format !== searchIndexFormat) throw new Error(`unknown search index format "${String(file.format)}"`);
	const documents = file.chunks.flatMap((_, k) => {
		const chunk = readChunk(k);
		return chunk.clauses.map((_, row) => unpackClause(chunk, row));
	});
	return { fingerprint: file.fingerprint, fold: file.fold, documents, folded: file.folded, versions: file.versions };
}

/** A reader of the documents file's text (already in memory), for unpackSearchIndex or SearchIndex.fromFile. */
export function chunksOfText(file: SearchIndexFile, documents: string): ChunkReader {
	const lines = documents.split('\n');
	const header = JSON.parse(lines[0] ?? '{}') as { documentsId?: string };
	if (header.documentsId !== file.documentsId)
		throw new Error('search index: the documents file was not written with the index file');
	return (k) => JSON.parse(lines[k + 1] ?? 'null') as ClauseChunk;
}

/**
 * What the index needs of each clause: its version before the hits are known,
 * its URL order to break ties, and the clause itself for the hits shown.
 */
interface ClauseStore {
	versionIndex(i: number): number;
	compare(i: number, j: number): number;
	document(i: number): ClauseDocument;
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
	readonly fold: FoldTable;
	readonly fingerprint: string;
	readonly versions: SearchIndexData['versions'];
	readonly #folded: readonly string[];
	readonly #averageLength: number;
	#store: ClauseStore;
	#all: readonly ClauseDocument[] | undefined;

	/** The index of documents in memory (built from content, or unpacked). */
	constructor(data: SearchIndexData) {
		const versionAt = new Map(data.versions.map((v, i) => [`${v.policyId}@${v.version}`, i]));
		const versionOf = data.documents.map((d) => versionAt.get(`${d.policyId}@${d.version}`) ?? -1);
		this.#all = data.documents;
		this.#store = {
			versionIndex: (i) => versionOf[i]!,
			compare: (i, j) => data.documents[i]!.ref.localeCompare(data.documents[j]!.ref),
			document: (i) => data.documents[i]!,
		};
		this.#folded = data.folded;
		this.fold = data.fold;
		this.fingerprint = data.fingerprint;
		this.versions = data.versions;
		this.#averageLength = data.folded.reduce((n, t) => n + t.length, 0) / Math.max(1, data.folded.length) || 1;
	}

	/** The persisted index: clauses are read (a chunk at a time, each once) only when a hit shows them. */
	static fromFile(file: SearchIndexFile, readChunk: ChunkReader): SearchIndex {
		if (file.format !== searchIndexFormat) throw new Error(`unknown search index format "${String(file.format)}"`);
		const chunks = new Map<number, ClauseChunk>();
		const index = new SearchIndex({
			fingerprint: file.fingerprint,
			fold: file.fold,
			documents: [],
			folded: file.folded,
			versions: file.versions,
		});
		index.#all = undefined;
		index.#store = {
			versionIndex: (i) => file.versionOf[i]!,
			compare: (i, j) => file.urlOrder[i]! - file.urlOrder[j]!,
			document: (i) => {
				const k = Math.floor(i / clauseChunkSize);
				let chunk = chunks.get(k);
				if (!chunk) chunks.set(k, (chunk = readChunk(k)));
				return unpackClause(chunk, i % clauseChunkSize);
			},
		};
		return index;
	}

	/** Every clause (reads them all from a persisted index). */
	get documents(): readonly ClauseDocument[] {
		return (this.#all ??= this.#folded.map((_, i) => this.#store.document(i)));
	}

	#stateOf(i: number, stateOf: StateOf): VersionState | undefined {
		const v = this.versions[this.#store.versionIndex(i)];
		return v && stateOf(v.policyId, v.version);
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
			const version = this.versions[this.#store.versionIndex(i)];
			const state = version ? stateOf(version.policyId, version.version) : undefined;
			if (!version || !state || !states.includes(state)) continue;
			byPolicy[version.policyId] = (byPolicy[version.policyId] ?? 0) + 1;
			if (options.policy && version.policyId !== options.policy) continue;
			matches.push({ i, state });
		}
		const n = this.#folded.length;
		const ranked = matches.map(({ i, state }) => {
			const text = this.#folded[i]!;
			let score = 0;
			parsed.terms.forEach((term, k) => {
				const tf = countTerm(text, term);
				const idf = Math.log(1 + (n - df[k]! + 0.5) / (df[k]! + 0.5));
				const weight = Math.min(4, [...term.text].length) / 2;
				score += (weight * idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * text.length) / this.#averageLength));
			});
			const exactPhrase = parsed.phrases.length > 0 || (parsed.terms.length > 1 && text.includes(parsed.whole));
			return { i, state, score: score * (exactPhrase ? 3 : 1), exactPhrase };
		});
		// The exact phrase first; equal scores (the same text in two versions): the version in force first, then by URL.
		ranked.sort(
			(a, c) =>
				Number(c.exactPhrase) - Number(a.exactPhrase) ||
				c.score - a.score ||
				Number(c.state === 'in-force') - Number(a.state === 'in-force') ||
				this.#store.compare(a.i, c.i),
		);
		const offset = options.offset ?? 0;
		// Only the clauses shown are read.
		const page = ranked.slice(offset, offset + (options.limit ?? 20)).map(({ i, ...hit }): SearchHit => {
			const document = this.#store.document(i);
			return { document, ...hit, snippet: snippet(document.text, parsed, this.fold) };
		});
		return answer(page, ranked.length, byPolicy);
	}

	/** When nothing matched: the query in the other script, or with fewer terms, if those find something. */
	#suggestions(parsed: ParsedQuery, stateOf: StateOf, states: readonly VersionState[]): string[] {
		const found = (terms: readonly QueryTerm[]) =>
			this.#folded.some((text, i) => {
				if (!matchesAll(text, terms)) return false;
				const state = this.#stateOf(i, stateOf);
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
