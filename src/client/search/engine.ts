/**
 * Clause search in the browser, over the Pagefind index the build writes
 * (one record per clause, its content pre-segmented by the shared tokenizer:
 * see src/integrations/pagefind.ts). Loaded only when someone searches.
 *
 * The query is parsed by the same tokenizer as on the server
 * (src/lib/search/tokenizer.ts), folded with the small fold table the build
 * wrote (zhidu-fold.json, only the characters the content uses): no opencc
 * dictionary in the browser. Pagefind is asked for the terms' tokens (all
 * required: its own matching), filtered by the versions whose state, fetched
 * from the server at query time, is wanted. Pagefind then knows every
 * candidate and its score; only the records of the results shown are read
 * (one message to the server for a page, on the records socket, or one
 * GET /api/v1/search/records where there is no socket), and
 * each is checked for every term as a contiguous run (the adjacency
 * Pagefind's token matching cannot see) before it is shown. When the
 * clauses holding the whole query as a run fill the first page, that page is
 * shown before the search for each term that gives the counts; when nothing
 * matches, "nothing found" is shown before the suggestions are looked for.
 */
import type { ExcerptPart } from '#lib/search/excerpt.ts';
import { clauseUrl } from '#lib/urls.ts';
import { snippet } from '#lib/search/snippet.ts';
import {
	compact,
	compactFolded,
	foldChars,
	matchesAll,
	parseQuery,
	pagefindWord,
	termTokens,
	type FoldTable,
	type ParsedQuery,
	type QueryTerm,
} from '#lib/search/tokenizer.ts';
import {
	foldTableFile,
	indexChunksFile,
	pagefindBundlePath,
	type ClauseMeta,
	type IndexChunkProbes,
	type SearchRecord,
} from './record.ts';
import { askSocket, openRecordsSocket } from './records-socket.ts';

type PagefindData = SearchRecord;
interface PagefindResult {
	id: string;
	score: number;
	data: () => Promise<PagefindData>;
}
interface PagefindSearch {
	results: PagefindResult[];
	filters: Record<string, Record<string, number>>;
}
interface Pagefind {
	options: (options: { noWorker?: boolean }) => Promise<void>;
	init: () => Promise<void>;
	filters: () => Promise<unknown>;
	preload: (term: string) => Promise<void>;
	search: (term: string, options?: { filters?: Record<string, unknown> }) => Promise<PagefindSearch>;
}

export type { ExcerptPart } from '#lib/search/excerpt.ts';

export type VersionState = 'in-force' | 'scheduled' | 'superseded' | 'draft' | 'in-review';

export interface SearchFilters {
	/** Only this policy (id); all policies when empty. */
	policy?: string | undefined;
	/** The version states searched (default: in force only). */
	states?: readonly VersionState[];
}

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
	/** The quoted phrases, or the whole unquoted query, occur in the clause. */
	exactPhrase: boolean;
}

/** A search in progress: what is shown so far, and what `next()` reads next. */
export interface SearchOutcome {
	query: string;
	results: ClauseResult[];
	/** Matching results, one per clause and version (Pagefind's counts, less the clauses found not to match). */
	total: number;
	/** Matching results per policy before the policy filter (as `total`). */
	byPolicy: Record<string, number>;
	/** Whether more results may follow. */
	more: boolean;
	/** When nothing matched: queries with fewer terms that find something. */
	suggestions: string[];
	/** Reads the next page (appends to results). */
	next: (pageSize?: number) => Promise<SearchOutcome>;
	/**
	 * Whether `total`, `byPolicy` and `more` are known. A first page drawn from the clauses holding the whole query
	 * as a run comes before them (then `total` is the results shown and `byPolicy` empty).
	 */
	counted: boolean;
	/** This search with its counts (found once, on the first call). */
	withCounts: () => Promise<SearchOutcome>;
}

interface Engine {
	pagefind: Pagefind;
	fold: FoldTable;
}

