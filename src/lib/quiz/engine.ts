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

/** What the browser may see before grading: no correctness, no explanation. */
export interface PresentedQuestion {
	id: string;
	type: Question['type'];
	prompt: string;
	options: { id: string; text: string }[];
}

export function presentQuestions(quiz: Quiz, drawn: readonly DrawnQuestion[]): PresentedQuestion[] {
	return drawn.map((d) => {
		const q = quiz.questions.find((x) => x.id === d.id);
		if (!q) throw new Error(`question ${d.id} is no longer in quiz ${quiz.id}`);
		if (q.type === 'true-false') return { id: q.id, type: q.type, prompt: q.prompt, options: [] };
		return {
			id: q.id,
			type: q.type,
			prompt: q.prompt,
			options: d.options.map((id) => ({ id, text: q.options.find((o) => o.id === id)!.text })),
		};
	});
}

/** An answer: option ids for choice questions, true/false for true/false. */
export type Answer = string[] | boolean;
export type Answers = Record<string, Answer | undefined>;

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

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function gradeAttempt(quiz: Quiz, drawn: readonly DrawnQuestion[], answers: Answers): Grade {
	const results = drawn.map((d): Omit<QuestionResult, 'rightAnswer'> & { right: Answer } => {
		const q = quiz.questions.find((x) => x.id === d.id)!;
		const chosen = answers[d.id];
		let right: Answer;
		let correct: boolean;
		if (q.type === 'true-false') {
			right = q.answer;
			correct = chosen === q.answer;
		} else {
			right = q.options.filter((o) => o.correct).map((o) => o.id);
			const picked = Array.isArray(chosen) ? [...new Set(chosen)] : [];
			correct = q.type === 'single' ? picked.length === 1 && right.includes(picked[0]!) : sameSet(picked, right);
		}
		return { id: q.id, correct, chosen: chosen ?? null, right, explanation: q.explanation, cites: q.cites };
	});
	const correct = results.filter((r) => r.correct).length;
	const total = drawn.length;
	const score = Math.floor((correct * 100) / total);
	const passed = score >= quiz.passMark;
	return {
		correct,
		total,
		score,
		passed,
		questions: results.map(({ right, ...r }) => ({
			...r,
			...(passed || quiz.revealAnswersOnFail ? { rightAnswer: right } : {}),
		})),
	};
}
