/** GET /api/v1/quizzes/:id/status: the signed-in person's state for a quiz (open attempt, last result, pass, when to retry). */
import type { APIRoute } from 'astro';
import { now } from '#lib/calendar.ts';
import { quizStatus } from '#lib/quiz/attempts.ts';
import { handle, HttpError, jsonResponse, signedInPerson, zhidu } from '#server/api.ts';
import { catalog, findQuiz } from '#server/catalog.ts';
import { companyTime } from '#server/quiz-limits.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const quiz = findQuiz(params.id ?? '');
		if (!quiz) throw new HttpError(404, `no quiz "${params.id}"`);
		const status = await quizStatus(zhidu(locals).store, quiz, person.id, now(), catalog().timeZone);
		return jsonResponse(200, {
			quiz: quiz.id,
			...status,
			...(status.retryAt ? { retryAtText: companyTime(status.retryAt) } : {}),
		});
	});
