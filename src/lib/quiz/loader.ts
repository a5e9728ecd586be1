/**
 * Reads `quizzes/*.yaml`, validates them against the schema and against the
 * content: every cited clause must exist in every covered version of the
 * policy. Problems name the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { walkClauses } from '../content/clause-tree.ts';
import { ContentError, contentErrorsFromZod } from '../content/errors.ts';
import { cachedYaml } from '../content/content-cache.ts';
import { parseYaml } from '../content/yaml.ts';
import type { LoadedPolicy } from '../content/loader.ts';
import { quizSchema, type Quiz } from './schema.ts';

export interface QuizLoadResult {
	quizzes: Quiz[];
	errors: ContentError[];
}

export function loadQuizzes(dir: string, policies: readonly LoadedPolicy[], root = process.cwd()): QuizLoadResult {
	const quizzes: Quiz[] = [];
	const errors: ContentError[] = [];
	if (!existsSync(dir)) return { quizzes, errors };
	for (const name of readdirSync(dir).sort()) {
		if (!/\.ya?ml$/.test(name)) continue;
		const file = join(dir, name);
		const display = relative(root, file) || file;
		const id = name.replace(/\.ya?ml$/, '');
		let data: unknown;
		try {
			data = cachedYaml(readFileSync(file, 'utf8'), parseYaml);
		} catch (error) {
			errors.push(new ContentError(display, '(yaml)', (error as Error).message.split('\n')[0]!));
			continue;
		}
		const parsed = quizSchema.safeParse(data);
		if (!parsed.success) {
			errors.push(...contentErrorsFromZod(display, parsed.error));
			continue;
		}
		const quiz: Quiz = { ...parsed.data, id };
		const policy = policies.find((p) => p.id === quiz.policy);
		if (!policy) {
			errors.push(new ContentError(display, 'policy', `no policy "${quiz.policy}"`));
			continue;
		}
		quiz.questions.forEach((q, i) => {
			if (q.reviewedFor && !policy.versions.some((v) => v.meta.version === q.reviewedFor))
				errors.push(
					new ContentError(
						display,
						`questions.${i}.reviewedFor`,
						`${q.id}: ${quiz.policy} has no version ${q.reviewedFor} (it has ${policy.versions.map((v) => v.meta.version).join(', ')})`,
					),
				);
		});
		for (const version of quiz.versions) {
			const loaded = policy.versions.find((v) => v.meta.version === version);
			if (!loaded) {
				errors.push(new ContentError(display, 'versions', `${quiz.policy} has no version ${version}`));
				continue;
			}
			const ids = new Set(
				loaded.chapters.flatMap(({ chapter }) => [...walkClauses(chapter)].map(({ clause }) => clause.id)),
			);
			const chapters = new Set(loaded.chapters.map(({ chapter }) => chapter.id));
			quiz.questions.forEach((q, i) =>
				q.cites.forEach((clause, k) => {
					if (!ids.has(clause)) {
						errors.push(
							new ContentError(
								display,
								`questions.${i}.cites.${k}`,
								`${q.id} cites ${clause}, which is not a clause of ${quiz.policy} ${version}`,
							),
						);
					}
				}),
			);
			for (const chapter of Object.keys(quiz.perChapter ?? {})) {
				if (!chapters.has(chapter))
					errors.push(new ContentError(display, `perChapter.${chapter}`, `not a chapter of ${quiz.policy} ${version}`));
			}
		}
		quizzes.push(quiz);
	}
	return { quizzes, errors };
}
