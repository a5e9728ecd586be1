/**
 * The search index of loaded content: built with the site (written to
 * dist/search-index.json by the build, next to client/ and server/, so it is
 * never served as a file) and loaded by the server and the CLI. The file
 * records a fingerprint of the content it was built from; a reader whose
 * content differs builds the index afresh in memory instead.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LoadedPolicy } from '../content/loader.ts';
import { chapterUrl } from '../urls.ts';
import { resolveVersions, type DatedVersion, type VersionState } from '../versions.ts';
import {
	SearchIndex,
	searchIndexFormat,
	unpackSearchIndex,
	type IndexableVersion,
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
	const hash = createHash('sha256').update(`${searchIndexFormat}\n${options.includeUnapproved ? 'preview' : ''}\n`);
	const walk = (dir: string) => {
		const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
		for (const entry of entries) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else {
				const { size, mtimeMs } = statSync(path);
				hash.update(`${relative(policiesDir, path)}\0${size}\0${Math.trunc(mtimeMs)}\n`);
			}
		}
	};
	walk(policiesDir);
	return hash.digest('base64url');
}

/** Where the build writes the index: beside client/ and server/ in the dist folder. */
export const searchIndexPath = (distDir: string) => join(distDir, 'search-index.json');

/**
 * The persisted index if it was built from this content, else one built now
 * (in memory) from the policies given.
 */
export async function loadSearchIndex(
	file: string,
	policiesDir: string,
	policies: () => readonly LoadedPolicy[] | Promise<readonly LoadedPolicy[]>,
	options: { includeUnapproved?: boolean } = {},
): Promise<SearchIndex> {
	const fingerprint = contentFingerprint(policiesDir, options);
	const stored = readIndexFile(file);
	if (stored?.format === searchIndexFormat && stored.fingerprint === fingerprint)
		return new SearchIndex(unpackSearchIndex(stored as SearchIndexFile));
	// Only now the indexing code (opencc's dictionaries) and the content.
	const { buildSearchIndex } = await import('./build-index.ts');
	return new SearchIndex(buildSearchIndex(await policies(), fingerprint, options));
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
