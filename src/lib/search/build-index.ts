/** Building the search index from loaded content (the build, and readers whose content changed). */
import type { LoadedPolicy } from '../content/loader.ts';
import { clauseDocuments, searchedText, type SearchIndexData } from './clause-index.ts';
import { foldTableFor, fullFoldTable } from './fold-table.ts';
import { indexableVersions } from './from-content.ts';
import { compact } from './tokenizer.ts';

export function buildSearchIndex(
	policies: readonly LoadedPolicy[],
	fingerprint: string,
	options: { includeUnapproved?: boolean } = {},
): SearchIndexData {
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
	return { fingerprint, fold: foldTableFor(folded), documents, folded, versions };
}
