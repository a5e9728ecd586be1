/** GET /api/v1/attempts/:id: the attempt (its owner or HR); once graded, what its record says. */
import type { APIRoute } from 'astro';
import { getAttempt } from '#lib/quiz/attempts.ts';
import { loadProgress } from '#lib/quiz/progress.ts';
import { currentAttempt } from '#server/attempt-deadlines.ts';
import { handle, HttpError, jsonResponse, zhidu } from '#server/api.ts';
import { attemptJson } from '#server/attempt-view.ts';
import { findQuiz } from '#server/catalog.ts';
import { attemptReader } from '#server/attempt-access.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		const { store } = zhidu(locals);
		const attempt = await getAttempt(store, params.id ?? '');
		if (!attempt) throw new HttpError(404, `no attempt ${params.id}`);
		attemptReader(locals, attempt.personId);
		const current = await currentAttempt(store, attempt);
		const progress = current.grade ? undefined : await loadProgress(store, current.id);
		return jsonResponse(200, { attempt: attemptJson(current, findQuiz(attempt.quizId), progress) });
	});
