/**
 * `zhidu status <policy> [--json]`: every version with its status, state today, effective date and, for
 * drafts and versions in review, what blocks approval. `zhidu status [<policy>] --due`: policies due or
 * overdue for periodic review.
 */
import { describeReview } from '#lib/workflow/question-review.ts';
import { policyStatus, reviewsDue, WorkflowError } from '#lib/workflow/workflow.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { contentHelp, contentOptions, useColor, workflowOptions } from '../workflow-options.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'Usage: zhidu status <policy> [--json] | zhidu status [<policy>] --due [--json]';

const stateLabel: Record<string, string> = {
	'in-force': 'in force',
	scheduled: 'scheduled',
	superseded: 'superseded',
	draft: 'draft',
	'in-review': 'in review',
	'does not load': 'does not load',
};

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		...contentOptions,
		due: { type: 'boolean', default: false },
		json: { type: 'boolean', default: false },
		help: { type: 'boolean', short: 'h' },
	});
	if (values.help) {
		io.out(
			`${usage}\n\n  --due            periodic reviews due within 30 days or overdue\n  --json           print JSON\n${contentHelp}`,
		);
		return 0;
	}
	const [policy, extra] = positionals;
	if (extra || (!policy && !values.due)) throw new UsageError(usage);
	const color = useColor(io) && !values.json;
	const red = (text: string) => (color ? `\x1b[31m${text}\x1b[0m` : text);
	const green = (text: string) => (color ? `\x1b[32m${text}\x1b[0m` : text);
	try {
		const options = workflowOptions(values, io);
		if (values.due) {
			const reports = reviewsDue(options, policy);
			if (values.json) {
				io.out(JSON.stringify(reports, null, '\t'));
				return 0;
			}
			const listed = reports.filter((r) => r.state !== 'not due');
			if (!listed.length) io.out(`No periodic review due within 30 days of ${options.today}.`);
			for (const r of listed) {
				const what =
					r.state === 'overdue' ? red(`overdue since ${r.due}`) : r.state === 'due' ? `due ${r.due}` : r.state;
				const basis = r.due ? ` (${r.inForce} effective ${r.effective} + ${r.reviewCycleMonths} months)` : '';
				io.out(`${r.policy}  ${r.title}: ${what}${basis}`);
			}
			return 0;
		}
		const report = policyStatus(policy!, options);
		if (values.json) {
			io.out(JSON.stringify(report, null, '\t'));
			return 0;
		}
		const lines = [`${report.policy}  ${report.title}  (as of ${report.today})`];
		for (const v of report.versions) {
			lines.push(
				`  ${v.version.padEnd(6)} ${String(v.status).padEnd(10)} ${stateLabel[v.state]!.padEnd(11)} effective ${v.effective ?? '—'}`,
			);
			if (v.status === 'approved') continue;
			if (!v.blockers.length) lines.push(`         ${green('nothing blocks approval')}`);
			for (const b of v.blockers) lines.push(`         ${red('blocker:')} ${b.message}`);
			for (const r of v.reviews.filter((r) => r.state !== 'needs review'))
				lines.push(`         reviewed: ${describeReview(r, v.version)}`);
		}
		io.out(lines.join('\n'));
		return 0;
	} catch (error) {
		if (!(error instanceof WorkflowError)) throw error;
		io.err(`zhidu status: ${error.message}`);
		return 1;
	}
}
