/** Building the search index file from loaded content (the build, and readers whose content changed). */
import type { LoadedPolicy } from '../content/loader.ts';
import { clauseDocuments, searchedText, searchIndexFormat, type SearchIndexFile } from './clause-index.ts';
import { foldTableFor, fullFoldTable } from './fold-table.ts';
import { indexableVersions } from './from-content.ts';
import { compact } from './tokenizer.ts';

export function buildSearchIndexFile(
	policies: readonly LoadedPolicy[],
	fingerprint: string,
	options: { includeUnapproved?: boolean } = {},
): SearchIndexFile {
	const documents = clauseDocuments(indexableVersions(policies, options));
	const full = fullFoldTable();
	const folded = documents.map((d) => compact(searchedText(d), full));
	const versions = policies.flatMap((p) =>
		p.versions.map((v) => ({
			policyId: p.id,
			version: v.meta.version,
			status: v.meta.status,
			effective: v.meta.effective,
		})),
	);
	return { format: searchIndexFormat, fingerprint, fold: foldTableFor(folded), documents, folded, versions };
}
