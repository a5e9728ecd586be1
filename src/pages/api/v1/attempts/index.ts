/** POST /api/v1/attempts { quiz }: start (or resume) an attempt; the server draws and records the questions. */
import type { APIRoute } from 'astro';
import { startAttemptBody } from '#lib/api/route-schemas.ts';
import { now } from '#lib/calendar.ts';
import { startAttempt } from '#lib/quiz/attempts.ts';
import { loadProgress } from '#lib/quiz/progress.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '#server/api.ts';
import { attemptJson, citeIn } from '#server/attempt-view.ts';
import { catalog, chapterLookup, findQuiz, versionInForceOf } from '#server/catalog.ts';
import { retryMessage } from '#server/quiz-limits.ts';

export const prerender = false;

const body = startAttemptBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { quiz: quizId } = await readJson(request, body);
		const quiz = findQuiz(quizId);
		if (!quiz) throw new HttpError(404, `no quiz "${quizId}"`, { quiz: 'unknown quiz' });
		const version = versionInForceOf(quiz.policy);
		if (!version) throw new HttpError(409, `${quiz.policy} has no version in force`);
		const at = now();
		const result = await startAttempt(
			zhidu(locals).store,
			quiz,
			person.id,
			version.meta.version,
			chapterLookup(version),
			at,
			{
				timeZone: catalog().timeZone,
				cite: citeIn(quiz.policy, version.meta.version),
			},
		);
		if (!result.ok) {
			if (result.reason === 'no-attempts-left') return jsonResponse(403, { error: 'no attempts left; ask HR' });
			return jsonResponse(
				429,
				{ error: retryMessage(quiz, result.reason, result.until), reason: result.reason, retryAt: result.until },
				{ 'retry-after': String(Math.max(1, Math.ceil((new Date(result.until).getTime() - at.getTime()) / 1000))) },
			);
		}
		// A new attempt has nothing saved yet.
		const progress = result.resumed
			? await loadProgress(zhidu(locals).store, result.attempt.id)
			: { answers: {}, flagged: [], savedAt: undefined };
		return jsonResponse(result.resumed ? 200 : 201, {
			attempt: attemptJson(result.attempt, quiz, progress),
			resumed: result.resumed,
		});
	});
