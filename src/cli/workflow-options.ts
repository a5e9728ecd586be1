/** Options shared by the revision workflow commands (revise, status, diff, submit, approve). */
import { resolve } from 'node:path';
import { companyToday } from '../lib/calendar.ts';
import type { WorkflowOptions } from '../lib/workflow/workflow.ts';
import type { CliIo } from './io.ts';

export const contentOptions = {
	content: { type: 'string' },
	quizzes: { type: 'string' },
} as const;

export const contentHelp =
	'  --content <dir>  folder with one folder per policy (default content/policies)\n  --quizzes <dir>  folder with the quiz banks (default quizzes)';

/** Today is the company's today (ZHIDU_TIMEZONE), like the server's. */
export function workflowOptions(
	values: {
		content?: string | undefined;
		quizzes?: string | undefined;
	},
	io: CliIo,
): WorkflowOptions {
	const root = io.cwd;
	return {
		policiesDir: resolve(root, values.content ?? 'content/policies'),
		quizzesDir: resolve(root, values.quizzes ?? 'quizzes'),
		root,
		today: companyToday(io.env),
	};
}

export const useColor = (io: CliIo) => io.isTTY && !io.env['NO_COLOR'];
