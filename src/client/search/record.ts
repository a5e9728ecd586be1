/**
 * What the build writes into the Pagefind index and the browser reads back:
 * one record per clause text (identical versions share one). Shared by src/integrations/pagefind.ts (build) and
 * the search script (browser), so both agree on names.
 */

/** Where the Pagefind bundle is written under the build output and served from. */
export const pagefindBundlePath = '/pagefind/';

/**
 * What a result shows, stored with each record. Pagefind (1.5 and later)
 * indexes every meta value as searchable text, so only what should be found
 * is here: the headings the clause stands under and its number. The policy
 * and version come from the filter, the state from the server.
 */
export interface ClauseMeta {
	/** `chapter › section` (numbered, as the pages show them): searched with a low weight, shown under the result. */
	title: string;
	/** Displayed clause number, '' for an unnumbered clause. */
	number: string;
	/** The clause text as written (the content is the pre-segmented folded text). */
	text: string;
}

/** A record as the browser reads it: Pagefind's fragment data, or the server's copy of its fields. */
export interface SearchRecord {
	url: string;
	meta: Record<string, string>;
	filters: Record<string, string[]>;
}

/** The fold table for queries, beside the Pagefind bundle. */
export const foldTableFile = 'zhidu-fold.json';

/**
 * A word of each Pagefind index chunk, beside the bundle: the browser searches for them all in idle time after the
 * first search (Pagefind's `preload`), so later queries never wait for a chunk to arrive.
 */
export const indexChunksFile = 'zhidu-chunks.json';

/** What `indexChunksFile` holds. */
export interface IndexChunkProbes {
	words: string[];
	/**
	 * Pagefind words on many records (at least 1 % of them), with how many: a query's first page is searched
	 * for without them where its terms have rarer words (engine.ts, `firstPageWords`).
	 */
	frequent?: Record<string, number>;
}

/** Separates chapter and section in the title. */
export const headingSeparator = ' › ';

/** Pagefind filters on every record (returned with each result, never searched as text). */
export interface ClauseFilters {
	/**
	 * `policy@version` of each version holding the clause as it is (one record for identical versions): states
	 * are looked up at query time (GET /api/v1/search/states). The record's URL is the first version's page.
	 */
	version: string[];
}
