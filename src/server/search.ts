/**
 * Server-side search: the index the build wrote (dist/search-index.json and search-documents.ndjson),
 * loaded once per process and again when the catalog is reloaded (built from
 * the catalog's content when the file is missing or was built from other
 * content), and version states resolved per request.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pagefindBundlePath } from '../client/search/record.ts';
import { searchRecordsResponse } from '../lib/api/route-schemas.ts';
import { readBuildConfig } from '../lib/config.ts';
import type { SearchIndex } from '../lib/search/clause-index.ts';
import { loadSearchIndex, versionStates } from '../lib/search/from-content.ts';
import type { VersionState } from '../lib/versions.ts';
import { catalogGeneration } from '../lib/catalog/index.ts';
import { givingWay, nextTurn } from '../lib/give-way.ts';
import { catalog, today } from './catalog.ts';

let index: Promise<SearchIndex> | undefined;
/** The catalog generation the index was loaded for: a reloaded catalog (content changed) loads it again. */
let loadedFor = -1;

export function serverSearchIndex(): Promise<SearchIndex> {
	if (index && loadedFor === catalogGeneration()) return index;
	loadedFor = catalogGeneration();
	const config = readBuildConfig();
	const distDir = process.env['ZHIDU_DIST_DIR'] ?? join(process.cwd(), 'dist');
	index = loadSearchIndex(distDir, resolve(config.contentDir), () => catalog().policies, {
		includeUnapproved: config.preview,
	});
	index.catch(() => (index = undefined));
	return index;
}

/**
 * Each version's state now, keyed policy@version, from the catalog's content
 * and today's date (one place to switch to a shared timeline later).
 */
export function versionStatesNow(): { asOf: string; states: Map<string, VersionState> } {
	const asOf = today();
	const versions = catalog().policies.flatMap((p) =>
		p.versions.map((v) => ({
			policyId: p.id,
			version: v.meta.version,
			status: v.meta.status,
			effective: v.meta.effective,
		})),
	);
	return { asOf, states: versionStates(versions, asOf) };
}

/** What a browser search result shows of a Pagefind record. */
export interface PagefindRecord {
	url: string;
	meta: Record<string, string>;
	filters: Record<string, string[]>;
}

const signature = 'pagefind_dcd';

/**
 * Pagefind records (fragment files) of the served build by id; null for an id
 * with no file. A fragment is gzip holding a signature and the JSON (or the
 * signature and the JSON as is), as Pagefind's own reader takes it.
 */
/** The records read so far, of one build (a publication swaps the build, and the records with it). */
let recordCache: { clientDir: string; records: Map<string, PagefindRecord> } | undefined;
/** A bound on what the cache holds (about 6,000 records at 1,000 chapters, a few hundred bytes each). */
const recordCacheLimit = 50_000;

export function pagefindRecords(clientDir: string, ids: readonly string[]): Record<string, PagefindRecord | null> {
	if (recordCache?.clientDir !== clientDir || recordCache.records.size > recordCacheLimit) {
		recordCache = { clientDir, records: new Map() };
		void readAllRecords(recordCache);
	}
	const { records } = recordCache;
	const out: Record<string, PagefindRecord | null> = {};
	for (const id of ids) {
		// Only records found are kept: ids that name no record (mistyped or made up) cannot fill the cache.
		let record = records.get(id) ?? null;
		if (!record) {
			record = readRecord(clientDir, id);
			if (record) records.set(id, record);
		}
		out[id] = record;
	}
	return out;
}

/**
 * Once someone searches, the build's other records are read too, in slices that give way to requests: a
 * query's records are then answered from memory (a record read from disk, unzipped and parsed costs about
 * 0.2 ms, 20 a page). About 6,000 records at 1,000 chapters, a few MB.
 */
async function readAllRecords(cache: NonNullable<typeof recordCache>): Promise<void> {
	let files: string[];
	try {
		files = readdirSync(join(cache.clientDir, pagefindBundlePath, 'fragment'));
	} catch {
		return;
	}
	// After the request that started it; and half the bound at most, so the cache never fills by itself.
	await nextTurn();
	const giveWay = givingWay();
	for (const file of files) {
		// A publication swapped the build: its records are read by their own cache.
		if (recordCache !== cache || cache.records.size >= recordCacheLimit / 2) return;
		if (giveWay.due()) await giveWay.turn();
		const id = file.replace(/\.pf_fragment$/, '');
		if (id === file || cache.records.has(id)) continue;
		const record = readRecord(cache.clientDir, id);
		if (record) cache.records.set(id, record);
	}
}

/** Where a page of browser search records is asked for: GET (plain-routes.ts) and the socket (search-socket.ts). */
export const searchRecordsPath = /^\/api\/v1\/search\/records\/?$/;

/** The answer to a request for records, `ids` as `searchRecordsParams` checked them (comma-separated), one way or the other. */
export const searchRecordsAnswer = (clientDir: string, ids: string) =>
	searchRecordsResponse.parse({ records: pagefindRecords(clientDir, ids.split(',')) });

function readRecord(clientDir: string, id: string): PagefindRecord | null {
	// Ids are checked by the route (letters, digits, _ and -): never a path of their own.
	const file = join(clientDir, pagefindBundlePath, 'fragment', `${id}.pf_fragment`);
	let bytes: Buffer;
	try {
		bytes = readFileSync(file);
	} catch {
		return null;
	}
	if (bytes.subarray(0, signature.length).toString() !== signature) bytes = gunzipSync(bytes);
	const fragment = JSON.parse(bytes.subarray(signature.length).toString('utf8')) as PagefindRecord;
	return { url: fragment.url, meta: fragment.meta, filters: fragment.filters };
}
