/** `zhidu submit <policy> <version>`: draft → in-review, recording a hash of the submitted text. */
import { submit, WorkflowError } from '#lib/workflow/workflow.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { contentOptions, workflowOptions } from '../workflow-options.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'Usage: zhidu submit <policy> <version> [--content <dir>] [--quizzes <dir>]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, { ...contentOptions });
	const [policy, version, extra] = positionals;
	if (!policy || !version || extra) throw new UsageError(usage);
	try {
		const result = submit(policy, version, workflowOptions(values, io));
		io.out(`${policy} ${version} is in review (submitted ${result.submittedOn}, sha256 ${result.submittedHash}).`);
		if (result.blockers.length)
			io.out(`Still blocking approval:\n${result.blockers.map((b) => `  - ${b.message}`).join('\n')}`);
		return 0;
	} catch (error) {
		if (!(error instanceof WorkflowError)) throw error;
		io.err(`zhidu submit: ${error.message}`);
		return 1;
	}
}
