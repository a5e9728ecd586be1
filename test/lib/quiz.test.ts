import { describe, expect, it } from 'vitest';
import {
	drawNew,
	drawQuestions,
	gradeAttempt,
	gradeQuestions,
	presentQuestions,
	seededRandom,
	shuffle,
} from '#lib/quiz/engine.ts';
import { nextCompanyDay, startOfDayIn } from '#lib/quiz/limits.ts';
import { buildRecord, plainCite, takeSnapshot, visibleResult } from '#lib/quiz/record.ts';
import { quizSchema, type Quiz } from '#lib/quiz/schema.ts';

const quiz: Quiz = {
	id: 'demo',
	...quizSchema.parse({
		title: '測驗',
		policy: 'demo',
		versions: ['1.0'],
		passMark: 80,
		questionsPerAttempt: 5,
		validityMonths: 12,
		questions: [
			...Array.from({ length: 6 }, (_, i) => ({
				id: `q0${i + 1}`,
				type: 'single',
				prompt: `單選 ${i + 1}`,
				cites: [i < 3 ? 'c-1-0-1' : 'c-2-0-1'],
				explanation: `說明 ${i + 1}`,
				options: [
					{ id: 'a', text: '甲', correct: true },
					{ id: 'b', text: '乙' },
					{ id: 'c', text: '丙' },
				],
			})),
			{
				id: 'q07',
				type: 'multiple',
				prompt: '複選',
				cites: ['c-2-0-1'],
				explanation: '說明 7',
				options: [
					{ id: 'a', text: '甲', correct: true },
					{ id: 'b', text: '乙', correct: true },
					{ id: 'c', text: '丙' },
					{ id: 'd', text: '丁' },
				],
			},
			{ id: 'q08', type: 'true-false', prompt: '是非', cites: ['c-1-0-1'], explanation: '說明 8', answer: false },
		],
	}),
};
const chapterOf = (clause: string) => (clause.startsWith('c-1') ? 'ch-1' : 'ch-2');

describe('drawing and shuffling', () => {
	it('is reproducible from the seed and varies between seeds', () => {
		expect(drawQuestions(quiz, 42, chapterOf)).toEqual(drawQuestions(quiz, 42, chapterOf));
		const draws = new Set(Array.from({ length: 20 }, (_, s) => JSON.stringify(drawQuestions(quiz, s, chapterOf))));
		expect(draws.size).toBeGreaterThan(15);
	});

	it('draws questionsPerAttempt distinct questions and shuffles options', () => {
		const drawn = drawQuestions(quiz, 7, chapterOf);
		expect(drawn).toHaveLength(5);
		expect(new Set(drawn.map((d) => d.id)).size).toBe(5);
		const orders = new Set(
			Array.from({ length: 30 }, (_, s) =>
				drawQuestions(quiz, s, chapterOf)
					.find((d) => d.id === 'q07')
					?.options.join(''),
			).filter(Boolean),
		);
		expect(orders.size).toBeGreaterThan(3);
	});

	it('draws per chapter when asked', () => {
		const perChapter: Quiz = { ...quiz, questionsPerAttempt: 4, perChapter: { 'ch-1': 1, 'ch-2': 3 } };
		for (let seed = 0; seed < 10; seed++) {
			const drawn = drawQuestions(perChapter, seed, chapterOf);
			const chapters = drawn.map((d) => chapterOf(quiz.questions.find((q) => q.id === d.id)!.cites[0]!));
			expect(chapters.filter((c) => c === 'ch-1')).toHaveLength(1);
			expect(chapters.filter((c) => c === 'ch-2')).toHaveLength(3);
		}
	});

	it('shuffle keeps every item', () => {
		expect(shuffle([1, 2, 3, 4, 5], seededRandom(3)).sort()).toEqual([1, 2, 3, 4, 5]);
	});

	it('shows no correctness marker and no explanation before grading', () => {
		const shown = JSON.stringify(presentQuestions(quiz, drawQuestions(quiz, 1, chapterOf)));
		expect(shown).not.toMatch(/correct|explanation|answer|說明/);
	});
});

describe('scoring', () => {
	const drawn = [
		{ id: 'q01', options: ['b', 'a', 'c'] },
		{ id: 'q07', options: ['d', 'a', 'c', 'b'] },
		{ id: 'q08', options: [] },
		{ id: 'q02', options: ['a', 'b', 'c'] },
		{ id: 'q03', options: ['a', 'b', 'c'] },
	];

	it('multiple choice is all or nothing: the exact set of correct options', () => {
		const base = { q01: ['a'], q08: false, q02: ['a'], q03: ['a'] };
		expect(gradeAttempt(quiz, drawn, { ...base, q07: ['a', 'b'] }).correct).toBe(5);
		expect(gradeAttempt(quiz, drawn, { ...base, q07: ['a'] }).correct).toBe(4);
		expect(gradeAttempt(quiz, drawn, { ...base, q07: ['a', 'b', 'c', 'd'] }).correct).toBe(4);
	});

	it('passes at the pass mark, not below, and rounds down', () => {
		const four = gradeAttempt(quiz, drawn, { q01: ['a'], q07: ['a', 'b'], q08: false, q02: ['a'], q03: ['b'] });
		expect(four).toMatchObject({ correct: 4, total: 5, score: 80, passed: true });
		const three = gradeAttempt(quiz, drawn, { q01: ['a'], q07: ['a', 'b'], q08: true, q02: ['a'], q03: ['b'] });
		expect(three).toMatchObject({ score: 60, passed: false });
	});

	it('a single-choice answer with two options ticked is wrong; unanswered is wrong', () => {
		const g = gradeAttempt(quiz, drawn, { q01: ['a', 'b'] });
		expect(g.questions[0]!.correct).toBe(false);
		expect(g.questions[2]!).toMatchObject({ correct: false, chosen: null });
	});

	it('reveals the right options on a failed attempt only if the quiz says so', () => {
		const failed = gradeAttempt(quiz, drawn, {});
		expect(failed.questions.every((q) => q.rightAnswer === undefined)).toBe(true);
		expect(failed.questions[0]!.explanation).toBe('說明 1');
		const revealing = gradeAttempt({ ...quiz, revealAnswersOnFail: true }, drawn, {});
		expect(revealing.questions[0]!.rightAnswer).toEqual(['a']);
	});
});