let loaded: Promise<Engine> | undefined;

/** Loads Pagefind and the fold table (once); call early to overlap the download with typing. */
export function loadPagefind(): Promise<Engine> {
	// The records socket opens beside the index (until it is open, records are fetched).
	openRecordsSocket();
	loaded ??= (async () => {
		const url = `${pagefindBundlePath}pagefind.js`;
		const [pagefind, fold] = await Promise.all([
			(import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (p) => {
				// In the page itself: a worker costs another script and a message round trip per search.
				await p.options({ noWorker: true });
				await p.init();
				// Loaded now so each search reports its counts per policy.
				await p.filters();
				return p;
			}),
			fetch(`${pagefindBundlePath}${foldTableFile}`).then((r) => {
				if (!r.ok) throw new Error(`fold table: HTTP ${r.status}`);
				return r.json() as Promise<FoldTable>;
			}),
		]);
		// The first parse builds Intl.Segmenter (tens of ms): done now, while the reader is still typing.
		parseQuery('搜尋', fold);
		return { pagefind, fold };
	})();
	loaded.catch(() => (loaded = undefined));
	return loaded;
}

let preloaded: Promise<void> | undefined;

/**
 * Loads every index chunk (once): a search for a word of each (Pagefind's
 * preload). For idle time after the first search: a query whose
 * chunk is not loaded waits a round trip for it, a query whose chunks are in
 * memory takes a few ms. About 90 KiB at 1,000 chapters, fetched while the
 * reader reads the first results.
 */
export function preloadIndex(): Promise<void> {
	preloaded ??= (async () => {
		const { pagefind } = await loadPagefind();
		const response = await fetch(`${pagefindBundlePath}${indexChunksFile}`);
		if (!response.ok) throw new Error(`index chunks: HTTP ${response.status}`);
		const probes = (await response.json()) as IndexChunkProbes;
		frequent = new Map(Object.entries(probes.frequent ?? {}));
		await pagefind.preload(probes.words.join(' '));
	})();
	preloaded.catch(() => (preloaded = undefined));
	return preloaded;
}

/** Version states from the server (policy@version → state), re-read after a few minutes so a new day counts. */
let states: { at: number; value: Promise<Record<string, VersionState>> } | undefined;
const statesMaxAge = 5 * 60_000;
export function versionStates(): Promise<Record<string, VersionState>> {
	if (!states || Date.now() - states.at > statesMaxAge) {
		const value = fetch('/api/v1/search/states', { headers: { accept: 'application/json' } }).then(async (r) => {
			if (!r.ok) throw new Error(`version states: HTTP ${r.status}`);
			return ((await r.json()) as { states: Record<string, VersionState> }).states;
		});
		states = { at: Date.now(), value };
		value.catch(() => (states = undefined));
	}
	return states.value;
}

/**
 * Where a search's time goes, as performance measures (read by scripts/bench.ts): zhidu:parse, zhidu:pagefind,
 * zhidu:fragments (the records read), zhidu:check (each record checked for the terms, its excerpt made).
 */
async function timed<T>(name: string, work: () => Promise<T> | T): Promise<T> {
	const start = performance.now();
	try {
		return await work();
	} finally {
		performance.measure(`zhidu:${name}`, { start, end: performance.now() });
	}
}

const queryTokens = (terms: readonly QueryTerm[]) =>
	[...new Set(terms.flatMap(termTokens).map(pagefindWord))].join(' ');

/** Pagefind words on many records, and on how many (loaded with the index chunks, in idle time after a first search). */
let frequent: ReadonlyMap<string, number> | undefined;

/**
 * The words of a first page's search: of a term whose words are all on many records, its rarest only. Pagefind's
 * time grows with the matches times the records of every word asked for (its search gathers each match's word
 * locations from all of them): 客户 alone is on 971 of 5,743 records at 1,000 chapters, and "客戶滿意度" took 16–18
 * ms with all four of its words. The clauses found hold that word; each is read and checked for every term as a
 * run before it is shown, and the total and counts come from the search for every word, after. A term with a word
 * on few records is searched as it is (few matches: quick already). Undefined when no word is left out.
 */
