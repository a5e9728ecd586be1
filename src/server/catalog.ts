/**
 * What the server knows of the content: the policies and the quiz banks
 * (answer keys included: they stay on the server). Loaded once per process
 * from the same files the site was built from.
 */
import { resolve } from 'node:path';
import { walkClauses } from '../lib/content/clause-tree.ts';
import { loadContentOrThrow, type LoadedPolicy, type LoadedVersion } from '../lib/content/loader.ts';
import { ContentErrors } from '../lib/content/errors.ts';
import { readBuildConfig } from '../lib/config.ts';
import { loadQuizzes } from '../lib/quiz/loader.ts';
import type { Quiz } from '../lib/quiz/schema.ts';
import { chapterUrl } from '../lib/urls.ts';
import { companyToday } from '../lib/calendar.ts';
import { versionInForce } from '../lib/versions.ts';

export interface Catalog {
	policies: LoadedPolicy[];
	quizzes: Quiz[];
	timeZone: string;
}

let cache: Catalog | undefined;

export function catalog(): Catalog {
	if (cache) return cache;
	const config = readBuildConfig();
	const policies = loadContentOrThrow({ policiesDir: resolve(config.contentDir) });
	const { quizzes, errors } = loadQuizzes(resolve(config.quizzesDir), policies);
	if (errors.length) throw new ContentErrors(errors);
	cache = { policies, quizzes, timeZone: config.timeZone };
	return cache;
}

/** Today in the company (ZHIDU_TIMEZONE): the one calendar. */
export const today = () => companyToday();

export function findQuiz(id: string): Quiz | undefined {
	return catalog().quizzes.find((q) => q.id === id);
}

export function policyOf(id: string): LoadedPolicy | undefined {
	return catalog().policies.find((p) => p.id === id);
}

/** The policy version in force today (approved versions only). */
export function versionInForceOf(policyId: string): LoadedVersion | undefined {
	const policy = policyOf(policyId);
	if (!policy) return undefined;
	const current = versionInForce(
		policy.versions.map((v) => ({ ...v.meta, loaded: v })),
		today(),
	);
	return current?.loaded;
}

/** Clause id → its chapter, in a version. */
export function chapterLookup(version: LoadedVersion): (clauseId: string) => string | undefined {
	const map = new Map<string, string>();
	for (const { chapter } of version.chapters)
		for (const { clause } of walkClauses(chapter)) map.set(clause.id, chapter.id);
	return (id) => map.get(id);
}

/** The URL of a cited clause in a version (for feedback links). */
export function clauseLink(policyId: string, version: LoadedVersion, clauseId: string): string | undefined {
	const chapter = chapterLookup(version)(clauseId);
	return chapter ? `${chapterUrl(policyId, version.meta.version, chapter)}#${clauseId}` : undefined;
}
