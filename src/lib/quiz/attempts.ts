/**
 * Attempts on the server: start (draw and record), submit (grade exactly
 * once: the grade's primary key is the attempt id, so a second submission
 * inserts nothing, on SQLite and PostgreSQL alike), read back.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Store } from '../store/database.ts';
import { personActor, recordAudit } from '../auth/audit.ts';
import {
	drawQuestions,
	gradeAttempt,
	presentQuestions,
	type Answers,
	type DrawnQuestion,
	type Grade,
	type PresentedQuestion,
} from './engine.ts';
import type { Quiz } from './schema.ts';

/** Submissions this late after the deadline still count (network, a slow click). */
const GRACE_MS = 30_000;

export interface AttemptRecord {
	id: string;
	personId: string;
	quizId: string;
	policyId: string;
	policyVersion: string;
	startedAt: string;
	deadlineAt: string | null;
	drawn: DrawnQuestion[];
	grade: (GradeRecord & { result: Grade }) | undefined;
}

export interface GradeRecord {
	gradedAt: string;
	score: number;
	passed: boolean;
	late: boolean;
	answers: Answers;
}

export type StartResult =
	| { ok: true; attempt: AttemptRecord; resumed: boolean; questions: PresentedQuestion[] }
	| { ok: false; reason: 'cooldown'; until: string }
	| { ok: false; reason: 'no-attempts-left' };

export async function getAttempt(store: Store, quiz: Quiz | undefined, id: string): Promise<AttemptRecord | undefined> {
	const row = await store.db.selectFrom('attempts').selectAll().where('id', '=', id).executeTakeFirst();
	if (!row) return undefined;
	const grade = await store.db.selectFrom('attempt_grades').selectAll().where('attempt_id', '=', id).executeTakeFirst();
	const drawn = JSON.parse(row.questions) as DrawnQuestion[];
	const answers = grade ? (JSON.parse(grade.answers) as Answers) : {};
	return {
		id: row.id,
		personId: row.person_id,
		quizId: row.quiz_id,
		policyId: row.policy_id,
		policyVersion: row.policy_version,
		startedAt: row.started_at,
		deadlineAt: row.deadline_at,
		drawn,
		grade:
			grade && quiz
				? {
						gradedAt: grade.graded_at,
						score: Number(grade.score),
						passed: Number(grade.passed) === 1,
						late: Number(grade.late) === 1,
						answers,
						result: gradeAttempt(quiz, drawn, Number(grade.late) === 1 ? {} : answers),
					}
				: undefined,
	};
}

async function attemptsOf(store: Store, personId: string, quizId: string) {
	return store.db
		.selectFrom('attempts')
		.leftJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select([
			'attempts.id',
			'attempts.started_at',
			'attempts.deadline_at',
			'attempt_grades.graded_at',
			'attempt_grades.passed',
		])
		.where('attempts.person_id', '=', personId)
		.where('attempts.quiz_id', '=', quizId)
		.orderBy('attempts.started_at', 'desc')
		.execute();
}

export interface QuizStatus {
	openAttempt: string | undefined;
	lastGraded: { id: string; gradedAt: string; passed: boolean } | undefined;
	lastPass: { id: string; gradedAt: string } | undefined;
	cooldownUntil: string | undefined;
}

export async function quizStatus(store: Store, quiz: Quiz, personId: string, now = new Date()): Promise<QuizStatus> {
	const rows = await attemptsOf(store, personId, quiz.id);
	const open = rows.find(
		(r) => !r.graded_at && (!r.deadline_at || new Date(r.deadline_at).getTime() + GRACE_MS > now.getTime()),
	);
	const graded = rows.filter((r) => r.graded_at).sort((a, b) => b.graded_at!.localeCompare(a.graded_at!));
	const last = graded[0];
	const pass = graded.find((r) => Number(r.passed) === 1);
	const cooldownUntil =
		last && Number(last.passed) !== 1 && quiz.cooldownMinutes > 0
			? new Date(new Date(last.graded_at!).getTime() + quiz.cooldownMinutes * 60_000).toISOString()
			: undefined;
	return {
		openAttempt: open?.id,
		lastGraded: last ? { id: last.id, gradedAt: last.graded_at!, passed: Number(last.passed) === 1 } : undefined,
		lastPass: pass ? { id: pass.id, gradedAt: pass.graded_at! } : undefined,
		cooldownUntil: cooldownUntil && cooldownUntil > now.toISOString() ? cooldownUntil : undefined,
	};
}

