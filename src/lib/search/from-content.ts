/**
 * The search index of loaded content: built with the site (written to
 * dist/search-index.json and dist/search-documents.ndjson by the build, next
 * to client/ and server/, so they are never served as files) and loaded by
 * the server and the CLI. The index records a fingerprint of the content it
 * was built from; a reader whose content differs builds the index afresh in
 * memory instead.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LoadedPolicy } from '../content/loader.ts';
import { chapterUrl } from '../urls.ts';
import { resolveVersions, type DatedVersion, type VersionState } from '../versions.ts';
import {
	chunksOfText,
	packSearchIndex,
	SearchIndex,
	searchIndexFormat,
	type ChunkReader,
	type ClauseChunk,
	type ContentStamp,
	type IndexableVersion,
	type SearchIndexData,
	type SearchIndexFile,
	type StateOf,
} from './clause-index.ts';

export function indexableVersions(
	policies: readonly LoadedPolicy[],
	options: { includeUnapproved?: boolean } = {},
): IndexableVersion[] {
	return policies.flatMap((policy) =>
		policy.versions
			.filter((v) => options.includeUnapproved || v.meta.status === 'approved')
			.map((v) => ({
				policyId: policy.id,
				policyTitle: policy.meta.title,
				version: v.meta.version,
				chapters: v.chapters.map((c) => c.chapter),
				numbers: v.numbers,
				chapterUrl: (chapterId: string) => chapterUrl(policy.id, v.meta.version, chapterId),
			})),
	);
}

/**
 * Every file under the content folder, its path, size and modification time:
 * what the index depends on (stat only, so checking costs milliseconds; a
 * checkout that touches files only makes a reader build in memory).
 */
export function contentFingerprint(policiesDir: string, options: { includeUnapproved?: boolean } = {}): string {
	return contentState(policiesDir, options).fingerprint;
}

/**
 * The fingerprint, and the stamp written with the index: each folder's time
 * and each file's size and time, so that a reader checks the content with one
 * stat per entry instead of listing every folder (listing 150 folders costs
 * more than 1,400 stats). It is as strict as the fingerprint: adding,
 * removing or renaming a file changes its folder's time, editing one its own.
 */
export function contentState(
	policiesDir: string,
	options: { includeUnapproved?: boolean } = {},
): { fingerprint: string; stamp: ContentStamp } {
	const hash = createHash('sha256').update(`${searchIndexFormat}\n${options.includeUnapproved ? 'preview' : ''}\n`);
	const stamp: ContentStamp = { preview: options.includeUnapproved ?? false, dirs: [], files: [] };
	const walk = (dir: string) => {
		stamp.dirs.push([relative(policiesDir, dir), Math.trunc(statSync(dir).mtimeMs)]);
		const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
		for (const entry of entries) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else {
				const { size, mtimeMs } = statSync(path);
				const name = relative(policiesDir, path);
				hash.update(`${name}\0${size}\0${Math.trunc(mtimeMs)}\n`);
				stamp.files.push([name, size, Math.trunc(mtimeMs)]);
			}
		}
	};
	walk(policiesDir);
	return { fingerprint: hash.digest('base64url'), stamp };
}

/** Whether the content is as stamped (nothing added, removed or changed since); false on any doubt. */
function stampHolds(policiesDir: string, stamp: ContentStamp | undefined, preview: boolean): boolean {
	if (!stamp || stamp.preview !== preview) return false;
	try {
		for (const [name, mtime] of stamp.dirs)
			if (Math.trunc(statSync(join(policiesDir, name)).mtimeMs) !== mtime) return false;
		for (const [name, size, mtime] of stamp.files) {
			const now = statSync(join(policiesDir, name));
			if (now.size !== size || Math.trunc(now.mtimeMs) !== mtime) return false;
		}
		return true;
	} catch {
		return false;
	}
}

/** Where the build writes the index: beside client/ and server/ in the dist folder. */
export const searchIndexPath = (distDir: string) => join(distDir, 'search-index.json');
/** The clauses of the index, read for the hits shown (see SearchIndexFile). */
export const searchDocumentsPath = (distDir: string) => join(distDir, 'search-documents.ndjson');

