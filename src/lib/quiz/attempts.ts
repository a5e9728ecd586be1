/**
 * Attempts on the server: start (draw, copy the questions as shown, record),
 * submit (grade exactly once: the grade's primary key is the attempt id, so a
 * second submission inserts nothing, on SQLite and PostgreSQL alike), read
 * back. A person has at most one open attempt per quiz: the `open_attempts`
 * primary key says so in the database, so twenty concurrent starts create one.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readNotifyConfig } from '../notify/config.ts';
import { attemptGradedItems } from '../notify/events.ts';
import { enqueue } from '../notify/outbox.ts';
import { companyTimeZone, now as clockNow, todayIn } from '../calendar.ts';
import type { Store } from '../store/database.ts';
import { personActor, recordAudit } from '../auth/audit.ts';
import {
	drawNew,
	gradeQuestions,
	presentQuestions,
	presentSnapshot,
	type Answers,
	type DrawnQuestion,
	type PresentedQuestion,
} from './engine.ts';
import { nextCompanyDay } from './limits.ts';
import {
	buildRecord,
	plainCite,
	takeSnapshot,
	type AttemptSnapshot,
	type Cite,
	type GradedRecord,
	type LegacyRecord,
} from './record.ts';
import type { Quiz } from './schema.ts';
import { loadProgress } from './progress.ts';
import { newVerificationCode } from './verification-code.ts';

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
	/** The questions as shown, with their key; undefined for attempts started before records were kept. */
	snapshot: AttemptSnapshot | undefined;
	grade: GradeRecord | undefined;
}

export interface GradeRecord {
	gradedAt: string;
	score: number;
	passed: boolean;
	late: boolean;
	answers: Answers;
	/** The permanent record (format 1), or what a grade from before records were kept says (format 0). */
	record: GradedRecord | LegacyRecord;
}

export type StartResult =
	| { ok: true; attempt: AttemptRecord; resumed: boolean; questions: PresentedQuestion[] }
	| { ok: false; reason: 'cooldown' | 'daily-limit'; until: string }
	| { ok: false; reason: 'no-attempts-left' };

export interface AttemptOptions {
	/** Names a cited clause in the attempt's policy version, for the record. */
	cite?: Cite;
	/** The company time zone ("day" for maxAttemptsPerDay); default ZHIDU_TIMEZONE. */
	timeZone?: string;
}

export async function getAttempt(store: Store, id: string): Promise<AttemptRecord | undefined> {
	// The attempt and its grade, if any, in one query.
	const row = await store.db
		.selectFrom('attempts')
		.leftJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.selectAll('attempts')
		.select([
			'attempt_grades.graded_at',
			'attempt_grades.answers',
			'attempt_grades.correct',
			'attempt_grades.total',
			'attempt_grades.score',
			'attempt_grades.passed',
			'attempt_grades.late',
			'attempt_grades.record',
		])
		.where('attempts.id', '=', id)
		.executeTakeFirst();
	if (!row) return undefined;
	const graded = row.graded_at !== null && row.graded_at !== undefined;
	const legacy = (): LegacyRecord => ({
		format: 0,
		score: Number(row.score),
		correct: Number(row.correct),
		total: Number(row.total),
		passed: Number(row.passed) === 1,
		late: Number(row.late) === 1,
	});
	return {
		id: row.id,
		personId: row.person_id,
		quizId: row.quiz_id,
		policyId: row.policy_id,
		policyVersion: row.policy_version,
		startedAt: row.started_at,
		deadlineAt: row.deadline_at,
		drawn: JSON.parse(row.questions) as DrawnQuestion[],
		snapshot: row.snapshot ? (JSON.parse(row.snapshot) as AttemptSnapshot) : undefined,
		grade: graded
			? {
					gradedAt: row.graded_at!,
					score: Number(row.score),
					passed: Number(row.passed) === 1,
					late: Number(row.late) === 1,
					answers: JSON.parse(row.answers!) as Answers,
					record: row.record ? (JSON.parse(row.record) as GradedRecord) : legacy(),
				}
			: undefined,
	};
}

/** The questions of an open attempt as the person sees them: from its snapshot, or (older attempts) the bank. */
export function presentedQuestions(attempt: AttemptRecord, quiz: Quiz | undefined): PresentedQuestion[] {
	if (attempt.snapshot) return presentSnapshot(attempt.snapshot.questions);
	return quiz ? presentQuestions(quiz, attempt.drawn) : [];
}

async function attemptsOf(store: Store, personId: string, quizId: string) {
	return store.db
		.selectFrom('attempts')
		.leftJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select([
			'attempts.id',
			'attempts.started_at',
			'attempts.deadline_at',
			'attempts.questions',
			'attempt_grades.graded_at',
			'attempt_grades.passed',
		])
		.where('attempts.person_id', '=', personId)
		.where('attempts.quiz_id', '=', quizId)
		.orderBy('attempts.started_at', 'desc')
		.execute();
}