export function firstPageWords(
	terms: readonly QueryTerm[],
	onRecords: ReadonlyMap<string, number>,
): string | undefined {
	let leftOut = false;
	const kept = terms.flatMap((term) => {
		const words = queryTokens([term]).split(' ');
		// 0: not listed, on fewer records than any listed word. A term with such a word is quick to search as it is.
		const records = words.map((word) => onRecords.get(word) ?? 0);
		const rarest = Math.min(...records);
		const keep = rarest === 0 ? words : [words[records.indexOf(rarest)]!];
		if (keep.length < words.length) leftOut = true;
		return keep;
	});
	return leftOut ? [...new Set(kept)].join(' ') : undefined;
}

/** Records read so far, by Pagefind id (a query typed on finds many of its prefix's records again). */
const records = new Map<string, PagefindData>();
/** Records asked for and not yet arrived, by id: a later search waits for them instead of asking again. */
const arriving = new Map<string, Promise<void>>();

/**
 * The records of a page of results: one request to the server (a message on
 * the records socket, else GET /api/v1/search/records) for those neither read nor on their way,
 * instead of a fragment file each (20 a page: four round trips over a
 * browser's six connections to one server). A search overtaken by a keystroke
 * lets its request finish: what it brings is kept (the next query typed on
 * shares many of its records), and cancelling would close the connection, so
 * the next request would first open a new one. Pagefind's own reading is the
 * fallback (a server without the route: astro dev).
 */
async function readRecords(results: readonly PagefindResult[], signal?: AbortSignal): Promise<PagefindData[]> {
	await requestRecords(results.map((r) => r.id));
	signal?.throwIfAborted();
	return Promise.all(results.map(async (r) => records.get(r.id) ?? (await r.data())));
}

/** Asks for the records of `ids` neither read nor on their way (one request), and waits for all of them. */
async function requestRecords(wanted: readonly string[]): Promise<void> {
	const ids = [...new Set(wanted.filter((id) => !records.has(id)))];
	const missing = ids.filter((id) => !arriving.has(id));
	// The route answers up to 50 ids a request (suggestions may ask for more).
	for (let i = 0; i < missing.length; i += recordsPerRequest) {
		const asked = missing.slice(i, i + recordsPerRequest);
		// Over the open socket when there is one (a third of a fetch's round trip); fetched otherwise, or if it fails.
		const request = (askSocket(asked)?.catch(() => fetchRecords(asked)) ?? fetchRecords(asked))
			.then((found) => {
				for (const [id, record] of Object.entries(found)) if (record) records.set(id, record);
			})
			.catch(() => {})
			.finally(() => asked.forEach((id) => arriving.delete(id)));
		for (const id of asked) arriving.set(id, request);
	}
	await Promise.all(new Set(ids.map((id) => arriving.get(id))));
}
const recordsPerRequest = 50;

async function fetchRecords(ids: readonly string[]): Promise<Record<string, PagefindData | null>> {
	const response = await fetch(`/api/v1/search/records?${new URLSearchParams({ ids: ids.join(',') })}`, {
		headers: { accept: 'application/json' },
		// Ahead of anything else the page fetches (an index chunk loading in idle time): a result waits for it.
		priority: 'high',
	});
	if (!response.ok) return {};
	return ((await response.json()) as { records: Record<string, PagefindData | null> }).records;
}

/** Whether a fragment's clause holds every term (headings included, as on the server). */
const holds = (data: PagefindData, terms: readonly QueryTerm[], fold: FoldTable) =>
	matchesAll(foldedRecord(data, fold).withHeadings, terms);

