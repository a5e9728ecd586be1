/**
 * PUT /api/v1/attempts/:id/answers/:question { answer, flagged }: saves one
 * answer (and its review flag) of the person's open attempt as they go: a
 * draft the attempt resumes from and, when the time runs out, is graded on.
 * After the deadline nothing is taken: 409 with the attempt as graded.
 */
import type { APIRoute } from 'astro';
import { saveAnswerBody } from '#lib/api/route-schemas.ts';
import { now } from '#lib/calendar.ts';
import { expired, getAttempt, presentedQuestions } from '#lib/quiz/attempts.ts';
import { answerProblem, saveProgress } from '#lib/quiz/progress.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '#server/api.ts';
import { currentAttempt } from '#server/attempt-deadlines.ts';
import { attemptJson } from '#server/attempt-view.ts';
import { findQuiz } from '#server/catalog.ts';

export const prerender = false;

export const PUT: APIRoute = ({ params, request, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { store } = zhidu(locals);
		const { answer, flagged } = await readJson(request, saveAnswerBody);
		const found = await getAttempt(store, params.id ?? '');
		if (!found || found.personId !== person.id) throw new HttpError(404, `no attempt ${params.id} of yours`);
		const at = now();
		const quiz = findQuiz(found.quizId);
		const attempt = await currentAttempt(store, found, at);
		const closed = () =>
			jsonResponse(409, {
				error: attempt.grade?.late
					? 'the time is up: the attempt was graded on the answers saved'
					: 'this attempt was already graded',
				attempt: attemptJson(attempt, quiz),
			});
		if (attempt.grade || expired(attempt.deadlineAt, at)) return closed();
		const question = presentedQuestions(attempt, quiz).find((q) => q.id === params.question);
		if (!question) throw new HttpError(404, `no question ${params.question} in this attempt`);
		const problem = answerProblem(question, answer);
		if (problem) throw new HttpError(400, 'invalid answer', { answer: problem });
		if (!(await saveProgress(store, attempt, question.id, answer, flagged, at))) return closed();
		return jsonResponse(200, { saved: true, savedAt: at.toISOString() });
	});
