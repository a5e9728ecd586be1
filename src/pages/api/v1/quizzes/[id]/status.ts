/** GET /api/v1/quizzes/:id/status: the signed-in person's state for a quiz (open attempt, last result, pass, cool-down). */
import type { APIRoute } from 'astro';
import { quizStatus } from '../../../../../lib/quiz/attempts.ts';
import { handle, HttpError, jsonResponse, signedInPerson, zhidu } from '../../../../../server/api.ts';
import { findQuiz } from '../../../../../server/catalog.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const quiz = findQuiz(params.id ?? '');
		if (!quiz) throw new HttpError(404, `no quiz "${params.id}"`);
		return jsonResponse(200, { quiz: quiz.id, ...(await quizStatus(zhidu(locals).store, quiz, person.id)) });
	});
