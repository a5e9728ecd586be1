/**
 * Drawing, shuffling and grading, all on the server. A drawn attempt is
 * recorded as question ids and option orders; what the browser sees has no
 * correctness marker and no explanation until the attempt is graded.
 *
 * Scoring: each question scores 1 or 0. Single choice and true/false: the
 * chosen answer is the right one. Multiple choice: all or nothing, the chosen
 * set equals the set of correct options exactly (no partial credit, so
 * ticking everything never pays). Score = correct / drawn, in percent; a pass
 * needs score ≥ passMark.
 */
import type { Question, Quiz } from './schema.ts';

/** mulberry32: small, fast, seedable; the seed is stored with the attempt so a draw can be reproduced. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

export interface DrawnQuestion {
	id: string;
	/** Option ids in the order shown (empty for true/false). */
	options: string[];
}

/**
 * Draws the questions of one attempt. With `perChapter`, each chapter's
 * count comes from the questions whose first citation is in that chapter
 * (`chapterOf` maps a clause id to its chapter id).
 */
export function drawQuestions(
	quiz: Quiz,
	seed: number,
	chapterOf: (clauseId: string) => string | undefined,
): DrawnQuestion[] {
	const random = seededRandom(seed);
	let picked: Question[];
	if (quiz.perChapter) {
		picked = Object.entries(quiz.perChapter).flatMap(([chapter, count]) =>
			shuffle(
				quiz.questions.filter((q) => chapterOf(q.cites[0]!) === chapter),
				random,
			).slice(0, count),
		);
	} else picked = shuffle(quiz.questions, random).slice(0, quiz.questionsPerAttempt);
	picked = shuffle(picked, random);
	return picked.map((q) => ({
		id: q.id,
		options:
			q.type === 'true-false'
				? []
				: quiz.shuffleOptions
					? shuffle(q.options, random).map((o) => o.id)
					: q.options.map((o) => o.id),
	}));
}

const selectionOf = (drawn: readonly DrawnQuestion[]) =>
	drawn
		.map((d) => d.id)
		.sort()
		.join(' ');
const orderOf = (drawn: readonly DrawnQuestion[]) => JSON.stringify(drawn);

/**
 * A new draw for a new attempt: another selection of questions than the
 * previous attempt when the bank is larger than the quiz, otherwise at least
 * another order of questions or options. A handful of seeds is enough (five
 * of six 5-of-6 draws already differ); when the bank allows only one draw,
 * that draw is returned.
 */
export function drawNew(
	quiz: Quiz,
	previous: readonly DrawnQuestion[] | undefined,
	chapterOf: (clauseId: string) => string | undefined,
	nextSeed: () => number,
): { seed: number; drawn: DrawnQuestion[] } {
	let fallback: { seed: number; drawn: DrawnQuestion[] } | undefined;
	for (let i = 0; i < 64; i++) {
		const seed = nextSeed();
		const drawn = drawQuestions(quiz, seed, chapterOf);
		if (!previous) return { seed, drawn };
		if (selectionOf(drawn) !== selectionOf(previous)) return { seed, drawn };
		if (orderOf(drawn) !== orderOf(previous)) {
			if (quiz.questions.length <= quiz.questionsPerAttempt) return { seed, drawn };
			fallback ??= { seed, drawn };
		}
		if (i === 63) return fallback ?? { seed, drawn };
	}
	throw new Error('unreachable');
}

/** What the browser may see before grading: no correctness, no explanation. */
export interface PresentedQuestion {
	id: string;
	type: Question['type'];
	prompt: string;
	options: { id: string; text: string }[];
}

/** An answer: option ids for choice questions, true/false for true/false. */
export type Answer = string[] | boolean;
export type Answers = Record<string, Answer | undefined>;

/**
 * One drawn question as it was shown, with its key: what an attempt is graded
 * against and what its record keeps, so later edits to the bank change neither.
 */
export interface SnapshotQuestion extends PresentedQuestion {
	right: Answer;
	explanation: string;
	cites: string[];
}

/**
 * The drawn questions copied from the bank, in the order shown. A question no
 * longer in the bank is left out (only an attempt drawn before snapshots were
 * stored can meet one), so nothing fails on it.
 */
export function snapshotQuestions(quiz: Quiz, drawn: readonly DrawnQuestion[]): SnapshotQuestion[] {
	return drawn.flatMap((d): SnapshotQuestion[] => {
		const q = quiz.questions.find((x) => x.id === d.id);
		if (!q) return [];
		const common = { id: q.id, type: q.type, prompt: q.prompt, explanation: q.explanation, cites: [...q.cites] };
		if (q.type === 'true-false') return [{ ...common, options: [], right: q.answer }];
		const options = d.options.flatMap((id) => q.options.filter((o) => o.id === id).map((o) => ({ id, text: o.text })));
		return [{ ...common, options, right: q.options.filter((o) => o.correct).map((o) => o.id) }];
	});
}

export function presentSnapshot(questions: readonly SnapshotQuestion[]): PresentedQuestion[] {
	return questions.map(({ id, type, prompt, options }) => ({ id, type, prompt, options }));
}

export function presentQuestions(quiz: Quiz, drawn: readonly DrawnQuestion[]): PresentedQuestion[] {
	return presentSnapshot(snapshotQuestions(quiz, drawn));
}

export interface QuestionResult {
	id: string;
	correct: boolean;
	/** What the person chose. */
	chosen: Answer | null;
	/** The right answer; present only when the quiz allows revealing it. */
	rightAnswer?: Answer;
	explanation: string;
	cites: string[];
}

export interface Grade {
	correct: number;
	total: number;
	/** Whole percent, rounded down (a pass is never rounded up into existence). */
	score: number;
	passed: boolean;
	questions: QuestionResult[];
}

/** A graded question with everything kept: the right answer always (views decide what to show). */
export interface GradedQuestion {
	id: string;
	correct: boolean;
	chosen: Answer | null;
	right: Answer;
	explanation: string;
	cites: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Grades against the questions as shown (a snapshot), never against the bank as it is now. */
export function gradeQuestions(
	questions: readonly SnapshotQuestion[],
	answers: Answers,
	passMark: number,
): { correct: number; total: number; score: number; passed: boolean; questions: GradedQuestion[] } {
	const results = questions.map((q): GradedQuestion => {
		const chosen = answers[q.id];
		let correct: boolean;
		if (typeof q.right === 'boolean') correct = chosen === q.right;
		else {
			const right = q.right;
			const picked = Array.isArray(chosen) ? [...new Set(chosen)] : [];
			correct = q.type === 'single' ? picked.length === 1 && right.includes(picked[0]!) : sameSet(picked, right);
		}
		return { id: q.id, correct, chosen: chosen ?? null, right: q.right, explanation: q.explanation, cites: q.cites };
	});
	const correct = results.filter((r) => r.correct).length;
	const total = questions.length;
	const score = total ? Math.floor((correct * 100) / total) : 0;
	return { correct, total, score, passed: total > 0 && score >= passMark, questions: results };
}

export function gradeAttempt(quiz: Quiz, drawn: readonly DrawnQuestion[], answers: Answers): Grade {
	const graded = gradeQuestions(snapshotQuestions(quiz, drawn), answers, quiz.passMark);
	return {
		...graded,
		questions: graded.questions.map(({ right, ...r }) => ({
			...r,
			...(graded.passed || quiz.revealAnswersOnFail ? { rightAnswer: right } : {}),
		})),
	};
}
