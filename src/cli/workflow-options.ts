/** Options shared by the revision workflow commands (revise, status, diff, submit, approve). */
import { resolve } from 'node:path';
import { readBuildConfig } from '../lib/config.ts';
import type { WorkflowOptions } from '../lib/workflow/workflow.ts';
import type { CliIo } from './io.ts';

export const contentOptions = {
	content: { type: 'string' },
	quizzes: { type: 'string' },
} as const;

export const contentHelp =
	'  --content <dir>  folder with one folder per policy (default content/policies)\n  --quizzes <dir>  folder with the quiz banks (default quizzes)';

/** Today comes from ZHIDU_TODAY / ZHIDU_TIMEZONE, as for the build. */
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
		today: readBuildConfig(io.env).today,
	};
}

export const useColor = (io: CliIo) => io.isTTY && !io.env['NO_COLOR'];
