/** What the JSON endpoints share: the catalog's content, quizzes and training paths, as the pages see them. */
import { companyToday } from '../lib/calendar.ts';
import { catalog, trainingPaths } from '../lib/catalog/index.ts';

export const json = (body: unknown) =>
	new Response(JSON.stringify(body), {
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
	});

export const loadedPolicies = () => catalog().policies;

export const loadedQuizzes = () => catalog().quizzes;

/** Training paths as of today (their read steps go to the version in force). */
export const loadedTrainingPaths = (day: string = companyToday()) => trainingPaths(day);
