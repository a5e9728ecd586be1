/** `zhidu diff <policy> <from> <to> [--json]`: the redline between two versions, changed clauses only. */
import { compareVersionTrees, isRealChange } from '#lib/diff/redline.ts';
import { formatRedline } from '#lib/workflow/terminal-diff.ts';
import { describeReview } from '#lib/workflow/question-review.ts';
import { loadWorkflowContent, versionReviews, WorkflowError } from '#lib/workflow/workflow.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { contentOptions, useColor, workflowOptions } from '../workflow-options.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'Usage: zhidu diff <policy> <from> <to> [--json] [--content <dir>]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		...contentOptions,
		json: { type: 'boolean', default: false },
	});
	const [policyId, from, to, extra] = positionals;
	if (!policyId || !from || !to || extra) throw new UsageError(usage);
	try {
		const options = workflowOptions(values, io);
		const result = loadWorkflowContent(options);
		const policy = result.policies.find((p) => p.id === policyId);
		if (!policy) throw new WorkflowError(`no policy "${policyId}" (or it does not load; run zhidu lint)`);
		const find = (v: string) => {
			const found = policy.versions.find((x) => x.meta.version === v);
			if (!found)
				throw new WorkflowError(
					`${policyId} has no version ${v} (it has ${policy.versions.map((x) => x.meta.version).join(', ')})`,
				);
			return found;
		};
		const target = find(to);
		const redline = compareVersionTrees(find(from), target);
		// A draft or a version in review: the quiz questions and knowledge checks its changes ask to review.
		const reviews = target.meta.status === 'approved' ? [] : versionReviews(result, policy, target, options);
		if (values.json) {
			const changes = redline.changes.filter(isRealChange).map((c) => ({
				id: c.id,
				kind: c.kind,
				reworded: c.reworded,
				moved: c.moved,
				renumbered: c.renumbered,
				classification: c.classification,
				reason: c.reason,
				editorialRules: c.editorial?.rules,
				substitutions: c.editorial?.substitutions.length ? c.editorial.substitutions : undefined,
				before: c.before ? { number: c.before.number, title: c.before.title, text: c.before.text } : undefined,
				after: c.after ? { number: c.after.number, title: c.after.title, text: c.after.text } : undefined,
				segments: c.segments,
				titleSegments: c.titleSegments,
			}));
			io.out(
				JSON.stringify(
					{
						policy: policyId,
						from,
						to,
						changes,
						renumberedOnly: redline.changes.filter((c) => c.kind === 'renumbered').map((c) => c.id),
						structure: redline.structure,
						summary: redline.summary,
						reviews,
					},
					null,
					'\t',
				),
			);
			return 0;
		}
		io.out(formatRedline(redline, `${policyId}  ${policy.meta.title}  ${from} → ${to}`, { color: useColor(io) }));
		if (reviews.length) {
			const pending = reviews.filter((r) => r.state === 'needs review').length;
			io.out(`\nQuiz questions and knowledge checks citing changed clauses (${pending} to review before approval):`);
			for (const r of reviews) io.out(`  [${r.state}] ${describeReview(r, to)}`);
		}
		return 0;
	} catch (error) {
		if (!(error instanceof WorkflowError)) throw error;
		io.err(`zhidu diff: ${error.message}`);
		return 1;
	}
}
