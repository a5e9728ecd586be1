/**
 * The one catalog: policies, versions, quizzes (answer keys included: they
 * stay on the server) and training paths, read from the content folders. The
 * build (pages' getStaticPaths, the JSON API, the search index), the server's
 * on-demand routes and the CLI all read it through here. It is loaded once
 * and memoised; `reloadCatalog()` reads the files again (after publishing).
 *
 * Nothing here knows "today": states come from `timeline(policy, day)`, and
 * on-demand routes pass `companyToday()`, so a version takes effect at the
 * company's midnight without a rebuild or a restart.
 */
import { resolve } from 'node:path';
import { companyToday, type CalendarDate } from '../calendar.ts';
import { readBuildConfig, type BuildConfig } from '../config.ts';
import { walkClauses, type Chapter } from '../content/clause-tree.ts';
import { ContentErrors } from '../content/errors.ts';
import { compareVersions, loadContentOrThrow, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { loadQuizzes } from '../quiz/loader.ts';
import type { Quiz } from '../quiz/schema.ts';
import { loadTrainingPathsOrThrow, trainingDirFor, type TrainingPath } from '../training/loader.ts';
import { chapterUrl } from '../urls.ts';
import { resolveVersions, reviewDue, type VersionState } from '../versions.ts';

export interface Catalog {
	policies: LoadedPolicy[];
	quizzes: Quiz[];
	config: BuildConfig;
	/** The company's time zone (ZHIDU_TIMEZONE). */
	timeZone: string;
	/** Absolute folders the catalog was read from. */
	contentDir: string;
	quizzesDir: string;
}

export interface CatalogSource {
	config?: BuildConfig;
	/** Paths are resolved against this, and messages are relative to it (default: the current directory). */
	root?: string;
}

/** Reads and validates every policy and quiz bank; throws every problem at once (ContentErrors). */
export function loadCatalog(source: CatalogSource = {}): Catalog {
	const config = source.config ?? readBuildConfig();
	const root = source.root ?? process.cwd();
	const contentDir = resolve(root, config.contentDir);
	const quizzesDir = resolve(root, config.quizzesDir);
	const policies = loadContentOrThrow({ policiesDir: contentDir, root });
	const { quizzes, errors } = loadQuizzes(quizzesDir, policies, root);
	if (errors.length) throw new ContentErrors(errors);
	return { policies, quizzes, config, timeZone: config.timeZone, contentDir, quizzesDir };
}

/**
 * One per process, on globalThis: during `astro build` the content config,
 * the prerendered pages (a separate bundle of this module) and the Pagefind
 * integration run in one process and share one load of the content.
 */
const shared = ((globalThis as { [key: symbol]: unknown })[Symbol.for('zhidu.catalog')] ??= {
	cache: undefined,
	generation: 0,
}) as { cache: Catalog | undefined; generation: number };

/** The process's catalog, loaded on first use. */
export function catalog(): Catalog {
	return (shared.cache ??= loadCatalog());
}

/** Reads the content again (e.g. after publishing); the next requests see it. */
export function reloadCatalog(source: CatalogSource = {}): Catalog {
	const fresh = loadCatalog(source);
	shared.cache = fresh;
	shared.generation++;
	return fresh;
}

/** Changes whenever the catalog is reloaded: a key for memoising what is derived from it. */
export const catalogGeneration = () => shared.generation;

export function policyOf(id: string, from: Catalog = catalog()): LoadedPolicy | undefined {
	return from.policies.find((p) => p.id === id);
}

export function findQuiz(id: string, from: Catalog = catalog()): Quiz | undefined {
	return from.quizzes.find((q) => q.id === id);
}

export interface TimelineVersion {
	number: string;
	loaded: LoadedVersion;
	state: VersionState;
	supersededOn?: string;
}

/** A policy as of one calendar day: each shown version with its state. */
export interface Timeline {
	id: string;
	day: CalendarDate;
	loaded: LoadedPolicy;
	meta: LoadedPolicy['meta'];
	/** Versions shown (drafts and in-review only when previewing), oldest first. */
	versions: TimelineVersion[];
	inForce: TimelineVersion | undefined;
	/** Approved versions not yet in force, soonest first. */
	scheduled: TimelineVersion[];
	reviewDue: string | undefined;
}

/** Every version of a policy with its state on `day`. */
export function timeline(policy: LoadedPolicy, day: CalendarDate, options: { preview?: boolean } = {}): Timeline {
	const resolved = resolveVersions(
		policy.versions.map((v) => ({ ...v.meta, loaded: v })),
		day,
	);
	const versions: TimelineVersion[] = resolved
		.filter((r) => options.preview || r.version.status === 'approved')
		.map((r) => ({
			number: r.version.version,
			loaded: r.version.loaded,
			state: r.state,
			...(r.supersededOn ? { supersededOn: r.supersededOn } : {}),
		}));
	const inForce = versions.find((v) => v.state === 'in-force');
	return {
		id: policy.id,
		day,
		loaded: policy,
		meta: policy.meta,
		versions,
		inForce,
		scheduled: versions
			.filter((v) => v.state === 'scheduled')
			.sort((a, b) => (a.loaded.meta.effective ?? '').localeCompare(b.loaded.meta.effective ?? '')),
		reviewDue: reviewDue(inForce?.loaded.meta.effective, policy.meta.reviewCycleMonths),
	};
}

const timelineCache = new Map<string, Timeline[]>();
/** Every policy's timeline on `day` (default: today in the company), memoised per day and catalog. */
export function timelines(day: CalendarDate = companyToday(), from: Catalog = catalog()): Timeline[] {
	const key = `${shared.generation}:${day}:${from.config.preview}`;
	let found = from === shared.cache ? timelineCache.get(key) : undefined;
	if (!found) {
		found = from.policies.map((p) => timeline(p, day, { preview: from.config.preview }));
		if (from === shared.cache) {
			if (timelineCache.size > 8) timelineCache.clear();
			timelineCache.set(key, found);
		}
	}
	return found;
}

/** The version a reader should go to: in force, else the next scheduled, else the latest shown. */
export function readingVersion(policy: Timeline): TimelineVersion | undefined {
	return policy.inForce ?? policy.scheduled[0] ?? policy.versions.at(-1);
}

/** Approved versions that had taken effect by `day`, in the order they took effect (cached per policy and day: reports ask per person). */
const inForceCache = new WeakMap<LoadedPolicy, Map<CalendarDate, LoadedVersion[]>>();
export function versionsInForceBy(policy: LoadedPolicy, day: CalendarDate): LoadedVersion[] {
	let byDay = inForceCache.get(policy);
	if (!byDay) inForceCache.set(policy, (byDay = new Map()));
	const cached = byDay.get(day);
	if (cached) return cached;
	const versions = resolveVersions(
		policy.versions.map((v) => ({ ...v.meta, loaded: v })),
		day,
	)
		.filter((r) => r.state === 'in-force' || r.state === 'superseded')
		.map((r) => r.version.loaded)
		.sort(
			(a, b) =>
				(a.meta.effective ?? '').localeCompare(b.meta.effective ?? '') ||
				compareVersions(a.meta.version, b.meta.version),
		);
	byDay.set(day, versions);
	return versions;
}

/** The approved version in force on `day`, if any has taken effect. */
export function versionInForceOn(policy: LoadedPolicy, day: CalendarDate): LoadedVersion | undefined {
	return versionsInForceBy(policy, day).at(-1);
}

const trainingCache = new Map<string, TrainingPath[]>();
/** Training paths, their read steps resolved to the version in force on `day`. */
export function trainingPaths(day: CalendarDate = companyToday(), from: Catalog = catalog()): TrainingPath[] {
	const key = `${shared.generation}:${day}`;
	let found = from === shared.cache ? trainingCache.get(key) : undefined;
	if (!found) {
		found = loadTrainingPathsOrThrow({
			dir: trainingDirFor(from.contentDir),
			quizzesDir: from.quizzesDir,
			policies: from.policies,
			today: day,
		});
		if (from === shared.cache) {
			if (trainingCache.size > 8) trainingCache.clear();
			trainingCache.set(key, found);
		}
	}
	return found;
}

/** The chapter holding a clause (or section) id in a version, if any. */
export function chapterContaining(version: LoadedVersion, id: string): Chapter | undefined {
	const holds = (clauses: Chapter['clauses']): boolean => clauses.some((c) => c.id === id || holds(c.items));
	return version.chapters
		.map((c) => c.chapter)
		.find(
			(chapter) =>
				chapter.id === id || holds(chapter.clauses) || chapter.sections.some((s) => s.id === id || holds(s.clauses)),
		);
}

/** What a version's readers and records look up by clause id, computed once per loaded version. */
export interface VersionTables {
	/** Clause id → its chapter's id. */
	chapterOf: Map<string, string>;
	/** Clause id → how a reader finds it: displayed numbers and title, e.g. `三、(一) 2. 調研計劃`. */
	labels: Map<string, string>;
}

const versionTableCache = new WeakMap<LoadedVersion, VersionTables>();

/**
 * The tables of a version, made on first use and kept with the loaded version
 * (a reload of the catalog loads new versions, so nothing goes stale): one walk
 * of the version instead of one per cited clause.
 */
export function versionTables(version: LoadedVersion): VersionTables {
	let tables = versionTableCache.get(version);
	if (tables) return tables;
	const chapterOf = new Map<string, string>();
	const labels = new Map<string, string>();
	for (const { chapter } of version.chapters) {
		const parents = new Map<string, string | undefined>();
		for (const { clause, section, parent } of walkClauses(chapter)) {
			parents.set(clause.id, parent?.id);
			chapterOf.set(clause.id, chapter.id);
			const numbers: string[] = [];
			for (let id: string | undefined = clause.id; id; id = parents.get(id)) {
				const number = version.numbers.clauses.get(id);
				if (number) numbers.unshift(number);
			}
			const heading = `${version.numbers.chapters.get(chapter.id) ?? ''}${section ? (version.numbers.sections.get(section.id) ?? '') : ''}`;
			const title = clause.title ?? section?.title ?? chapter.title;
			// The first clause with an id names it (ids are unique in a version; the loader refuses duplicates).
			if (!labels.has(clause.id)) labels.set(clause.id, [heading, numbers.join(''), title].filter(Boolean).join(' '));
		}
	}
	tables = { chapterOf, labels };
	versionTableCache.set(version, tables);
	return tables;
}

/** Clause id → its chapter, in a version. */
export function chapterLookup(version: LoadedVersion): (clauseId: string) => string | undefined {
	const { chapterOf } = versionTables(version);
	return (id) => chapterOf.get(id);
}

/**
 * Where `/policies/<p>/clauses/<id>/` goes on `day`: the clause (or section) in
 * the version a reader should read, or, for one since removed, in the latest
 * version that has it.
 */
export function clauseTarget(policy: Timeline, id: string): string | undefined {
	const reading = readingVersion(policy);
	const order = [...(reading ? [reading] : []), ...[...policy.versions].reverse().filter((v) => v !== reading)];
	for (const version of order) {
		const chapter = chapterContaining(version.loaded, id);
		if (chapter) return `${chapterUrl(policy.id, version.number, chapter.id)}#${id}`;
	}
	return undefined;
}
