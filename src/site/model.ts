/**
 * What the pages read: the validated policies (through the same loader as the
 * build's content collection), each version's state on the build date, and
 * the UI dictionary. Domain rules live in src/lib; this only puts them together.
 */
import { resolve } from 'node:path';
import { readBuildConfig } from '../lib/config.ts';
import type { Chapter } from '../lib/content/clause-tree.ts';
import { loadContentOrThrow, type LoadedPolicy, type LoadedVersion } from '../lib/content/loader.ts';
import { translator } from '../lib/i18n/index.ts';
import { loadQuizzes } from '../lib/quiz/loader.ts';
import { resolveVersions, reviewDue, type VersionState } from '../lib/versions.ts';

export const config = readBuildConfig();
export const t = translator(config.uiLanguage);

export interface SiteVersion {
	number: string;
	loaded: LoadedVersion;
	state: VersionState;
	supersededOn?: string;
}

export interface SitePolicy {
	id: string;
	loaded: LoadedPolicy;
	meta: LoadedPolicy['meta'];
	/** Versions the site shows (drafts and in-review only when previewing), oldest first. */
	versions: SiteVersion[];
	inForce: SiteVersion | undefined;
	/** Approved versions not yet in force, soonest first. */
	scheduled: SiteVersion[];
	reviewDue: string | undefined;
}

function build(): SitePolicy[] {
	const loaded = loadContentOrThrow({ policiesDir: resolve(config.contentDir), root: process.cwd() });
	return loaded.map((policy) => {
		const resolved = resolveVersions(
			policy.versions.map((v) => ({ ...v.meta, loaded: v })),
			config.today,
		);
		const versions: SiteVersion[] = resolved
			.filter((r) => config.preview || r.version.status === 'approved')
			.map((r) => ({
				number: r.version.version,
				loaded: r.version.loaded,
				state: r.state,
				...(r.supersededOn ? { supersededOn: r.supersededOn } : {}),
			}));
		const inForce = versions.find((v) => v.state === 'in-force');
		return {
			id: policy.id,
			loaded: policy,
			meta: policy.meta,
			versions,
			inForce,
			scheduled: versions
				.filter((v) => v.state === 'scheduled')
				.sort((a, b) => (a.loaded.meta.effective ?? '').localeCompare(b.loaded.meta.effective ?? '')),
			reviewDue: reviewDue(inForce?.loaded.meta.effective, policy.meta.reviewCycleMonths),
		};
	});
}

let cache: SitePolicy[] | undefined;
/** Loaded once per build; reloaded on every request in `astro dev` so edits show. */
export function sitePolicies(): SitePolicy[] {
	if (import.meta.env.DEV || !cache) cache = build();
	return cache;
}

export function sitePolicy(id: string): SitePolicy {
	const policy = sitePolicies().find((p) => p.id === id);
	if (!policy) throw new Error(`unknown policy "${id}"`);
	return policy;
}

/** The version a reader should go to: in force, else the next scheduled, else the latest shown. */
export function readingVersion(policy: SitePolicy): SiteVersion | undefined {
	return policy.inForce ?? policy.scheduled[0] ?? policy.versions.at(-1);
}

export const chaptersOf = (version: SiteVersion): Chapter[] => version.loaded.chapters.map((c) => c.chapter);

/** The chapter holding a clause (or section) id in a version, if any. */
export function chapterContaining(version: SiteVersion, id: string): Chapter | undefined {
	const holds = (clauses: Chapter['clauses']): boolean => clauses.some((c) => c.id === id || holds(c.items));
	return chaptersOf(version).find(
		(chapter) =>
			chapter.id === id || holds(chapter.clauses) || chapter.sections.some((s) => s.id === id || holds(s.clauses)),
	);
}

/** `一、總則` / `第一章 總則` / `1. Purpose`: displayed number and title. */
export function numbered(number: string | undefined, title: string): string {
	if (!number) return title;
	return /[、)）]$/.test(number) ? `${number}${title}` : `${number} ${title}`;
}

export const stateLabel = (state: VersionState) => t(`state_${state.replace('-', '_')}` as Parameters<typeof t>[0]);

export function approvalText(version: SiteVersion | undefined): string {
	const approval = version?.loaded.meta.approval;
	return approval
		? t('approvalEvidence', { by: approval.by, on: approval.on, meaning: approval.meaning })
		: t('notStated');
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

let quizCache: SiteQuiz[] | undefined;
export function siteQuizzes(): SiteQuiz[] {
	if (quizCache && !import.meta.env.DEV) return quizCache;
	const { quizzes, errors } = loadQuizzes(
		resolve(config.quizzesDir),
		sitePolicies().map((p) => p.loaded),
	);
	if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
	quizCache = quizzes.map((q) => ({
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
	return quizCache;
}
