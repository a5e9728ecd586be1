/**
 * The persisted search index (dist/search-index.json and
 * search-documents.ndjson) and the Pagefind records, built from the
 * repository's content: the compact files read back as the index they were
 * made from and are much smaller than the documents as objects; a search
 * reads only the clauses it shows and answers as the index in memory does; a
 * clause the same in two versions is one Pagefind record listing both, a
 * changed clause one record per version.
 */
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { buildSearchIndex } from '#lib/search/build-index.ts';
import {
	chunksOfText,
	clauseChunkSize,
	packSearchIndex,
	SearchIndex,
	unpackSearchIndex,
	type SearchIndexFile,
} from '#lib/search/clause-index.ts';
import { stateLookup, versionStates } from '#lib/search/from-content.ts';
import { searchHitJson } from '#lib/search/hit-json.ts';
import { searchHitSchema } from '#lib/api/route-schemas.ts';
import { clauseRecords } from '../../src/integrations/pagefind.ts';

const data = buildSearchIndex(loadContentOrThrow(), 'test');
const packed = packSearchIndex(data, (lines) => `id-${lines.length}`);
/** Both files as written and read back. */
const file = JSON.parse(JSON.stringify(packed.index)) as SearchIndexFile;
const readChunk = chunksOfText(file, packed.documents);

describe('the persisted index', () => {
	it('reads back as the index it was packed from', () => {
		expect(unpackSearchIndex(file, readChunk)).toEqual(data);
	});

	it('stores what clauses share once: under half the size of the documents as objects', () => {
		expect(JSON.stringify(packed.index).length + packed.documents.length).toBeLessThan(JSON.stringify(data).length / 2);
	});

	it('refuses a file of another format, and documents written with another index', () => {
		expect(() => unpackSearchIndex({ ...file, format: 'zhidu-search-2' as never }, readChunk)).toThrow(
			/unknown search index format "zhidu-search-2"/,
		);
		expect(() => chunksOfText({ ...file, documentsId: 'another' }, packed.documents)).toThrow(
			/not written with the index file/,
		);
	});

	it('a search reads only the clauses it shows, and answers as the index in memory does', () => {
		const read: number[] = [];
		const lazy = SearchIndex.fromFile(file, (k) => (read.push(k), readChunk(k)));
		const inMemory = new SearchIndex(data);
		const stateOf = stateLookup(versionStates(data.versions, '2026-11-22'));
		expect(data.documents.length).toBeGreaterThan(3 * clauseChunkSize);
		for (const [query, options] of [
			['客戶反饋', { limit: 3 }],
			['流程', { limit: 5, offset: 4, states: ['in-force', 'superseded'] as const }],
			['運營經理 火星', {}],
		] as const) {
			read.length = 0;
			const answer = lazy.search(query, stateOf, options);
			expect(answer).toEqual(inMemory.search(query, stateOf, options));
			expect(new Set(read).size).toBeLessThanOrEqual(answer.hits.length);
		}
	});

	it('a hit as JSON is what the API schema describes (the CLI prints the same)', () => {
		const index = SearchIndex.fromFile(file, readChunk);
		const stateOf = stateLookup(versionStates(index.versions, '2026-11-22'));
		const { hits } = index.search('客戶反饋', stateOf);
		expect(hits.length).toBeGreaterThan(0);
		for (const hit of hits) expect(searchHitSchema.parse(searchHitJson(hit))).toEqual(searchHitJson(hit));
	});
});

describe('Pagefind records', () => {
	const records = clauseRecords(data.documents, data.folded);

	it('one record per clause text: identical versions share it, each version listed once', () => {
		expect(records.length).toBeLessThan(data.documents.length);
		// policy@version and the clause: every clause of every version exactly once.
		const listed = records.flatMap((r) => r.filters!['version']!.map((key) => `${key} ${r.url.split('#')[1]}`));
		expect(listed.sort()).toEqual(data.documents.map((d) => `${d.policyId}@${d.version} ${d.clauseId}`).sort());
		expect(records.some((r) => r.filters!['version']!.length > 1)).toBe(true);
	});

	it('a clause whose text changed between versions has a record per version', () => {
		const byClause = Map.groupBy(data.documents, (d) => `${d.policyId} ${d.clauseId}`);
		const changed = [...byClause.values()].find((docs) => new Set(docs.map((d) => d.text)).size > 1);
		expect(changed).toBeDefined();
		const holding = records.filter((r) => changed!.some((d) => r.url === d.ref));
		expect(holding.length).toBe(changed!.length);
	});
});