/** A record's folded text, with and without its headings, folded once (a query typed on checks it again). */
const folded = new WeakMap<PagefindData, { withHeadings: string; text: string; chars: ReturnType<typeof foldChars> }>();
function foldedRecord(data: PagefindData, fold: FoldTable) {
	let known = folded.get(data);
	if (!known) {
		const chars = foldChars(data.meta['text'] ?? '', fold);
		const text = compactFolded(chars.chars);
		known = { withHeadings: [compact(data.meta['title'] ?? '', fold), text].filter(Boolean).join(' '), text, chars };
		folded.set(data, known);
	}
	return known;
}

/**
 * Searches, and reads the records of the first page. `signal`: the search
 * was overtaken (a keystroke); its request for records is cancelled. The
 * outcome may come before its counts (`counted` false: a first page of
 * clauses holding the whole query as a run, or nothing found before the
 * suggestions); `withCounts()` brings them.
 */
export async function searchClauses(
	query: string,
	filters: SearchFilters = {},
	pageSize = 20,
	signal?: AbortSignal,
): Promise<SearchOutcome> {
	const [{ pagefind, fold }, stateOf] = await Promise.all([loadPagefind(), versionStates()]);
	const parsed = await timed('parse', () => parseQuery(query, fold));
	const wanted = new Set(filters.states ?? ['in-force']);
	const versions = Object.keys(stateOf).filter((key) => wanted.has(stateOf[key]!));
	const empty = (suggestions: string[] = []): SearchOutcome => ({
		query,
		results: [],
		total: 0,
		byPolicy: {},
		more: false,
		suggestions,
		next: async () => empty(suggestions),
		counted: true,
		withCounts: async () => empty(suggestions),
	});
	if (!parsed.terms.length || !versions.length) return empty();
	// One filter (policy@version) serves both: fewer filter bytes, one search for results and counts.
	const versionFilter = { version: { any: versions } };
	const wantedVersions = new Set(versions);
	const policyOf = (key: string) => key.slice(0, key.lastIndexOf('@'));
	const tokens = queryTokens(parsed.terms);
	// Nothing matched: said at once; the queries with a term fewer that find something follow (`withCounts`).
	const none = (): SearchOutcome => {
		let found: Promise<SearchOutcome> | undefined;
		return {
			...empty(),
			counted: parsed.terms.length < 2,
			withCounts: () => (found ??= suggestions(pagefind, parsed, versionFilter, fold).then((s) => empty(s))),
		};
	};
	// The whole query as one run (several terms), or its one term: clauses with all its tokens most likely hold it as
	// written, and rank first. First those clauses (best first): when they fill the first page, that page is drawn
	// from them (each checked for every term), and the clauses holding each term (the search that takes longest when
	// many clauses match: it gives the counts and the later pages) are found afterwards, when asked for (`withCounts`).
	const single = parsed.terms.length === 1;
	const firstTerms: QueryTerm[] = single ? parsed.terms : [{ text: parsed.whole, kind: 'phrase', source: '' }];
	const search = (tokens: string) => timed('pagefind', () => pagefind.search(tokens, { filters: versionFilter }));
	// Only when the run holds every term (quoted phrases are not in the whole query's run; a lone term is the query).
	const mayDrawEarly = !filters.policy && (single || !parsed.phrases.length);
	// Without the words on many records where the run has rarer ones (`firstPageWords`), when that can fill the page.
	const quick = mayDrawEarly && frequent ? firstPageWords(firstTerms, frequent) : undefined;
	let whole = quick ? await search(quick) : undefined;
	// Otherwise the run with all its words, whose clauses lead the candidates (several terms only).
	if (!whole || whole.results.length < pageSize) whole = single ? undefined : await search(queryTokens(firstTerms));
	signal?.throwIfAborted();
	const early = whole && mayDrawEarly && whole.results.length >= pageSize ? whole.results : undefined;
	/** Candidates read so far (the early page's first, then the counted search's). */
	let read = 0;

	interface Counted {
		byPolicy: Record<string, number>;
		/** Every clause holding each term, the whole query's first. */
		candidates: PagefindResult[];
		/** The clauses Pagefind counted (in `byPolicy`). */
		ids: ReadonlySet<string>;
	}
	let counted: Counted | undefined;
	let counting: Promise<Counted> | undefined;
	// The policy filter: the results of its versions (Pagefind reads a result's filters only with its fragment, so
	// a search narrowed to those versions), beside the search of all versions that gives the counts per policy.
	const count = () =>
		(counting ??= timed('pagefind', () =>
			Promise.all([
				pagefind.search(tokens, { filters: versionFilter }),
				filters.policy
					? pagefind.search(tokens, {
							filters: { version: { any: versions.filter((v) => policyOf(v) === filters.policy) } },
						})
					: undefined,
			]),
		).then(([all, narrowed]) => {
			const byPolicy: Record<string, number> = {};
			for (const [key, n] of Object.entries(all.filters['version'] ?? {}))
				if (n && wantedVersions.has(key)) byPolicy[policyOf(key)] = (byPolicy[policyOf(key)] ?? 0) + n;
			const found = narrowed ?? all;
			const foundIds = new Set(found.results.map((r) => r.id));
			// Drawn first, the early page's clauses read so far stay first, in their order, so the pages read on follow
			// on from it; of the rest, those the search for every word found.
			const leading = early
				? [...early.slice(0, read), ...early.slice(read).filter((r) => foundIds.has(r.id))]
				: (whole?.results ?? []).filter((r) => foundIds.has(r.id));
			const leadingIds = new Set(leading.map((r) => r.id));
			const candidates = [...leading, ...found.results.filter((r) => !leadingIds.has(r.id))];
			return (counted = { byPolicy, candidates, ids: new Set(all.results.map((r) => r.id)) });
		}));
	if (!early) {
		await count();
		// Typed on: the reader will not see this query's results, so no fragments are read for it.
		signal?.throwIfAborted();
	}
	const candidates = () => counted?.candidates ?? early ?? [];
	if (!candidates().length) return none();

	const results: ClauseResult[] = [];
	// Pagefind counts a clause once per version it stands for; those it counted, read and found without every term
	// as a run are taken off their policy's count: by id, the versions searched that each stands for.
	const rejected = new Map<string, string[]>();
	const searched = new Set(filters.policy ? versions.filter((v) => policyOf(v) === filters.policy) : versions);
	/** Matching clauses per policy, one per version: Pagefind's counts less the clauses found not to match. */
	const matching = ({ byPolicy, ids }: Counted) => {
		const less: Record<string, number> = {};
		for (const [id, keys] of rejected)
			if (ids.has(id)) for (const key of keys) less[policyOf(key)] = (less[policyOf(key)] ?? 0) + 1;
		return Object.fromEntries(
			Object.entries(byPolicy)
				.map(([policy, n]) => [policy, n - (less[policy] ?? 0)] as const)
				.filter(([, n]) => n > 0),
		);
	};
	const outcome = (): SearchOutcome => {
		const byPolicy = counted ? matching(counted) : {};
		const counts = filters.policy ? [byPolicy[filters.policy] ?? 0] : Object.values(byPolicy);
		return {
			query,
			results,
			total: Math.max(
				results.length,
				counts.reduce((sum, n) => sum + n, 0),
			),
			byPolicy,
			more: read < candidates().length,
			counted: counted !== undefined,
			withCounts: async () => {
				await count();
				return outcome();
			},
			suggestions: [],
			next,
		};
	};
	const next = async (size = pageSize): Promise<SearchOutcome> => {
		const page: ClauseResult[] = [];
		// Read until a page is full: a candidate without every term as a run is dropped.
		while (page.length < size) {
			if (read >= candidates().length) {
				// The whole query's clauses are used up before the counts: the rest are those holding each term.
				if (counted) break;
				await count();
				continue;
			}
			const batch = candidates().slice(read, read + size - page.length);
			read += batch.length;
			const fragments = await timed('fragments', () => readRecords(batch, signal));
			await timed('check', () => {
				for (const [i, data] of fragments.entries()) {
					if (!holds(data, parsed.terms, fold)) {
						rejected.set(
							batch[i]!.id,
							(data.filters['version'] ?? []).filter((key) => wantedVersions.has(key)),
						);
						continue;
					}
					page.push(...recordResults(data, parsed, fold, stateOf, searched));
				}
			});
		}
		// Within a page: clauses with the exact phrase or whole query first, else Pagefind's order.
		page.sort((a, b) => Number(b.exactPhrase) - Number(a.exactPhrase));
		results.push(...versionsTogether(page));
		if (!results.length && read >= candidates().length) return none();
		return outcome();
	};
	return next();
}