async function openAttemptId(store: Store, personId: string, quizId: string): Promise<string | undefined> {
	const row = await store.db
		.selectFrom('open_attempts')
		.select('attempt_id')
		.where('person_id', '=', personId)
		.where('quiz_id', '=', quizId)
		.executeTakeFirst();
	return row?.attempt_id;
}

/** Whether the time of an attempt is up (its deadline and the grace after it have passed). */
export const expired = (deadlineAt: string | null, at: Date) =>
	deadlineAt !== null && new Date(deadlineAt).getTime() + GRACE_MS <= at.getTime();

export interface QuizStatus {
	openAttempt: string | undefined;
	lastGraded: { id: string; gradedAt: string; passed: boolean } | undefined;
	lastPass: { id: string; gradedAt: string } | undefined;
	/** The end of the wait after the last fail, while it lasts. */
	cooldownUntil: string | undefined;
	/** Attempts started on the current company calendar day. */
	attemptsToday: number;
	maxAttemptsPerDay: number;
	/** When a new attempt may start, if not now: the later of the cool-down and the next company day. */
	retryAt: string | undefined;
	retryReason: 'cooldown' | 'daily-limit' | undefined;
}

export async function quizStatus(
	store: Store,
	quiz: Quiz,
	personId: string,
	now = clockNow(),
	timeZone = companyTimeZone(),
): Promise<QuizStatus> {
	const rows = await attemptsOf(store, personId, quiz.id);
	const openId = await openAttemptId(store, personId, quiz.id);
	return statusOf(quiz, rows, openId, now, timeZone);
}

type AttemptRows = Awaited<ReturnType<typeof attemptsOf>>;

/** The status from a person's attempts at the quiz (newest first) and their open attempt's id. */
function statusOf(quiz: Quiz, rows: AttemptRows, openId: string | undefined, now: Date, timeZone: string): QuizStatus {
	const open = rows.find((r) => r.id === openId && !r.graded_at && !expired(r.deadline_at, now));
	const graded = rows.filter((r) => r.graded_at).sort((a, b) => b.graded_at!.localeCompare(a.graded_at!));
	const last = graded[0];
	const pass = graded.find((r) => Number(r.passed) === 1);
	// An attempt that ran out of time ended at its deadline, whenever it was closed.
	const endOf = (r: (typeof rows)[number]) =>
		Math.min(new Date(r.graded_at!).getTime(), r.deadline_at ? new Date(r.deadline_at).getTime() + GRACE_MS : Infinity);
	const cooldownEnd =
		last && Number(last.passed) !== 1 && quiz.cooldownMinutes > 0
			? endOf(last) + quiz.cooldownMinutes * 60_000
			: undefined;
	const cooldownUntil =
		cooldownEnd !== undefined && cooldownEnd > now.getTime() ? new Date(cooldownEnd).toISOString() : undefined;
	const today = todayIn(timeZone, now);
	const attemptsToday = rows.filter((r) => todayIn(timeZone, new Date(r.started_at)) === today).length;
	const dailyUntil =
		attemptsToday >= quiz.maxAttemptsPerDay && !open ? nextCompanyDay(timeZone, now).toISOString() : undefined;
	const retryAt = [cooldownUntil, dailyUntil]
		.filter((x): x is string => !!x)
		.sort()
		.at(-1);
	return {
		openAttempt: open?.id,
		lastGraded: last ? { id: last.id, gradedAt: last.graded_at!, passed: Number(last.passed) === 1 } : undefined,
		lastPass: pass ? { id: pass.id, gradedAt: pass.graded_at! } : undefined,
		cooldownUntil,
		attemptsToday,
		maxAttemptsPerDay: quiz.maxAttemptsPerDay,
		retryAt,
		retryReason: retryAt === undefined ? undefined : retryAt === dailyUntil ? 'daily-limit' : 'cooldown',
	};
}

/** Thrown inside the start transaction when another start won the person's open-attempt slot. */
class SlotTaken extends Error {}

