/** POST /api/v1/attempts { quiz }: start (or resume) an attempt; the server draws and records the questions. */
import type { APIRoute } from 'astro';
import { startAttemptBody } from '../../../../lib/api/route-schemas.ts';
import { startAttempt } from '../../../../lib/quiz/attempts.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '../../../../server/api.ts';
import { attemptJson } from '../../../../server/attempt-view.ts';
import { chapterLookup, findQuiz, versionInForceOf } from '../../../../server/catalog.ts';

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
		const result = await startAttempt(
			zhidu(locals).store,
			quiz,
			person.id,
			version.meta.version,
			chapterLookup(version),
		);
		if (!result.ok) {
			return result.reason === 'cooldown'
				? jsonResponse(
						429,
						{ error: 'wait before the next attempt', retryAt: result.until },
						{ 'retry-after': String(Math.ceil((new Date(result.until).getTime() - Date.now()) / 1000)) },
					)
				: jsonResponse(403, { error: 'no attempts left; ask HR' });
		}
		return jsonResponse(result.resumed ? 200 : 201, {
			attempt: attemptJson(quiz, result.attempt),
			resumed: result.resumed,
		});
	});
