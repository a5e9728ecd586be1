/** The search documents of loaded content, with each version's state on a date. */
import type { LoadedPolicy } from '../content/loader.ts';
import { chapterUrl } from '../urls.ts';
import { resolveVersions } from '../versions.ts';
import { buildSearchIndex, clauseDocuments, type IndexableVersion, type SearchIndexFile } from './clause-index.ts';

export function indexableVersions(
	policies: readonly LoadedPolicy[],
	today: string,
	options: { includeUnapproved?: boolean } = {},
): IndexableVersion[] {
	return policies.flatMap((policy) =>
		resolveVersions(
			policy.versions.map((v) => ({ ...v.meta, loaded: v })),
			today,
		)
			.filter((r) => options.includeUnapproved || r.version.status === 'approved')
			.map((r) => ({
				policyId: policy.id,
				policyTitle: policy.meta.title,
				version: r.version.version,
				state: r.state,
				chapters: r.version.loaded.chapters.map((c) => c.chapter),
				numbers: r.version.loaded.numbers,
				chapterUrl: (chapterId: string) => chapterUrl(policy.id, r.version.version, chapterId),
			})),
	);
}

export function searchIndexOf(
	policies: readonly LoadedPolicy[],
	today: string,
	options: { includeUnapproved?: boolean } = {},
): SearchIndexFile {
	return buildSearchIndex(clauseDocuments(indexableVersions(policies, today, options)), today);
}