export async function startAttempt(
	store: Store,
	quiz: Quiz,
	personId: string,
	policyVersion: string,
	chapterOf: (clauseId: string) => string | undefined,
	now = new Date(),
): Promise<StartResult> {
	const status = await quizStatus(store, quiz, personId, now);
	if (status.openAttempt) {
		const attempt = (await getAttempt(store, quiz, status.openAttempt))!;
		return { ok: true, attempt, resumed: true, questions: presentQuestions(quiz, attempt.drawn) };
	}
	if (status.cooldownUntil) return { ok: false, reason: 'cooldown', until: status.cooldownUntil };
	if (quiz.attemptsAllowed) {
		const rows = await attemptsOf(store, personId, quiz.id);
		const sinceLastPass = rows.filter(
			(r) => r.graded_at && (!status.lastPass || r.graded_at > status.lastPass.gradedAt),
		);
		if (sinceLastPass.length >= quiz.attemptsAllowed && !status.lastPass)
			return { ok: false, reason: 'no-attempts-left' };
	}
	const seed = randomInt(0, 2 ** 31);
	const drawn = drawQuestions(quiz, seed, chapterOf);
	const id = randomUUID();
	const startedAt = now.toISOString();
	const deadlineAt = quiz.timeLimitMinutes
		? new Date(now.getTime() + quiz.timeLimitMinutes * 60_000).toISOString()
		: null;
	// The attempt and its audit entry commit together.
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('attempts')
			.values({
				id,
				person_id: personId,
				quiz_id: quiz.id,
				policy_id: quiz.policy,
				policy_version: policyVersion,
				seed,
				questions: JSON.stringify(drawn),
				started_at: startedAt,
				deadline_at: deadlineAt,
			})
			.execute();
		await recordAudit(tx, {
			event: 'attempt.started',
			actor: personActor(personId),
			subject: id,
			detail: { quiz: quiz.id, policy: quiz.policy, version: policyVersion },
		});
	});
	const attempt = (await getAttempt(store, quiz, id))!;
	return { ok: true, attempt, resumed: false, questions: presentQuestions(quiz, drawn) };
}

export type SubmitResult =
	{ ok: true; attempt: AttemptRecord } | { ok: false; reason: 'already-graded'; attempt: AttemptRecord };

/** Grades once. After the time limit the answers do not count (graded late, with none). */
export async function submitAttempt(
	store: Store,
	quiz: Quiz,
	attempt: AttemptRecord,
	answers: Answers,
	now = new Date(),
): Promise<SubmitResult> {
	const late = attempt.deadlineAt !== null && now.getTime() > new Date(attempt.deadlineAt).getTime() + GRACE_MS;
	const known = new Set(attempt.drawn.map((d) => d.id));
	const kept: Answers = Object.fromEntries(Object.entries(answers).filter(([id]) => known.has(id)));
	const grade = gradeAttempt(quiz, attempt.drawn, late ? {} : kept);
	// The grade and its audit entry commit together; a second grading writes neither.
	const result = await store.db.transaction().execute(async (tx) => {
		const inserted = await tx
			.insertInto('attempt_grades')
			.values({
				attempt_id: attempt.id,
				graded_at: now.toISOString(),
				answers: JSON.stringify(kept),
				correct: grade.correct,
				total: grade.total,
				score: grade.score,
				passed: grade.passed ? 1 : 0,
				late: late ? 1 : 0,
			})
			.onConflict((oc) => oc.column('attempt_id').doNothing())
			.returning('attempt_id')
			.executeTakeFirst();
		if (inserted)
			await recordAudit(tx, {
				event: 'attempt.graded',
				actor: personActor(attempt.personId),
				subject: attempt.id,
				detail: { quiz: quiz.id, score: grade.score, passed: grade.passed, late },
			});
		return inserted;
	});
	const graded = (await getAttempt(store, quiz, attempt.id))!;
	return result ? { ok: true, attempt: graded } : { ok: false, reason: 'already-graded', attempt: graded };
}
