/**
 * `zhidu lint [--content <dir>] [--quizzes <dir>] [--json]`: checks the content and the quiz banks; exit code 1
 * when there are errors, 0 when there are only warnings (2 on bad usage).
 */
import { resolve } from 'node:path';
import { loadContent } from '#lib/content/loader.ts';
import { formatReport, lintContent } from '#lib/lint/lint.ts';
import { lintQuizzes } from '#lib/lint/quizzes.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'Usage: zhidu lint [--content <dir>] [--quizzes <dir>] [--json]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	let values: {
		content?: string | undefined;
		quizzes?: string | undefined;
		json?: boolean | undefined;
		help?: boolean | undefined;
	};
	try {
		const parsed = parseCommandArgs(
			args,
			{
				content: { type: 'string' },
				quizzes: { type: 'string' },
				json: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' },
			},
			false,
		);
		values = parsed.values;
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.err(`zhidu lint: ${error.message}\n${usage}`);
		return 2;
	}
	if (values.help) {
		io.out(
			`${usage}\n\n  --content <dir>  folder with one folder per policy (default content/policies)\n  --quizzes <dir>  folder with the quiz banks (default quizzes)\n  --json           print the report as JSON`,
		);
		return 0;
	}
	const root = io.cwd;
	const policiesDir = resolve(root, values.content ?? 'content/policies');
	const loaded = loadContent({ policiesDir, root });
	const report = lintContent(loaded, { root });
	// Quiz banks are checked against content that loaded; a broken policy is already an error above.
	// With another content folder, only quiz banks named with --quizzes go with it.
	const quizzesDir = values.quizzes ?? (values.content ? undefined : 'quizzes');
	const quizFindings = quizzesDir ? lintQuizzes(resolve(root, quizzesDir), loaded.policies, root) : [];
	report.findings.push(...quizFindings);
	report.errors += quizFindings.filter((f) => f.severity === 'error').length;
	report.warnings += quizFindings.filter((f) => f.severity === 'warning').length;
	io.out(values.json ? JSON.stringify(report, null, '\t') : formatReport(report));
	return report.errors > 0 ? 1 : 0;
}