/** Writes both files of the index (the build). */
export function writeSearchIndex(distDir: string, data: SearchIndexData, stamp: ContentStamp): void {
	const { index, documents } = packSearchIndex(data, (lines) =>
		createHash('sha256').update(lines.join('\n')).digest('base64url'),
	);
	// The documents first: a reader that sees the new index finds its documents (a reader of the old index refuses
	// the new documents by their id and builds in memory).
	writeFileSync(searchDocumentsPath(distDir), documents);
	writeFileSync(searchIndexPath(distDir), JSON.stringify({ ...index, stamp } satisfies SearchIndexFile));
}

/**
 * The persisted index if it was built from this content, else one built now
 * (in memory) from the policies given. `lazy`: the clauses are read from disk
 * when a hit shows them (a process that answers one query: the CLI); else all
 * are read now (the server, which must not mix two builds' files later).
 */
export async function loadSearchIndex(
	distDir: string,
	policiesDir: string,
	policies: () => readonly LoadedPolicy[] | Promise<readonly LoadedPolicy[]>,
	options: { includeUnapproved?: boolean; lazy?: boolean } = {},
): Promise<SearchIndex> {
	const stored = readIndexFile(searchIndexPath(distDir));
	// The stamp's stats when it holds (the usual case); else the whole folder listed.
	const fingerprint = stampHolds(policiesDir, stored?.stamp, options.includeUnapproved ?? false)
		? stored?.fingerprint
		: contentFingerprint(policiesDir, options);
	if (stored?.format === searchIndexFormat && stored.fingerprint === fingerprint) {
		const file = stored as SearchIndexFile;
		const readChunk = options.lazy ? chunksOnDisk(distDir, file) : chunksInFile(distDir, file);
		if (readChunk) return SearchIndex.fromFile(file, readChunk);
	}
	// Only now the indexing code (opencc's dictionaries) and the content.
	const { buildSearchIndex } = await import('./build-index.ts');
	return new SearchIndex(
		buildSearchIndex(await policies(), fingerprint ?? contentFingerprint(policiesDir, options), options),
	);
}

/** The persisted index as written, every clause read (tests, tools); undefined when there is none. */
export function readSearchIndex(distDir: string): { file: SearchIndexFile; readChunk: ChunkReader } | undefined {
	const file = readIndexFile(searchIndexPath(distDir)) as SearchIndexFile | undefined;
	const readChunk = file && chunksInFile(distDir, file);
	return file && readChunk ? { file, readChunk } : undefined;
}

/** The documents file read whole; undefined when it is missing or belongs to another index file. */
function chunksInFile(distDir: string, file: SearchIndexFile): ChunkReader | undefined {
	try {
		return chunksOfText(file, readFileSync(searchDocumentsPath(distDir), 'utf8'));
	} catch {
		return undefined;
	}
}

/** The documents file read a line at a time; its first line checked now. */
function chunksOnDisk(distDir: string, file: SearchIndexFile): ChunkReader | undefined {
	const path = searchDocumentsPath(distDir);
	const read = (start: number, end: number) => {
		const buffer = Buffer.alloc(end - start);
		const fd = openSync(path, 'r');
		try {
			readSync(fd, buffer, 0, buffer.length, start);
		} finally {
			closeSync(fd);
		}
		return buffer.toString('utf8');
	};
	try {
		const header = JSON.parse(read(0, file.chunks[0]?.[0] ?? 0)) as { documentsId?: string };
		if (header.documentsId !== file.documentsId) return undefined;
	} catch {
		return undefined;
	}
	return (k) => {
		const [start, end] = file.chunks[k] ?? [0, 0];
		return JSON.parse(read(start, end)) as ClauseChunk;
	};
}

/** The persisted index, or undefined when there is none (not built, or another format: rebuilt in memory then). */
function readIndexFile(file: string): Partial<SearchIndexFile> | undefined {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
	return JSON.parse(text) as Partial<SearchIndexFile>;
}

/** Each version's state on `today`, keyed `policy@version`. */
export function versionStates(
	versions: readonly (DatedVersion & { policyId: string })[],
	today: string,
): Map<string, VersionState> {
	const byPolicy = Map.groupBy(versions, (v) => v.policyId);
	const states = new Map<string, VersionState>();
	for (const [policyId, list] of byPolicy)
		for (const r of resolveVersions(list, today)) states.set(`${policyId}@${r.version.version}`, r.state);
	return states;
}

export const stateLookup =
	(states: ReadonlyMap<string, VersionState>): StateOf =>
	(policyId, version) =>
		states.get(`${policyId}@${version}`);
