/**
 * `content/training/<id>.yaml`: a training path, e.g. the new-hire path. Steps
 * in order, each either reading chapters of a policy (in its version in force)
 * or taking a certification quiz (`quizzes/<id>.yaml`), with an optional note.
 *
 *   title: 新進人員培訓
 *   description: 到職第一週完成。
 *   steps:
 *     - read: { policy: pharma-operations-department, chapters: [ch-1, ch-2] }
 *       note: 先認識部門。
 *     - quiz: pharma-operations-department
 */
import { z } from 'zod';
import { policyId } from '../content/schema.ts';

export const trainingPathId = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]*$/, 'training path ids (file names) are lower-case letters, digits and hyphens');

const chapterId = z.string().regex(/^ch-[0-9a-z-]+$/, 'chapter ids look like ch-1');
const quizId = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]*$/, 'quiz ids (quizzes/<id>.yaml) are lower-case letters, digits and hyphens');

export const readStepSchema = z
	.object({
		policy: policyId,
		chapters: z.array(chapterId).min(1, 'list at least one chapter id, such as ch-1'),
	})
	.strict();

/** One step: `{ read: { policy, chapters } }` or `{ quiz: <id> }`, each with an optional note. */
export const trainingStepSchema = z
	.object({
		read: readStepSchema.optional(),
		quiz: quizId.optional(),
		note: z.string().min(1).optional(),
	})
	.strict()
	.superRefine((step, ctx) => {
		if (step.read && step.quiz !== undefined) {
			ctx.addIssue({ code: 'custom', path: ['quiz'], message: 'a step is either read or quiz, not both' });
		} else if (!step.read && step.quiz === undefined) {
			ctx.addIssue({
				code: 'custom',
				path: [],
				message: 'a step needs read: { policy, chapters } or quiz: <quiz id>',
			});
		}
	});

export const trainingPathSchema = z
	.object({
		title: z.string().min(1),
		description: z.string().min(1),
		steps: z.array(trainingStepSchema).min(1, 'a training path needs at least one step'),
	})
	.strict();

export type TrainingPathData = z.infer<typeof trainingPathSchema>;
export type ReadStep = { kind: 'read'; policy: string; chapters: string[]; note?: string };
export type QuizStep = { kind: 'quiz'; quiz: string; note?: string };
export type TrainingStep = ReadStep | QuizStep;
