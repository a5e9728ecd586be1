/**
 * `zhidu lint [--content <dir>] [--json]`: checks the content; exit code 1
 * when there are errors, 0 when there are only warnings (2 on bad usage).
 */
import { resolve } from 'node:path';
import { loadContent } from '../../lib/content/loader.ts';
import { formatReport, lintContent } from '../../lib/lint/lint.ts';
import { parseCommandArgs, UsageError } from '../args.ts';

const usage = 'Usage: zhidu lint [--content <dir>] [--json]';

export async function run(args: string[]): Promise<number> {
	let values: {
		content?: string | undefined;
		json?: boolean | undefined;
		help?: boolean | undefined;
	};
	try {
		const parsed = parseCommandArgs(
			args,
			{
				content: { type: 'string' },
				json: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' },
			},
			false,
		);
		values = parsed.values;
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		console.error(`zhidu lint: ${error.message}\n${usage}`);
		return 2;
	}
	if (values.help) {
		console.log(
			`${usage}\n\n  --content <dir>  folder with one folder per policy (default content/policies)\n  --json           print the report as JSON`,
		);
		return 0;
	}
	const root = process.cwd();
	const policiesDir = resolve(root, values.content ?? 'content/policies');
	const report = lintContent(loadContent({ policiesDir, root }), { root });
	console.log(values.json ? JSON.stringify(report, null, '\t') : formatReport(report));
	return report.errors > 0 ? 1 : 0;
}
