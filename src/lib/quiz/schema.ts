/**
 * `quizzes/<id>.yaml`: a certification quiz. The question bank, with its
 * answer key and explanations, is read only by the server and the build's
 * validation; nothing of it is published to the browser before grading.
 */
import { z } from 'zod';

const optionSchema = z
	.object({
		id: z.string().regex(/^[a-z0-9-]+$/, 'option ids are short lower-case words such as a, b, c'),
		text: z.string().min(1),
		correct: z.boolean().default(false),
	})
	.strict();

const base = {
	id: z.string().regex(/^q[0-9a-z-]+$/, 'question ids look like q01'),
	prompt: z.string().min(1),
	/** The clause ids the question tests; the build fails on one that does not exist in the covered versions. */
	cites: z.array(z.string().regex(/^c-[0-9a-z-]+$/, 'clause ids look like c-1-2-3')).min(1),
	explanation: z.string().min(1),
	/**
	 * The policy version this question was last checked against (edited or confirmed still correct).
	 * Approving a version is refused while a cited clause changed substantively since then.
	 */
	reviewedFor: z
		.string()
		.regex(/^\d+\.\d+$/, 'a version is MAJOR.MINOR, such as 1.2')
		.optional(),
};

export const questionSchema = z.discriminatedUnion('type', [
	z
		.object({ ...base, type: z.literal('single'), options: z.array(optionSchema).min(2) })
		.strict()
		.refine(
			(q) => q.options.filter((o) => o.correct).length === 1,
			'a single-choice question has exactly one correct option',
		),
	z
		.object({ ...base, type: z.literal('multiple'), options: z.array(optionSchema).min(3) })
		.strict()
		.refine((q) => q.options.some((o) => o.correct), 'a multiple-choice question has at least one correct option'),
	z.object({ ...base, type: z.literal('true-false'), answer: z.boolean() }).strict(),
]);
export type Question = z.infer<typeof questionSchema>;

export const quizSchema = z
	.object({
		title: z.string().min(1),
		policy: z.string().min(1),
		/** The policy versions this bank was written for; citations must exist in each. */
		versions: z.array(z.string().regex(/^\d+\.\d+$/)).min(1),
		/** Percentage of questions to answer correctly to pass. */
		passMark: z.number().int().min(1).max(100),
		/** Questions drawn per attempt, from the whole bank… */
		questionsPerAttempt: z.number().int().positive(),
		/** …or per chapter (chapter id → how many); the counts must add up to questionsPerAttempt. */
		perChapter: z.record(z.string().regex(/^ch-/), z.number().int().positive()).optional(),
		shuffleOptions: z.boolean().default(true),
		timeLimitMinutes: z.number().int().positive().optional(),
		/** Attempts allowed per validity period before HR must reset (unset: unlimited). */
		attemptsAllowed: z.number().int().positive().optional(),
		/** Minutes to wait after a failed attempt before starting the next (0: none). */
		cooldownMinutes: z.number().min(0).default(60),
		/** Attempts a person may start per company calendar day (ZHIDU_TIMEZONE). */
		maxAttemptsPerDay: z.number().int().positive().default(3),
		/** How long a pass certifies, in months. */
		validityMonths: z.number().int().positive(),
		/** Whether a failed attempt reveals the right options and explanations (otherwise: the score and the clauses to re-read). */
		revealAnswersOnFail: z.boolean().default(false),
		questions: z.array(questionSchema).min(1),
	})
	.strict()
	.superRefine((quiz, ctx) => {
		const ids = new Set<string>();
		quiz.questions.forEach((q, i) => {
			if (ids.has(q.id))
				ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `duplicate question id ${q.id}` });
			ids.add(q.id);
		});
		if (quiz.questionsPerAttempt > quiz.questions.length) {
			ctx.addIssue({
				code: 'custom',
				path: ['questionsPerAttempt'],
				message: `more than the ${quiz.questions.length} questions in the bank`,
			});
		}
		if (quiz.perChapter) {
			const total = Object.values(quiz.perChapter).reduce((a, b) => a + b, 0);
			if (total !== quiz.questionsPerAttempt) {
				ctx.addIssue({
					code: 'custom',
					path: ['perChapter'],
					message: `adds up to ${total}, not questionsPerAttempt (${quiz.questionsPerAttempt})`,
				});
			}
		}
	});
export type Quiz = z.infer<typeof quizSchema> & { id: string };
