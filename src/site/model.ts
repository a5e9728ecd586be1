/**
 * What the pages read: the one catalog (src/lib/catalog) with each version's
 * state on a day, and the UI dictionary. Prerendered pages use only what
 * never changes (a version's text); on-demand pages and islands ask for
 * today's timeline on every request. Domain rules live in src/lib; this only
 * puts them together.
 */
import { companyToday } from '../lib/calendar.ts';
import {
	catalog,
	chapterContaining as chapterContainingIn,
	readingVersion,
	reloadCatalog,
	timelines,
	type Timeline,
	type TimelineVersion,
} from '../lib/catalog/index.ts';
import { readBuildConfig } from '../lib/config.ts';
import { formatDateTime } from '../lib/datetime.ts';
import type { Chapter } from '../lib/content/clause-tree.ts';
import { translator } from '../lib/i18n/index.ts';
import type { VersionState } from '../lib/versions.ts';

export const config = readBuildConfig();
export const t = translator(config.uiLanguage);

export type SiteVersion = TimelineVersion;
export type SitePolicy = Timeline;
export { numbered } from '../lib/content/numbering.ts';
export { readingVersion };

/** Every policy as of `day` (default: today in the company). Reloaded on every request in `astro dev` so edits show. */
export function sitePolicies(day: string = companyToday()): SitePolicy[] {
	if (import.meta.env.DEV) reloadCatalog();
	return timelines(day);
}

/** One policy as of `day`, or undefined. */
export function findSitePolicy(id: string, day?: string): SitePolicy | undefined {
	return sitePolicies(day).find((p) => p.id === id);
}

export function sitePolicy(id: string, day?: string): SitePolicy {
	const policy = findSitePolicy(id, day);
	if (!policy) throw new Error(`unknown policy "${id}"`);
	return policy;
}

/** The pages addressed by version (its contents, its print page): every version of every policy. */
export function versionPaths() {
	return sitePolicies().flatMap((policy) =>
		policy.versions.map((version) => ({
			params: { policy: policy.id, version: version.number },
			props: { policyId: policy.id, versionNumber: version.number },
		})),
	);
}

/** The policy and the version a page of `versionPaths` is for. */
export function siteVersionOf(props: { policyId: string; versionNumber: string }): {
	policy: SitePolicy;
	version: SiteVersion;
} {
	const policy = sitePolicy(props.policyId);
	return { policy, version: policy.versions.find((v) => v.number === props.versionNumber)! };
}

export const chaptersOf = (version: SiteVersion): Chapter[] => version.loaded.chapters.map((c) => c.chapter);

/** The chapter holding a clause (or section) id in a version, if any. */
export const chapterContaining = (version: SiteVersion, id: string): Chapter | undefined =>
	chapterContainingIn(version.loaded, id);

export const stateLabel = (state: VersionState) => t(`state_${state.replace('-', '_')}` as Parameters<typeof t>[0]);

export function approvalText(version: SiteVersion | undefined): string {
	const approval = version?.loaded.meta.approval;
	if (!approval) return t('notStated');
	// Signed approvals show each signature's manifestation (§11.50): printed name, date and time, meaning.
	if (approval.signatures?.length)
		return approval.signatures
			.map((s) =>
				t('signatureManifestation', {
					name: s.name,
					dateTime: formatDateTime(s.signedAt, config.uiLanguage, s.timeZone),
					zone: s.timeZone,
					meaning: s.meaning,
				}),
			)
			.join('；');
	const text = t('approvalEvidence', { by: approval.by, on: approval.on, meaning: approval.meaning });
	return approval.unsigned ? `${text}${t('approvalUnsigned')}` : text;
}

/** The language of a page listing several policies: theirs if they agree, else the UI language. */
export function commonLanguage(policies: readonly SitePolicy[]): string {
	const languages = new Set(policies.map((p) => p.meta.language));
	return languages.size === 1 ? [...languages][0]! : config.uiLanguage;
}

/** What a quiz page may show: never questions, answers or explanations. */
export interface SiteQuiz {
	id: string;
	title: string;
	policyId: string;
	questionsPerAttempt: number;
	bankSize: number;
	passMark: number;
	timeLimitMinutes: number | undefined;
	cooldownMinutes: number;
	maxAttemptsPerDay: number;
	validityMonths: number;
}

/** Quiz metadata from the catalog (the answer keys never reach a page). */
export function siteQuizzes(): SiteQuiz[] {
	return catalog().quizzes.map((q) => ({
		id: q.id,
		title: q.title,
		policyId: q.policy,
		questionsPerAttempt: q.questionsPerAttempt,
		bankSize: q.questions.length,
		passMark: q.passMark,
		timeLimitMinutes: q.timeLimitMinutes,
		cooldownMinutes: q.cooldownMinutes,
		maxAttemptsPerDay: q.maxAttemptsPerDay,
		validityMonths: q.validityMonths,
	}));
}
