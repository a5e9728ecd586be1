/**
 * `zhidu approve <policy> <version> --effective <YYYY-MM-DD> --by <name> --meaning <text>`: in-review →
 * approved. Refuses (exit 1) while anything blocks it, when the text changed since submission, or when the
 * effective date is before the version in force took effect.
 */
import { cliActor } from '#lib/auth/audit.ts';
import { approve, WorkflowError } from '#lib/workflow/workflow.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { contentOptions, workflowOptions } from '../workflow-options.ts';
import { processIo, type CliIo } from '../io.ts';

const usage =
	'Usage: zhidu approve <policy> <version> --effective <YYYY-MM-DD> --by <name> --meaning <text> [--content <dir>] [--quizzes <dir>]';

const cliUser = () => {
	const actor = cliActor();
	return actor.kind === 'cli' ? actor.osUser : 'unknown';
};

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		...contentOptions,
		effective: { type: 'string' },
		by: { type: 'string' },
		meaning: { type: 'string' },
	});
	const [policy, version, extra] = positionals;
	if (!policy || !version || extra) throw new UsageError(usage);
	if (!values.effective || !values.by || !values.meaning)
		throw new UsageError(`--effective, --by and --meaning are required\n${usage}`);
	try {
		const result = approve(
			policy,
			version,
			// Both the person who approves (--by) and who recorded it (the CLI and the OS user) are stored.
			{
				effective: values.effective,
				by: values.by,
				meaning: values.meaning,
				recordedBy: `cli:${cliUser()}`,
				unsigned: true,
			},
			workflowOptions(values, io),
		);
		io.out(
			`${policy} ${version} approved by ${result.approval.by} on ${result.approval.on} (${result.approval.meaning}); ` +
				`effective ${result.effective}, ${result.state === 'in-force' ? 'in force now' : result.state}.\n` +
				`Recorded as an unsigned approval: --by names the approver, but only the browser signs (an electronic signature bound to the text); unsigned approvals do not count as signatures.`,
		);
		return 0;
	} catch (error) {
		if (!(error instanceof WorkflowError)) throw error;
		io.err(`zhidu approve: ${error.message}`);
		return 1;
	}
}
