/** POST /api/v1/attempts/:id/submit { answers }: graded exactly once; a second submission gets 409 and the first grade. */
import type { APIRoute } from 'astro';
import { submitAttemptBody } from '#lib/api/route-schemas.ts';
import { now } from '#lib/calendar.ts';
import { getAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '#server/api.ts';
import { attemptJson, citeIn } from '#server/attempt-view.ts';
import { findQuiz } from '#server/catalog.ts';

export const prerender = false;

const body = submitAttemptBody;

export const POST: APIRoute = ({ params, request, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { store } = zhidu(locals);
		const { answers } = await readJson(request, body);
		const attempt = await getAttempt(store, params.id ?? '');
		if (!attempt || attempt.personId !== person.id) throw new HttpError(404, `no attempt ${params.id} of yours`);
		const quiz = findQuiz(attempt.quizId);
		if (attempt.grade)
			return jsonResponse(409, { error: 'this attempt was already graded', attempt: attemptJson(attempt, quiz) });
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
			return jsonResponse(409, {
				error: 'this attempt was already graded',
				attempt: attemptJson(result.attempt, quiz),
			});
		return jsonResponse(200, { attempt: attemptJson(result.attempt, quiz) });
	});
