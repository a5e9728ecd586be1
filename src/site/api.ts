/** What the build-time JSON endpoints share: the loaded content, quizzes and training paths, as the pages see them. */
import { resolve } from 'node:path';
import { loadQuizzes } from '../lib/quiz/loader.ts';
import { loadTrainingPathsOrThrow, trainingDirFor } from '../lib/training/loader.ts';
import { config, sitePolicies } from './model.ts';

export const json = (body: unknown) =>
	new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8' } });

export const loadedPolicies = () => sitePolicies().map((p) => p.loaded);

export function loadedQuizzes() {
	const { quizzes, errors } = loadQuizzes(resolve(config.quizzesDir), loadedPolicies());
	if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
	return quizzes;
}

export function loadedTrainingPaths() {
	return loadTrainingPathsOrThrow({
		dir: trainingDirFor(resolve(config.contentDir)),
		policies: loadedPolicies(),
		today: config.today,
	});
}
