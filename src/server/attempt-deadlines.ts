/**
 * The server's deadline is the authority: open attempts whose time is up are
 * graded on what was saved, by a sweep every few seconds and whenever one is
 * looked at, so nothing depends on the person's page still being open.
 */
import { now } from '../lib/calendar.ts';
import { closeExpiredAttempts, expired, getAttempt, submitAttempt, type AttemptRecord } from '../lib/quiz/attempts.ts';
import type { Store } from '../lib/store/database.ts';
import { citeIn } from './attempt-view.ts';
import { findQuiz } from './catalog.ts';

const citeOf = (attempt: AttemptRecord) => citeIn(attempt.policyId, attempt.policyVersion);

/** Grades every open attempt whose time is up. */
export function sweepExpiredAttempts(store: Store, at = now()): Promise<string[]> {
	return closeExpiredAttempts(store, findQuiz, citeOf, at);
}

/** The attempt as it stands now: graded first if its time ran out unsubmitted. */
export async function currentAttempt(store: Store, attempt: AttemptRecord, at = now()): Promise<AttemptRecord> {
	if (attempt.grade || !expired(attempt.deadlineAt, at)) return attempt;
	const quiz = findQuiz(attempt.quizId);
	if (!quiz) return attempt;
	await submitAttempt(store, quiz, attempt, {}, at, citeOf(attempt));
	return (await getAttempt(store, attempt.id))!;
}

/** Runs the sweep now and every `everyMs` until stopped; errors are logged, never fatal. */
export function startDeadlineSweep(store: Store, everyMs = 15_000): () => void {
	let running = false;
	const sweep = () => {
		if (running) return;
		running = true;
		sweepExpiredAttempts(store)
			.catch((error: unknown) => console.error('zhidu: closing expired attempts:', error))
			.finally(() => (running = false));
	};
	// At start too: attempts whose time ran out while the server was down are graded now.
	sweep();
	const timer = setInterval(sweep, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
