/**
 * Site search, written by the `astro:build:done` hook from the same clause
 * documents:
 * - dist/search-index.json and dist/search-documents.ndjson: the server-side
 *   index (src/lib/search), which GET /api/v1/search and `zhidu search` load;
 *   beside client/, never served as files.
 * - client/pagefind/: a Pagefind index (Node API, version pinned in
 *   package.json) of one custom record per clause. Its content is the clause
 *   pre-segmented by our tokenizer (folded bigrams spelled in letters, and words, see
 *   src/lib/search/tokenizer.ts), so Pagefind's own matching applies our
 *   terms; the meta holds what a result shows (the clause text as written,
 *   its number, the headings); one filter holds `policy@version` (the
 *   policy is its prefix; never the version state: that comes from the server at
 *   query time).
 * - client/pagefind/zhidu-fold.json: the fold table the browser converts
 *   queries with; zhidu-chunks.json: a word of each index chunk, which the
 *   browser searches for in idle time to load them all, and the words on many
 *   records (left out of a first page's search where a term has rarer ones).
 *
 * Indexing errors fail the build.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import { readBuildConfig } from '../lib/config.ts';
import { catalog } from '../lib/catalog/index.ts';
import { numbered } from '../lib/content/numbering.ts';
import type { ClauseDocument } from '../lib/search/clause-index.ts';
import { buildSearchIndex } from '../lib/search/build-index.ts';
import { contentState, searchIndexPath, writeSearchIndex } from '../lib/search/from-content.ts';
import { bundleIndexChunks, chunkProbes } from '../lib/search/pagefind-chunks.ts';
import { indexTokens, pagefindWord } from '../lib/search/tokenizer.ts';
import {
	foldTableFile,
	headingSeparator,
	indexChunksFile,
	type IndexChunkProbes,
	pagefindBundlePath,
	type ClauseFilters,
	type ClauseMeta,
} from '../client/search/record.ts';

/**
 * The records' language. The content is pre-segmented: a language without a
 * stemmer or a segmenter of its own keeps Pagefind from cutting our tokens
 * again, so its matching is exactly our tokens (words are still found by prefix).
 */
export const indexLanguage = 'und';

/**
 * One record per clause text: a clause the same in several versions (same
 * chapter, number, headings and text) is one record whose filter lists each
 * of those versions; the browser makes a result per version searched. A
 * third fewer records at 1,000 chapters: less metadata and filter data for
 * the first search to fetch, fewer duplicates to rank.
 */
export function clauseRecords(docs: readonly ClauseDocument[], folded: readonly string[]): pagefind.CustomRecord[] {
	const groups = new Map<string, number[]>();
	docs.forEach((d, i) => {
		const key = [
			d.policyId,
			d.chapterId,
			d.clauseId,
			d.number,
			d.chapterNumber,
			d.chapterTitle,
			d.sectionNumber,
			d.sectionTitle,
			d.text,
		].join('\u0000');
		groups.set(key, [...(groups.get(key) ?? []), i]);
	});
	// In clause order (chapter and clause, then version, then policy): Pagefind numbers records in the order added,
	// and the postings of clauses that read alike then sit together and compress better (the index chunks are less
	// than half the size on the bench corpus, whose policies share text).
	const place = (i: number) => {
		const d = docs[i]!;
		return [d.chapterId, d.clauseId, d.version, d.policyId].join('\u0000');
	};
	const ordered = [...groups.values()].sort((a, b) => (place(a[0]!) < place(b[0]!) ? -1 : 1));
	return ordered.map((members) => {
		const doc = docs[members[0]!]!;
		const chapter = numbered(doc.chapterNumber, doc.chapterTitle);
		const section = doc.sectionTitle ? numbered(doc.sectionNumber, doc.sectionTitle) : '';
		const meta: ClauseMeta = {
			title: [chapter, section].filter(Boolean).join(headingSeparator),
			number: doc.number ?? '',
			text: doc.text,
		};
		const filters: ClauseFilters = { version: members.map((i) => `${docs[i]!.policyId}@${docs[i]!.version}`) };
		return {
			// The first version's page; the browser links each result to its own version (record.ts).
			url: doc.ref,
			content: indexTokens(folded[members[0]!]!).map(pagefindWord).join(' '),
			language: indexLanguage,
			meta: { ...meta },
			filters: { ...filters },
		};
	});
}