export async function startAttempt(
	store: Store,
	quiz: Quiz,
	personId: string,
	policyVersion: string,
	chapterOf: (clauseId: string) => string | undefined,
	now = clockNow(),
	options: AttemptOptions = {},
): Promise<StartResult> {
	const resume = async (id: string): Promise<StartResult> => {
		const attempt = (await getAttempt(store, id))!;
		return { ok: true, attempt, resumed: true, questions: presentedQuestions(attempt, quiz) };
	};
	const openId = await openAttemptId(store, personId, quiz.id);
	if (openId) {
		const open = (await getAttempt(store, openId))!;
		if (!open.grade && !expired(open.deadlineAt, now)) return resume(openId);
		// It ran out of time unsubmitted: graded late on what was saved in time, which frees the slot.
		await submitAttempt(store, quiz, open, {}, now, options.cite);
	}
	// One read of the person's attempts serves the status, the attempts-allowed count and the previous draw.
	const rows = await attemptsOf(store, personId, quiz.id);
	const status = statusOf(
		quiz,
		rows,
		// No open attempt a moment ago: none now (a concurrent start is caught by the slot's key below).
		openId ? await openAttemptId(store, personId, quiz.id) : undefined,
		now,
		options.timeZone ?? companyTimeZone(),
	);
	if (status.openAttempt) return resume(status.openAttempt);
	if (status.retryAt) return { ok: false, reason: status.retryReason!, until: status.retryAt };
	if (quiz.attemptsAllowed && !status.lastPass) {
		if (rows.filter((r) => r.graded_at).length >= quiz.attemptsAllowed)
			return { ok: false, reason: 'no-attempts-left' };
	}
	const previous = rows[0];
	const { seed, drawn } = drawNew(
		quiz,
		previous ? (JSON.parse(previous.questions) as DrawnQuestion[]) : undefined,
		chapterOf,
		() => randomInt(0, 2 ** 31),
	);
	const snapshot = takeSnapshot(quiz, drawn);
	const id = randomUUID();
	const startedAt = now.toISOString();
	const deadlineAt = quiz.timeLimitMinutes
		? new Date(now.getTime() + quiz.timeLimitMinutes * 60_000).toISOString()
		: null;
	try {
		await store.db.transaction().execute(async (trx) => {
			await trx
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
					snapshot: JSON.stringify(snapshot),
				})
				.execute();
			const slot = await trx
				.insertInto('open_attempts')
				.values({ person_id: personId, quiz_id: quiz.id, attempt_id: id })
				.onConflict((oc) => oc.columns(['person_id', 'quiz_id']).doNothing())
				.returning('attempt_id')
				.executeTakeFirst();
			if (!slot) throw new SlotTaken();
			// The attempt and its audit entry commit together.
			await recordAudit(trx, {
				event: 'attempt.started',
				actor: personActor(personId),
				subject: id,
				detail: { quiz: quiz.id, policy: quiz.policy, version: policyVersion },
			});
		});
	} catch (error) {
		if (!(error instanceof SlotTaken)) throw error;
		const winner = await openAttemptId(store, personId, quiz.id);
		if (winner) return resume(winner);
		throw error;
	}
	// What was just written, from what is in hand (no read back).
	const attempt: AttemptRecord = {
		id,
		personId,
		quizId: quiz.id,
		policyId: quiz.policy,
		policyVersion,
		startedAt,
		deadlineAt,
		drawn,
		snapshot,
		grade: undefined,
	};
	return { ok: true, attempt, resumed: false, questions: presentSnapshot(snapshot.questions) };
}

export type SubmitResult =
	{ ok: true; attempt: AttemptRecord } | { ok: false; reason: 'already-graded'; attempt: AttemptRecord };

/**
 * Grades once, against the questions as shown at start, and writes the whole
 * record with the grade. After the time limit the answers sent do not count:
 * the attempt is graded late on the answers saved in time.
 */
