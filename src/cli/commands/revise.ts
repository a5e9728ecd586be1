/** `zhidu revise <policy> [--to <version>] [--major]`: a new draft version, copied from the latest one. */
import { relative } from 'node:path';
import { revise, WorkflowError } from '#lib/workflow/workflow.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { contentHelp, contentOptions, workflowOptions } from '../workflow-options.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'Usage: zhidu revise <policy> [--to <version>] [--major] [--content <dir>]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		...contentOptions,
		to: { type: 'string' },
		major: { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' },
	});
	if (values.help) {
		io.out(
			`${usage}\n\n  --to <version>   the new version number (greater than every existing one)\n  --major          next major version (1.1 → 2.0) instead of 1.1 → 1.2\n${contentHelp}`,
		);
		return 0;
	}
	const [policy, extra] = positionals;
	if (!policy || extra) throw new UsageError(usage);
	if (values.to && values.major) throw new UsageError('use --to or --major, not both');
	try {
		const options = workflowOptions(values, io);
		const result = revise(policy, options, { to: values.to, major: values.major });
		io.out(
			`Created ${relative(options.root, result.dir).startsWith('..') ? result.dir : relative(options.root, result.dir)} (draft) from ${result.from}: ${result.files.join(', ')}\n` +
				`Edit the chapters, replace the change summary in version.yaml, then: zhidu status ${policy}`,
		);
		return 0;
	} catch (error) {
		if (!(error instanceof WorkflowError)) throw error;
		io.err(`zhidu revise: ${error.message}`);
		return 1;
	}
}