describe('quiz schema', () => {
	it('names the problem: two correct options in a single-choice question, duplicate ids, too many per attempt', () => {
		const bad = quizSchema.safeParse({
			title: 't',
			policy: 'p',
			versions: ['1.0'],
			passMark: 80,
			questionsPerAttempt: 3,
			validityMonths: 12,
			questions: [
				{
					id: 'q1',
					type: 'single',
					prompt: 'x',
					cites: ['c-1'],
					explanation: 'e',
					options: [
						{ id: 'a', text: 'a', correct: true },
						{ id: 'b', text: 'b', correct: true },
					],
				},
				{ id: 'q1', type: 'true-false', prompt: 'y', cites: ['c-1'], explanation: 'e', answer: true },
			],
		});
		expect(bad.success).toBe(false);
		const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
		expect(messages).toMatch(/exactly one correct option/);
		expect(messages).toMatch(/questions\.1\.id: duplicate question id q1/);
		expect(messages).toMatch(/questionsPerAttempt: more than the 2 questions/);
	});
});

describe('records and limits', () => {
	it('defaults: a 60-minute cool-down and 3 attempts per day', () => {
		expect(quiz.cooldownMinutes).toBe(60);
		expect(quiz.maxAttemptsPerDay).toBe(3);
	});

	it('a new draw differs from the previous one: another selection, or another order when the bank is the quiz', () => {
		let seed = 0;
		const seeds = () => seed++;
		let previous = drawNew(quiz, undefined, chapterOf, seeds).drawn;
		for (let i = 0; i < 50; i++) {
			const next = drawNew(quiz, previous, chapterOf, seeds).drawn;
			expect(next.map((d) => d.id).sort()).not.toEqual(previous.map((d) => d.id).sort());
			previous = next;
		}
		const whole = { ...quiz, questionsPerAttempt: 8 };
		previous = drawNew(whole, undefined, chapterOf, seeds).drawn;
		for (let i = 0; i < 50; i++) {
			const next = drawNew(whole, previous, chapterOf, seeds).drawn;
			expect(JSON.stringify(next)).not.toBe(JSON.stringify(previous));
			previous = next;
		}
	});

	it('grades against the snapshot, and a failed record shows only the clauses to re-read', () => {
		const drawn = drawQuestions(quiz, 3, chapterOf);
		const snapshot = takeSnapshot(quiz, drawn);
		// The bank changes after the draw: the snapshot still grades as shown.
		const edited = { ...quiz, questions: quiz.questions.map((q) => ({ ...q, explanation: '改了' })) };
		expect(takeSnapshot(edited, drawn).bankHash).not.toBe(snapshot.bankHash);
		const right = Object.fromEntries(snapshot.questions.map((q) => [q.id, q.right]));
		const passed = gradeQuestions(snapshot.questions, right, snapshot.passMark);
		expect(passed).toMatchObject({ score: 100, passed: true });
		const record = buildRecord(snapshot, '1.0', passed, false, plainCite);
		expect(record.questions.every((q) => !q.explanation.includes('改了'))).toBe(true);
		expect(visibleResult(record).feedback).toHaveLength(5);
		const failed = buildRecord(snapshot, '1.0', gradeQuestions(snapshot.questions, {}, 80), false, plainCite);
		const shown = visibleResult(failed);
		expect(shown).toMatchObject({ withheld: true, feedback: [] });
		expect(shown.reread.map((c) => c.clause).sort()).toEqual(
			[...new Set(snapshot.questions.flatMap((q) => q.cites))].sort(),
		);
		expect(JSON.stringify(shown)).not.toMatch(/說明|right/);
	});

	it('the company day starts at local midnight, daylight saving included', () => {
		expect(startOfDayIn('Asia/Taipei', '2026-11-30').toISOString()).toBe('2026-11-29T16:00:00.000Z');
		expect(startOfDayIn('Europe/Berlin', '2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
		expect(startOfDayIn('Europe/Berlin', '2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
		expect(nextCompanyDay('Asia/Taipei', new Date('2026-11-30T15:59:59Z')).toISOString()).toBe(
			'2026-11-30T16:00:00.000Z',
		);
	});
});