export async function submitAttempt(
	store: Store,
	quiz: Quiz,
	attempt: AttemptRecord,
	answers: Answers,
	now = clockNow(),
	cite: Cite = plainCite,
): Promise<SubmitResult> {
	const late = expired(attempt.deadlineAt, now);
	// After the deadline the server's copy is what counts: the answers saved as the person went (a save
	// is only taken in time), never answers sent afterwards.
	if (late) answers = (await loadProgress(store, attempt.id)).answers;
	// An attempt started before snapshots were kept is graded on the questions the bank still has.
	const snapshot = attempt.snapshot ?? takeSnapshot(quiz, attempt.drawn);
	const known = new Set(snapshot.questions.map((q) => q.id));
	const kept: Answers = Object.fromEntries(Object.entries(answers).filter(([id]) => known.has(id)));
	const graded = gradeQuestions(snapshot.questions, kept, snapshot.passMark);
	const record = buildRecord(snapshot, attempt.policyVersion, graded, late, cite);
	const inserted = await store.db.transaction().execute(async (trx) => {
		const row = await trx
			.insertInto('attempt_grades')
			.values({
				attempt_id: attempt.id,
				graded_at: now.toISOString(),
				answers: JSON.stringify(kept),
				correct: graded.correct,
				total: graded.total,
				score: graded.score,
				passed: graded.passed ? 1 : 0,
				late: late ? 1 : 0,
				record: JSON.stringify(record),
			})
			.onConflict((oc) => oc.column('attempt_id').doNothing())
			.returning('attempt_id')
			.executeTakeFirst();
		await trx.deleteFrom('open_attempts').where('attempt_id', '=', attempt.id).execute();
		// The grade and its audit entry commit together; a second grading writes neither.
		if (row)
			await recordAudit(trx, {
				event: 'attempt.graded',
				actor: personActor(attempt.personId),
				subject: attempt.id,
				detail: { quiz: quiz.id, score: graded.score, passed: graded.passed, late },
			});
		await trx.deleteFrom('attempt_progress').where('attempt_id', '=', attempt.id).execute();
		// The webhook events and xAPI statements are written with the grade (the outbox), once.
		if (row) {
			const person = await trx
				.selectFrom('people')
				.select(['id', 'employee_id', 'name', 'email'])
				.where('id', '=', attempt.personId)
				.executeTakeFirstOrThrow();
			const config = readNotifyConfig();
			await enqueue(
				trx,
				attemptGradedItems(
					{
						attemptId: attempt.id,
						person: { id: person.id, employeeId: person.employee_id, name: person.name, email: person.email },
						quiz: { id: quiz.id, title: quiz.title, policy: quiz.policy },
						policyVersion: attempt.policyVersion,
						correct: graded.correct,
						total: graded.total,
						score: graded.score,
						passed: graded.passed,
						late,
						gradedAt: now.toISOString(),
					},
					config,
				),
				config,
				now,
			);
		}
		// A pass is a certificate: its verification code is written with the grade, once.
		if (row && graded.passed)
			await trx
				.insertInto('certificate_codes')
				.values({ code: newVerificationCode(), attempt_id: attempt.id, created_at: now.toISOString() })
				.execute();
		return row;
	});
	// Graded now: the answer is built from what is in hand; graded before: what the first grading stored.
	if (!inserted) return { ok: false, reason: 'already-graded', attempt: (await getAttempt(store, attempt.id))! };
	return {
		ok: true,
		attempt: {
			...attempt,
			snapshot: attempt.snapshot,
			grade: { gradedAt: now.toISOString(), score: graded.score, passed: graded.passed, late, answers: kept, record },
		},
	};
}

/** The verification code of a passed attempt's certificate. */
export async function certificateCodeOf(store: Store, attemptId: string): Promise<string | undefined> {
	const row = await store.db
		.selectFrom('certificate_codes')
		.select('code')
		.where('attempt_id', '=', attemptId)
		.executeTakeFirst();
	return row?.code;
}

/**
 * The code of a pass, issued now if it has none (a pass always gets one when
 * graded, and migration 0006 gave one to earlier passes; this covers rows
 * written around both). Concurrent calls agree: the attempt id is unique.
 */
export async function ensureCertificateCode(store: Store, attemptId: string, at = clockNow()): Promise<string> {
	const existing = await certificateCodeOf(store, attemptId);
	if (existing) return existing;
	await store.db
		.insertInto('certificate_codes')
		.values({ code: newVerificationCode(), attempt_id: attemptId, created_at: at.toISOString() })
		.onConflict((oc) => oc.column('attempt_id').doNothing())
		.execute();
	return (await certificateCodeOf(store, attemptId))!;
}

/** The attempt a verification code was issued for. */
export async function attemptByCode(store: Store, code: string): Promise<AttemptRecord | undefined> {
	const row = await store.db
		.selectFrom('certificate_codes')
		.select('attempt_id')
		.where('code', '=', code)
		.executeTakeFirst();
	return row ? getAttempt(store, row.attempt_id) : undefined;
}

/**
 * The server is the clock's authority: every open attempt whose time is up is
 * graded on the answers saved in time, whether or not the person's page is
 * still open. Returns the ids graded.
 */
export async function closeExpiredAttempts(
	store: Store,
	quizOf: (quizId: string) => Quiz | undefined,
	citeOf: (attempt: AttemptRecord) => Cite,
	now = clockNow(),
): Promise<string[]> {
	const rows = await store.db
		.selectFrom('open_attempts')
		.innerJoin('attempts', 'attempts.id', 'open_attempts.attempt_id')
		.select(['attempts.id', 'attempts.deadline_at'])
		.where('attempts.deadline_at', 'is not', null)
		.where('attempts.deadline_at', '<=', new Date(now.getTime() - GRACE_MS).toISOString())
		.execute();
	const closed: string[] = [];
	for (const row of rows) {
		if (!expired(row.deadline_at, now)) continue;
		const attempt = await getAttempt(store, row.id);
		const quiz = attempt ? quizOf(attempt.quizId) : undefined;
		if (!attempt || attempt.grade || !quiz) continue;
		const result = await submitAttempt(store, quiz, attempt, {}, now, citeOf(attempt));
		if (result.ok) closed.push(row.id);
	}
	return closed;
}
