/**
 * Due dates count from when the duty arose (issue 15, item 1), on SQLite and PostgreSQL: the latest of
 * the hire date, the day the person last became subject to the policy (department history) and the
 * policy's first effective date, plus `dueDays`; after a substantive revision, `recertifyDays` after
 * its effective date. A temporary copy of content/ where the operations policy first takes effect on
 * 2026-06-01 (1.0), with a substantive 2.0 on 2027-01-01 and recertifyDays 45.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson, changeAttributes } from '#lib/auth/people.ts';
import { loadContentOrThrow, type LoadedPolicy } from '#lib/content/loader.ts';
import { startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import type { Answers, DrawnQuestion } from '#lib/quiz/engine.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import type { Quiz } from '#lib/quiz/schema.ts';
import type { Store } from '#lib/store/database.ts';
import { acknowledge, trackingAsOf, type TrackingContext } from '#lib/tracking/tracking.ts';
import { noonInTaipei } from '../support/clock.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { readEveryChapter } from '../support/reading.ts';

const root = resolve(import.meta.dirname, '../..');
const timeZone = 'Asia/Taipei';
const POLICY = 'pharma-operations-department';

function content(): LoadedPolicy[] {
	const dir = join(mkdtempSync(join(tmpdir(), 'zhidu-due-')), 'policies');
	cpSync(join(root, 'content/policies'), dir, { recursive: true });
	const pharma = join(dir, POLICY);
	const edit = (file: string, from: string | RegExp, to: string) => {
		const text = readFileSync(file, 'utf8');
		const next = text.replace(from, to);
		expect(next).not.toBe(text);
		writeFileSync(file, next);
	};
	edit(join(pharma, '1.0/version.yaml'), /^status: approved$/m, 'status: approved\neffective: 2026-06-01');
	edit(join(pharma, 'policy.yaml'), /^dueDays: 30$/m, 'dueDays: 30\nrecertifyDays: 45');
	cpSync(join(pharma, '1.1'), join(pharma, '2.0'), { recursive: true });
	const chapter = join(
		pharma,
		'2.0',
		readdirSync(join(pharma, '2.0')).find((f) => f.startsWith('03-'))!,
	);
	edit(chapter, '然後由運營經理進行審核', '然後由運營總監進行審核');
	writeFileSync(
		join(pharma, '2.0/version.yaml'),
		'version: "2.0"\nstatus: approved\neffective: 2027-01-01\nchangeSummary:\n  - 調研報告改由運營總監審核。\n',
	);
	return loadContentOrThrow({ policiesDir: dir });
}

const policies = content();
const quizzes = loadQuizzes(join(root, 'quizzes'), policies).quizzes;
const ctx: TrackingContext = { policies, quizzes, timeZone };
const quiz = quizzes.find((q) => q.policy === POLICY)!;
const pharma = policies.find((p) => p.id === POLICY)!;

function rightAnswers(bank: Quiz, drawn: readonly DrawnQuestion[]): Answers {
	return Object.fromEntries(
		drawn.map((d) => {
			const q = bank.questions.find((x) => x.id === d.id)!;
			return [d.id, q.type === 'true-false' ? q.answer : q.options.filter((o) => o.correct).map((o) => o.id)];
		}),
	);
}

async function passOn(store: Store, personId: string, day: string, version: string) {
	const at = new Date(noonInTaipei(day));
	const started = await startAttempt(store, quiz, personId, version, () => undefined, at);
	if (!started.ok) throw new Error(`could not start on ${day}: ${started.reason}`);
	const graded = await submitAttempt(
		store,
		quiz,
		started.attempt,
		rightAnswers(quiz, started.attempt.drawn),
		new Date(at.getTime() + 60_000),
	);
	expect(graded.attempt.grade?.passed).toBe(true);
}

describe.each(testDatabases)('due dates from when the duty arose on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	const ids: Record<string, string> = {};
	const row = async (who: string, asOf: string) =>
		(await trackingAsOf(store, ctx, asOf, { personIds: [ids[who]!] })).find((r) => r.policyId === POLICY);

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		const add = async (key: string, department: string, hireDate: string) => {
			ids[key] = (
				await addPerson(
					store,
					{
						employeeId: key,
						name: key,
						email: `${key.toLowerCase()}@example.com`,
						department,
						role: 'staff',
						hireDate,
					},
					cliActor(),
				)
			).id;
		};
		// Hired years before the policy existed, in the assigned department all along.
		await add('VETERAN', '運營部門', '2015-03-01');
		// In another department, transferred in on 2026-09-15.
		await add('MOVER', '市場部', '2016-05-01');
		await changeAttributes(store, ids['MOVER']!, { department: '運營部門', effectiveFrom: '2026-09-15' }, cliActor());
		// In the department, out from 2026-07-01, back on 2026-10-01.
		await add('RETURNER', '運營部門', '2018-01-01');
		await changeAttributes(store, ids['RETURNER']!, { department: '市場部', effectiveFrom: '2026-07-01' }, cliActor());
		await changeAttributes(
			store,
			ids['RETURNER']!,
			{ department: '運營部門', effectiveFrom: '2026-10-01' },
			cliActor(),
		);
		// Hired after the policy took effect.
		await add('NEWCOMER', '運營部門', '2026-08-03');
		// The veteran acknowledges and passes 1.0 in June; 2.0 later changes a cited clause.
		await readEveryChapter(store, pharma, '1.0', ids['VETERAN']!);
		await acknowledge(store, pharma, '1.0', ids['VETERAN']!, { at: new Date('2026-06-10T04:00:00Z') });
		await passOn(store, ids['VETERAN']!, '2026-06-10', '1.0');
	}, 120_000);
	afterAll(() => drop());

	it('a person hired years ago is not overdue the day the policy takes effect', async () => {
		expect(await row('VETERAN', '2026-05-31')).toBeUndefined();
		const r = (await row('VETERAN', '2026-06-01'))!;
		expect(r.certification).toMatchObject({ state: 'none', due: '2026-07-01', overdue: false });
		expect(r.acknowledgement).toMatchObject({ state: 'none', due: '2026-07-01', overdue: false });
	});

	it('a transfer into an assigned department starts the clock on the transfer date', async () => {
		expect(await row('MOVER', '2026-09-14')).toBeUndefined();
		const r = (await row('MOVER', '2026-09-20'))!;
		expect(r.certification).toMatchObject({ state: 'none', due: '2026-10-15', overdue: false });
		expect((await row('MOVER', '2026-10-16'))!.certification).toMatchObject({ due: '2026-10-15', overdue: true });
	});

	it('leaving and re-entering an assigned department starts a new clock', async () => {
		// Before leaving: due 30 days after the policy took effect, and overdue by the end of June.
		expect((await row('RETURNER', '2026-06-30'))!.certification).toMatchObject({ due: '2026-07-01', overdue: false });
		expect(await row('RETURNER', '2026-08-01')).toBeUndefined();
		// Back on 2026-10-01: a new clock, not the July due date.
		expect((await row('RETURNER', '2026-10-02'))!.certification).toMatchObject({
			state: 'none',
			due: '2026-10-31',
			overdue: false,
		});
	});

	it('someone hired after the policy took effect: due 30 days after the hire date', async () => {
		expect((await row('NEWCOMER', '2026-08-03'))!.certification).toMatchObject({ due: '2026-09-02', overdue: false });
	});

	it('a substantive revision: recertification due recertifyDays after its effective date', async () => {
		expect((await row('VETERAN', '2026-12-31'))!.certification).toMatchObject({ state: 'current', due: undefined });
		const r = (await row('VETERAN', '2027-01-05'))!;
		expect(r.certification).toMatchObject({
			state: 'outdated',
			outdatedBy: { version: '2.0', effective: '2027-01-01' },
			due: '2027-02-15',
			overdue: false,
		});
		expect(r.acknowledgement).toMatchObject({ state: 'outdated', due: '2027-02-15' });
		// The mover, who never passed, keeps the due date from the transfer.
		expect((await row('MOVER', '2027-01-05'))!.certification).toMatchObject({ state: 'none', due: '2026-10-15' });
	});

	it('as-of queries on past dates answer with the roster and dates of that day', async () => {
		// Asked in 2027, about 2026-06-20: the returner was still in the department, the mover was not.
		expect((await row('RETURNER', '2026-06-20'))!.certification).toMatchObject({ due: '2026-07-01' });
		expect(await row('MOVER', '2026-06-20')).toBeUndefined();
		expect((await row('VETERAN', '2026-06-20'))!.certification).toMatchObject({ state: 'current' });
	});
});
