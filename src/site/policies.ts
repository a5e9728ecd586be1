/**
 * Site helpers shared by the pages: the built policies, the version in force
 * and URLs. Content validation lives in src/lib/content; this only reads the
 * `policies` collection it produced.
 */
import { getCollection, type CollectionEntry } from 'astro:content';

export type PolicyEntry = CollectionEntry<'policies'>;
export type VersionData = PolicyEntry['data']['versions'][number];
export type ChapterSummary = VersionData['chapters'][number];

/** Shown where a source document does not state a value. */
export const NOT_STATED = '未載明';

export const DEFAULT_LANG = 'zh-Hant-TW';

export const statusLabels: Record<VersionData['meta']['status'], string> = {
	approved: '已核准',
	'in-review': '審查中',
	draft: '草稿',
};

export async function getPolicies(): Promise<PolicyEntry[]> {
	const policies = await getCollection('policies');
	return policies.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The version in force. For now: the latest approved version (effective dates
 * are not yet compared with today). In preview builds a policy with no approved
 * version falls back to its latest version.
 */
export function versionInForce(policy: PolicyEntry): VersionData | undefined {
	const versions = policy.data.versions;
	return versions.findLast((v) => v.meta.status === 'approved') ?? versions.at(-1);
}

export const policyUrl = (policy: string) => `/policies/${policy}/`;

export const chapterUrl = (policy: string, version: string, chapter: string) =>
	`/policies/${policy}/${version}/${chapter}/`;

/** `一、總則`: the chapter's displayed number followed by its title. */
export function chapterHeading(version: VersionData, chapter: ChapterSummary): string {
	const number = version.numbers.chapters[chapter.id];
	return number ? `${number}${number.endsWith('、') ? '' : ' '}${chapter.title}` : chapter.title;
}

/** The language of a page listing several policies: theirs if they agree, else the default. */
export function commonLanguage(policies: readonly PolicyEntry[]): string {
	const languages = new Set(policies.map((p) => p.data.meta.language));
	return languages.size === 1 ? [...languages][0]! : DEFAULT_LANG;
}
