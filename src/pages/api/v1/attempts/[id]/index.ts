/** GET /api/v1/attempts/:id: the attempt (its owner or HR); feedback only once graded. */
import type { APIRoute } from 'astro';
import { getAttempt } from '../../../../../lib/quiz/attempts.ts';
import { handle, HttpError, jsonResponse, zhidu } from '../../../../../server/api.ts';
import { attemptJson } from '../../../../../server/attempt-view.ts';
import { findQuiz } from '../../../../../server/catalog.ts';
import { attemptReader } from '../../../../../server/attempt-access.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		const { store } = zhidu(locals);
		const stub = await getAttempt(store, undefined, params.id ?? '');
		if (!stub) throw new HttpError(404, `no attempt ${params.id}`);
		attemptReader(locals, stub.personId);
		const quiz = findQuiz(stub.quizId);
		if (!quiz) throw new HttpError(410, `quiz ${stub.quizId} no longer exists`);
		return jsonResponse(200, { attempt: attemptJson(quiz, (await getAttempt(store, quiz, stub.id))!) });
	});
