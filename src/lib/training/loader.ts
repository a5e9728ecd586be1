/**
 * Reads `content/training/*.yaml` into validated training paths. Besides the
 * schema, every step must point at something that exists: the policy, its
 * chapters in the version in force on `today` (src/lib/versions.ts), and for
 * a quiz step the file `quizzes/<id>.yaml` (existence only: the question bank
 * is the quiz loader's business). Every problem names the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { companyToday } from '../calendar.ts';
import { readBuildConfig } from '../config.ts';
import { cachedYaml } from '../content/content-cache.ts';
import { ContentError, ContentErrors, contentErrorsFromZod } from '../content/errors.ts';
import { loadContentOrThrow, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { parseYaml } from '../content/yaml.ts';
import { versionInForce } from '../versions.ts';
import { trainingPathId, trainingPathSchema, type TrainingStep } from './schema.ts';

/** A read step resolved against the content: the version in force its links go to. */
export type ResolvedStep = (TrainingStep & { kind: 'quiz' }) | (TrainingStep & { kind: 'read'; version: string });

export interface TrainingPath {
	/** The file name without `.yaml`: the page is /training/<id>/. */
	id: string;
	/** Path relative to the root, for messages. */
	file: string;
	title: string;
	description: string;
	steps: ResolvedStep[];
}

export interface TrainingLoadOptions {
	/** Folder of training paths (default: `content/training`, beside the policies folder). */
	dir?: string;
	/** Folder of certification quizzes (default: ZHIDU_QUIZZES_DIR, `quizzes`). */
	quizzesDir?: string;
	/** Paths in messages are relative to this (default: the current directory). */
	root?: string;
	/** The loaded policies (default: content/policies through the content loader). */
	policies?: readonly LoadedPolicy[];
	/** The calendar date that decides the version in force (default: the company's today). */
	today?: string;
}

export interface TrainingLoadResult {
	paths: TrainingPath[];
	errors: ContentError[];
}

/** The training folder that goes with a policies folder: `content/policies` → `content/training`. */
export const trainingDirFor = (policiesDir: string) => join(dirname(resolve(policiesDir)), 'training');

function inForce(policy: LoadedPolicy, today: string): LoadedVersion | undefined {
	return versionInForce(
		policy.versions.map((v) => ({ ...v.meta, loaded: v })),
		today,
	)?.loaded;
}

/** Reads and checks one training path file. */
export function loadTrainingPath(
	file: string,
	options: TrainingLoadOptions & { policies: readonly LoadedPolicy[]; today: string },
): { path?: TrainingPath; errors: ContentError[] } {
	const root = options.root ?? process.cwd();
	const quizzesDir = options.quizzesDir ?? join(root, 'quizzes');
	const display = relative(root, file) || file;
	const errors: ContentError[] = [];
	const id = file
		.split(/[\\/]/)
		.pop()!
		.replace(/\.ya?ml$/, '');
	const idCheck = trainingPathId.safeParse(id);
	if (!idCheck.success) errors.push(new ContentError(display, '(file name)', idCheck.error.issues[0]!.message));

	let data: unknown;
	try {
		data = cachedYaml(readFileSync(file, 'utf8'), parseYaml);
	} catch (error) {
		errors.push(new ContentError(display, '(yaml)', (error as Error).message.split('\n')[0]!));
		return { errors };
	}
	const parsed = trainingPathSchema.safeParse(data ?? {});
	if (!parsed.success) {
		errors.push(...contentErrorsFromZod(display, parsed.error));
		return { errors };
	}

	const steps: ResolvedStep[] = [];
	parsed.data.steps.forEach((step, index) => {
		const note = step.note !== undefined ? { note: step.note } : {};
		const at = `steps.${index}`;
		if (step.quiz !== undefined) {
			if (!existsSync(join(quizzesDir, `${step.quiz}.yaml`))) {
				const where = relative(root, join(quizzesDir, `${step.quiz}.yaml`));
				errors.push(new ContentError(display, `${at}.quiz`, `no quiz "${step.quiz}" (${where} does not exist)`));
			}
			steps.push({ kind: 'quiz', quiz: step.quiz, ...note });
			return;
		}
		const read = step.read!;
		const policy = options.policies.find((p) => p.id === read.policy);
		if (!policy) {
			const known = options.policies.map((p) => p.id).join(', ') || 'none';
			errors.push(new ContentError(display, `${at}.read.policy`, `unknown policy "${read.policy}" (known: ${known})`));
			return;
		}
		const version = inForce(policy, options.today);
		if (!version) {
			errors.push(
				new ContentError(display, `${at}.read.policy`, `"${read.policy}" has no version in force on ${options.today}`),
			);
			return;
		}
		const chapterIds = new Set(version.chapters.map((c) => c.chapter.id));
		read.chapters.forEach((chapter, i) => {
			if (!chapterIds.has(chapter)) {
				errors.push(
					new ContentError(
						display,
						`${at}.read.chapters.${i}`,
						`"${chapter}" is not a chapter of ${read.policy} ${version.meta.version} (the version in force); it has ${[...chapterIds].join(', ')}`,
					),
				);
			}
		});
		steps.push({ kind: 'read', policy: read.policy, version: version.meta.version, chapters: read.chapters, ...note });
	});
	if (errors.length) return { errors };
	return {
		path: { id, file: display, title: parsed.data.title, description: parsed.data.description, steps },
		errors,
	};
}

function withDefaults(options: TrainingLoadOptions) {
	const root = options.root ?? process.cwd();
	const needed = !options.dir || !options.today || !options.policies || !options.quizzesDir;
	const config = needed ? readBuildConfig() : undefined;
	const policiesDir = config ? resolve(root, config.contentDir) : undefined;
	return {
		...options,
		root,
		dir: options.dir ?? trainingDirFor(policiesDir!),
		quizzesDir: options.quizzesDir ?? resolve(root, config!.quizzesDir),
		today: options.today ?? companyToday(),
		policies: options.policies ?? loadContentOrThrow({ policiesDir: policiesDir!, root }),
	};
}

/** Loads every training path in the folder (none if it does not exist); collects every problem. */
export function loadTrainingPaths(options: TrainingLoadOptions = {}): TrainingLoadResult {
	const resolved = withDefaults(options);
	const paths: TrainingPath[] = [];
	const errors: ContentError[] = [];
	if (!existsSync(resolved.dir)) return { paths, errors };
	for (const name of readdirSync(resolved.dir).sort()) {
		if (!/\.ya?ml$/.test(name)) continue;
		const result = loadTrainingPath(join(resolved.dir, name), resolved);
		errors.push(...result.errors);
		if (result.path) paths.push(result.path);
	}
	return { paths, errors };
}

/** Like loadTrainingPaths, but throws every problem at once; what the build uses. */
export function loadTrainingPathsOrThrow(options: TrainingLoadOptions = {}): TrainingPath[] {
	const { paths, errors } = loadTrainingPaths(options);
	if (errors.length) throw new ContentErrors(errors);
	return paths;
}
