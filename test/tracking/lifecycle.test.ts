/**
 * The certification lifecycle, evaluated as of any date, on SQLite and
 * PostgreSQL: the real policies (1.0 → 1.1 is editorial) plus a 2.0 added in
 * a temporary copy of the content that changes a clause the quiz cites.
 */
import { cliActor } from '#lib/auth/audit.ts';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, changeAttributes, findPerson } from '#lib/auth/people.ts';
import { loadContentOrThrow, type LoadedPolicy } from '#lib/content/loader.ts';
import { startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import type { Answers, DrawnQuestion } from '#lib/quiz/engine.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import type { Quiz } from '#lib/quiz/schema.ts';
import type { Store } from '#lib/store/database.ts';
import { acknowledge, rosterAsOf, trackingAsOf, type TrackingContext } from '#lib/tracking/tracking.ts';
import { noonInTaipei } from '../support/clock.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { readEveryChapter } from '../support/reading.ts';

const root = resolve(import.meta.dirname, '../..');
const timeZone = 'Asia/Taipei';

/** content/ with a 2.0 of the pharma policy, effective 2027-01-01, rewording c-3-3-2 (cited by the quiz). */
function contentWithRevision(): LoadedPolicy[] {
	const dir = join(mkdtempSync(join(tmpdir(), 'zhidu-tracking-')), 'policies');
	cpSync(join(root, 'content/policies'), dir, { recursive: true });
	const pharma = join(dir, 'pharma-operations-department');
	cpSync(join(pharma, '1.1'), join(pharma, '2.0'), { recursive: true });
	const chapter = join(
		pharma,
		'2.0',
		readdirSync(join(pharma, '2.0')).find((f) => f.startsWith('03-'))!,
	);
	writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('然後由運營經理進行審核', '然後由運營總監進行審核'));
	writeFileSync(
		join(pharma, '2.0/version.yaml'),
		'version: "2.0"\nstatus: approved\neffective: 2027-01-01\nchangeSummary:\n  - 調研報告改由運營總監審核。\n',
	);
	return loadContentOrThrow({ policiesDir: dir });
}

const policies = contentWithRevision();
const quizzes = loadQuizzes(join(root, 'quizzes'), policies).quizzes;
const ctx: TrackingContext = { policies, quizzes, timeZone };
const pharmaQuiz = quizzes.find((q) => q.policy === 'pharma-operations-department')!;
const pharma = policies.find((p) => p.id === 'pharma-operations-department')!;

/** The right answers for a drawn attempt, from the bank (the test plays a person who knows the policy). */
function rightAnswers(quiz: Quiz, drawn: readonly DrawnQuestion[]): Answers {
	return Object.fromEntries(
		drawn.map((d) => {
			const q = quiz.questions.find((x) => x.id === d.id)!;
			return [d.id, q.type === 'true-false' ? q.answer : q.options.filter((o) => o.correct).map((o) => o.id)];
		}),
	);
}

/** Takes and passes the quiz at a moment (Taipei noon of `day`) on the version in force then. */
async function passOn(store: Store, personId: string, day: string, version: string) {
	const at = new Date(noonInTaipei(day));
	const started = await startAttempt(store, pharmaQuiz, personId, version, () => undefined, at);
	if (!started.ok) throw new Error(`could not start on ${day}: ${started.reason}`);
	const graded = await submitAttempt(
		store,
		pharmaQuiz,
		started.attempt,
		rightAnswers(pharmaQuiz, started.attempt.drawn),
		new Date(at.getTime() + 60_000),
	);
	expect(graded.attempt.grade?.passed).toBe(true);
}

