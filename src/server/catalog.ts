/**
 * What the server's routes know of the content: the one catalog
 * (src/lib/catalog), read at run time from the content folders, never from
 * data baked into the server bundle; and today in the company.
 */
import { companyToday } from '../lib/calendar.ts';
import { policyOf, versionInForceOn } from '../lib/catalog/index.ts';
import type { LoadedVersion } from '../lib/content/loader.ts';
import { chapterUrl } from '../lib/urls.ts';
import { chapterLookup } from '../lib/catalog/index.ts';

export { catalog, chapterLookup, findQuiz, policyOf, reloadCatalog, type Catalog } from '../lib/catalog/index.ts';

export const today = () => companyToday();

/** The policy version in force today (approved versions only). */
export function versionInForceOf(policyId: string): LoadedVersion | undefined {
	const policy = policyOf(policyId);
	return policy ? versionInForceOn(policy, today()) : undefined;
}

/** The URL of a cited clause in a version (for feedback links). */
export function clauseLink(policyId: string, version: LoadedVersion, clauseId: string): string | undefined {
	const chapter = chapterLookup(version)(clauseId);
	return chapter ? `${chapterUrl(policyId, version.meta.version, chapter)}#${clauseId}` : undefined;
}