/** The words Pagefind's browser search looks up: the records' words (Han tokens spelled as one word each). */
export const searchedWords = (records: readonly pagefind.CustomRecord[]): string[] => [
	...new Set(records.flatMap((record) => record.content.split(' '))),
];

/**
 * The words on at least 1 % of the records (and at least 20), with how many records hold each: what the browser
 * leaves out of a first page's search where a term has rarer words (src/client/search/engine.ts).
 */
export function frequentWords(records: readonly pagefind.CustomRecord[]): Record<string, number> {
	const counts = new Map<string, number>();
	for (const record of records)
		for (const word of new Set(record.content.split(' '))) counts.set(word, (counts.get(word) ?? 0) + 1);
	const floor = Math.max(20, Math.ceil(records.length / 100));
	return Object.fromEntries([...counts].filter(([, n]) => n >= floor).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const fail = (what: string, errors: readonly string[]) => {
	if (errors.length) throw new Error(`Pagefind ${what} failed:\n  ${errors.join('\n  ')}`);
};

/**
 * Pagefind's Node API never settles a call when its binary dies (it panics on
 * some I/O errors, e.g. an output path under a file), and with nothing else
 * pending Node would then exit quietly mid-build. A timer keeps the build
 * alive and turns that into an error.
 */
function answered<T>(what: string, call: Promise<T>, seconds: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`Pagefind ${what}: no answer in ${seconds} s (did the pagefind binary exit?)`)),
			seconds * 1000,
		);
	});
	return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/** Builds both clause indexes from content/policies (the build's configuration) and writes them (see the module comment). */
export async function writeClauseIndex(
	outDir: string,
): Promise<{ clauses: number; records: number; outputPath: string; indexFile: string }> {
	const config = readBuildConfig();
	const policiesDir = resolve(config.contentDir);
	// The catalog the build's pages read (one load of the content per build).
	const { policies } = catalog();
	const options = { includeUnapproved: config.preview };
	const content = contentState(policiesDir, options);
	const file = buildSearchIndex(policies, content.fingerprint, options);
	if (file.documents.length === 0) throw new Error('Pagefind: no clauses to index');
	// client/ holds the static site; the server-side index goes beside it.
	const distDir = basename(outDir) === 'client' ? dirname(outDir) : outDir;
	const indexFile = searchIndexPath(distDir);
	writeSearchIndex(distDir, file, content.stamp);
	try {
		const { index, errors } = await answered('createIndex', pagefind.createIndex({}), 60);
		fail('createIndex', errors);
		if (!index) throw new Error('Pagefind createIndex returned no index');
		const records = clauseRecords(file.documents, file.folded);
		for (const record of records) {
			const added = await answered(`indexing ${record.url}`, index.addCustomRecord(record), 60);
			fail(`indexing ${record.url}`, added.errors);
		}
		const outputPath = resolve(outDir, pagefindBundlePath.replace(/^\/|\/$/g, ''));
		// Fails here, with a message, where the binary would panic.
		mkdirSync(outputPath, { recursive: true });
		const written = await answered('writeFiles', index.writeFiles({ outputPath }), 120);
		fail('writeFiles', written.errors);
		writeFileSync(resolve(outputPath, foldTableFile), JSON.stringify(file.fold));
		const probes: IndexChunkProbes = {
			words: chunkProbes(bundleIndexChunks(outputPath), searchedWords(records)),
			frequent: frequentWords(records),
		};
		writeFileSync(resolve(outputPath, indexChunksFile), JSON.stringify(probes));
		return { clauses: file.documents.length, records: records.length, outputPath, indexFile };
	} finally {
		await pagefind.close();
	}
}

export default function pagefindIntegration(): AstroIntegration {
	return {
		name: 'zhidu-pagefind',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const started = performance.now();
				const { clauses, records, outputPath, indexFile } = await writeClauseIndex(fileURLToPath(dir));
				logger.info(
					`indexed ${clauses} clauses (${records} Pagefind records) into ${outputPath} and ${indexFile} in ${Math.round(performance.now() - started)} ms`,
				);
			},
		},
	};
}