describe.each(testDatabases)('certification lifecycle on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let personId: string;
	const row = async (asOf: string, policy = 'pharma-operations-department') =>
		(await trackingAsOf(store, ctx, asOf, { personIds: [personId] })).find((r) => r.policyId === policy);

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		const person = await addPerson(
			store,
			{
				employeeId: 'T001',
				name: '張新人',
				email: 'zhang@example.com',
				department: '運營部門',
				role: 'staff',
				hireDate: '2026-01-05',
			},
			cliActor(),
		);
		personId = person.id;
		// The events, recorded in the order they happened.
		await readEveryChapter(store, pharma, '1.0', personId);
		await acknowledge(store, pharma, '1.0', personId, { at: new Date('2026-02-20T04:00:00Z') });
		await passOn(store, personId, '2026-03-01', '1.0');
		await changeAttributes(store, personId, { department: '市場部', effectiveFrom: '2026-07-01' }, cliActor());
		await changeAttributes(store, personId, { department: '運營部門', effectiveFrom: '2026-09-01' }, cliActor());
		await passOn(store, personId, '2027-01-10', '2.0');
	}, 60_000);
	afterAll(() => drop());

	it('before hire: not on the roster, owes nothing', async () => {
		expect(await row('2026-01-01')).toBeUndefined();
		expect((await rosterAsOf(store, '2026-01-01', timeZone)).map((p) => p.employeeId)).not.toContain('T001');
	});

	it('after hire: none, due 30 days after the hire date, then overdue', async () => {
		expect((await row('2026-01-10'))!.certification).toMatchObject({
			state: 'none',
			due: '2026-02-04',
			overdue: false,
		});
		expect((await row('2026-02-10'))!.certification).toMatchObject({ state: 'none', overdue: true });
		expect((await row('2026-02-10'))!.acknowledgement).toMatchObject({ state: 'none', overdue: true });
	});

	it('a pass on 1.0 is current; the editorial 1.1 keeps it current with no new due date', async () => {
		expect((await row('2026-03-02'))!.certification).toMatchObject({
			state: 'current',
			due: undefined,
			overdue: false,
		});
		const after11 = (await row('2026-12-01'))!;
		expect(after11.versionInForce).toBe('1.1');
		expect(after11.certification).toMatchObject({ state: 'current', pass: { policyVersion: '1.0' } });
		expect(after11.acknowledgement.state).toBe('current');
	});

	it('2.0 changes a cited clause: outdated, the clause listed, due 30 days after 2.0 took effect', async () => {
		const r = (await row('2027-01-05'))!;
		expect(r.certification).toMatchObject({
			state: 'outdated',
			outdatedBy: { version: '2.0', effective: '2027-01-01' },
			due: '2027-01-31',
		});
		expect(r.certification.outdatedBy!.clauses).toContain('c-3-3-2');
		expect(r.acknowledgement).toMatchObject({ state: 'outdated', outdatedBy: { version: '2.0' } });
	});

	it('the retake on 2.0 makes it current again; twelve months later it has expired', async () => {
		expect((await row('2027-01-11'))!.certification).toMatchObject({
			state: 'current',
			pass: { policyVersion: '2.0' },
		});
		expect((await row('2028-02-01'))!.certification).toMatchObject({
			state: 'expired',
			validUntil: '2028-01-10',
			due: '2028-01-10',
			overdue: true,
		});
	});

	it('answers for past dates from the roster as it was: the department change after D does not change D', async () => {
		// In 市場部 from July to September 2026, so the operations policy is not owed then …
		expect(await row('2026-08-01')).toBeUndefined();
		expect(await row('2026-08-01', 'operating-model-process')).toBeDefined();
		// … but June and October are answered with the department of those days.
		expect((await row('2026-06-01'))!.person.department).toBe('運營部門');
		expect((await row('2026-10-01'))!.certification.state).toBe('current');
		// Later events do not rewrite the past: on 2026-06-01 the pass was on 1.0 and current.
		expect((await row('2026-06-01'))!.certification).toMatchObject({
			state: 'current',
			pass: { policyVersion: '1.0' },
		});
		expect((await findPerson(store, { id: personId }, '2026-08-01'))!.department).toBe('市場部');
	});
});
