/**
 * The hot API routes (starting and submitting an attempt, acknowledging a
 * version; the version states and records a browser search reads at each
 * keystroke), written once and served two ways: by the Astro endpoints under
 * src/pages/api/v1/ (`astro dev`, and the same files in the build), and by
 * the plain Node handler (src/server/plain-routes.ts), which answers them
 * under `npm start` without Astro's request and response conversions. Each
 * takes what a request says (locals, path parameters, body) and returns a
 * JsonAnswer; validation, access checks and audit entries are all inside.
 */
import type { APIRoute } from 'astro';
import {
	acknowledgeBody,
	searchRecordsParams,
	searchStatesResponse,
	startAttemptBody,
	submitAttemptBody,
} from '../lib/api/route-schemas.ts';
import { now } from '../lib/calendar.ts';
import { getAttempt, startAttempt, submitAttempt } from '../lib/quiz/attempts.ts';
import { loadProgress } from '../lib/quiz/progress.ts';
import { acknowledgeAsPerson, acknowledgementJson } from './acknowledging.ts';
import {
	answer,
	handleAnswer,
	HttpError,
	parseJson,
	signedInPerson,
	toResponse,
	zhidu,
	type JsonAnswer,
} from './api.ts';
import { attemptJson, citeIn } from './attempt-view.ts';
import { catalog, chapterLookup, findQuiz, versionInForceOf } from './catalog.ts';
import { retryMessage } from './quiz-limits.ts';
import { searchRecordsAnswer, versionStatesNow } from './search.ts';
import { parseQuery } from './tracking-view.ts';

/** What a route is given of a request. */
export interface ApiCall {
	locals: App.Locals;
	params: Record<string, string | undefined>;
	/** The request's URL (its query parameters). */
	url: URL;
	contentType: string | null | undefined;
	/** The request body (already read within the body limit by the outer layer). */
	body: () => Promise<Uint8Array>;
}

export type ApiRoute = (call: ApiCall) => Promise<JsonAnswer>;

/** The Astro endpoint for a route. */
export const astroRoute =
	(route: ApiRoute): APIRoute =>
	async ({ params, request, locals, url }) =>
		toResponse(
			await route({
				locals,
				params,
				url,
				contentType: request.headers.get('content-type'),
				body: async () => new Uint8Array(await request.arrayBuffer()),
			}),
		);

/** POST /api/v1/attempts { quiz }: start (or resume) an attempt; the server draws and records the questions. */
export const startAttemptRoute: ApiRoute = (call) =>
	handleAnswer(async () => {
		const person = signedInPerson(call.locals);
		const { quiz: quizId } = parseJson(call.contentType, await call.body(), startAttemptBody);
		const quiz = findQuiz(quizId);
		if (!quiz) throw new HttpError(404, `no quiz "${quizId}"`, { quiz: 'unknown quiz' });
		const version = versionInForceOf(quiz.policy);
		if (!version) throw new HttpError(409, `${quiz.policy} has no version in force`);
		const at = now();
		const { store } = zhidu(call.locals);
		const result = await startAttempt(store, quiz, person.id, version.meta.version, chapterLookup(version), at, {
			timeZone: catalog().timeZone,
			cite: citeIn(quiz.policy, version.meta.version),
		});
		if (!result.ok) {
			if (result.reason === 'no-attempts-left') return answer(403, { error: 'no attempts left; ask HR' });
			return answer(
				429,
				{ error: retryMessage(quiz, result.reason, result.until), reason: result.reason, retryAt: result.until },
				{ 'retry-after': String(Math.max(1, Math.ceil((new Date(result.until).getTime() - at.getTime()) / 1000))) },
			);
		}
		// A new attempt has nothing saved yet.
		const progress = result.resumed
			? await loadProgress(store, result.attempt.id)
			: { answers: {}, flagged: [], savedAt: undefined };
		return answer(result.resumed ? 200 : 201, {
			attempt: attemptJson(result.attempt, quiz, progress),
			resumed: result.resumed,
		});
	});

/** POST /api/v1/attempts/:id/submit { answers }: graded exactly once; a second submission gets 409 and the first grade. */
export const submitAttemptRoute: ApiRoute = (call) =>
	handleAnswer(async () => {
		const person = signedInPerson(call.locals);
		const { store } = zhidu(call.locals);
		const { answers } = parseJson(call.contentType, await call.body(), submitAttemptBody);
		const id = call.params['id'];
		const attempt = await getAttempt(store, id ?? '');
		if (!attempt || attempt.personId !== person.id) throw new HttpError(404, `no attempt ${id} of yours`);
		const quiz = findQuiz(attempt.quizId);
		if (attempt.grade)
			return answer(409, { error: 'this attempt was already graded', attempt: attemptJson(attempt, quiz) });
		if (!quiz) throw new HttpError(410, `quiz ${attempt.quizId} no longer exists`);
		const result = await submitAttempt(
			store,
			quiz,
			attempt,
			answers,
			now(),
			citeIn(attempt.policyId, attempt.policyVersion),
		);
		if (!result.ok)
			return answer(409, { error: 'this attempt was already graded', attempt: attemptJson(result.attempt, quiz) });
		return answer(200, { attempt: attemptJson(result.attempt, quiz) });
	});

/** POST /api/v1/acknowledgements { policy, version?, password? } (see the route file for what it records). */
export const acknowledgeRoute: ApiRoute = (call) =>
	handleAnswer(async () => {
		const person = signedInPerson(call.locals);
		const input = parseJson(call.contentType, await call.body(), acknowledgeBody);
		// Acknowledging the same text again (even concurrently) changes nothing: answer with the record already made.
		const { record, created, signature } = await acknowledgeAsPerson(zhidu(call.locals), person.id, input);
		return answer(created ? 201 : 200, { acknowledgement: acknowledgementJson(record, signature), created });
	});

/** GET /api/v1/search/states: each version's state today (policy@version → state), what a browser search filters by. */
export const searchStatesRoute: ApiRoute = () =>
	handleAnswer(async () => {
		const { asOf, states } = versionStatesNow();
		return answer(200, searchStatesResponse.parse({ asOf, states: Object.fromEntries(states) }));
	});

/** GET /api/v1/search/records?ids=a,b,…: the Pagefind records of a page of browser search results, in one request. */
export const searchRecordsRoute: ApiRoute = (call) =>
	handleAnswer(async () => {
		const { ids } = parseQuery(call.url, searchRecordsParams);
		return answer(200, searchRecordsAnswer(zhidu(call.locals).clientDir, ids));
	});