/**
 * The same clause in several versions (records of different texts, ranked apart by Pagefind) side by side where
 * the first of them stands, the version in force first.
 */
function versionsTogether(page: readonly ClauseResult[]): ClauseResult[] {
	const clause = (r: ClauseResult) => `${r.policy}\0${r.url.replace(`/${r.version}/`, '/')}`;
	const byClause = Map.groupBy(page, clause);
	return [...byClause.values()].flatMap((versions) =>
		versions.toSorted((a, b) => Number(b.state === 'in-force') - Number(a.state === 'in-force')),
	);
}

/** A record's results: one per version searched that holds the clause as it is, the version in force first. */
function recordResults(
	data: PagefindData,
	parsed: ParsedQuery,
	fold: FoldTable,
	stateOf: Record<string, VersionState>,
	searched: ReadonlySet<string>,
): ClauseResult[] {
	const meta = data.meta as Partial<ClauseMeta>;
	const text = meta.text ?? '';
	const { text: foldedText, chars } = foldedRecord(data, fold);
	const excerpt = snippet(text, parsed, fold, undefined, chars);
	const exactPhrase = parsed.phrases.length > 0 || (parsed.terms.length > 1 && foldedText.includes(parsed.whole));
	// The record's URL is its first version's page: /policies/<policy>/<version>/<chapter>/#<clause>.
	const [, chapter = '', clause = ''] = /\/([^/]+)\/#(.+)$/.exec(data.url) ?? [];
	const keys = (data.filters['version'] ?? []).filter((key) => searched.has(key));
	keys.sort((a, b) => Number(stateOf[b] === 'in-force') - Number(stateOf[a] === 'in-force'));
	return keys.map((key) => {
		const policy = key.slice(0, key.lastIndexOf('@'));
		const version = key.slice(key.lastIndexOf('@') + 1);
		return {
			url: clauseUrl(policy, version, chapter, clause),
			policy,
			version,
			state: stateOf[key] ?? '',
			number: meta.number ?? '',
			headings: meta.title ?? '',
			excerpt,
			exactPhrase,
		};
	});
}

/** Queries with one term fewer that find a clause (checked like results: the first few candidates read). */
async function suggestions(
	pagefind: Pagefind,
	parsed: ParsedQuery,
	versionFilter: Record<string, unknown>,
	fold: FoldTable,
): Promise<string[]> {
	if (parsed.terms.length < 2) return [];
	const tries = [...parsed.terms.keys()]
		.map((k) => parsed.terms.filter((_, j) => j !== k))
		.filter((rest) => rest.some((t) => [...t.text].length > 1));
	// All at once, and the records of their first candidates in one request.
	const firsts = (
		await Promise.all(tries.map((rest) => pagefind.search(queryTokens(rest), { filters: versionFilter })))
	).map(({ results }) => results.slice(0, 5));
	await requestRecords(firsts.flat().map((r) => r.id));
	const out: string[] = [];
	for (const [i, rest] of tries.entries()) {
		const first = await readRecords(firsts[i]!);
		if (first.some((d) => holds(d, rest, fold))) out.push(rest.map((t) => t.source).join(' '));
	}
	return out.slice(0, 3);
}
