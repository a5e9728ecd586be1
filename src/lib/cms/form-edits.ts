/**
 * The clause editor's HTML forms as editor changes: one form per clause, section or chapter, the change
 * named by the button pressed (`op`). The same schema as the JSON API checks the result.
 */
import { draftEditSchema, EditError, type DraftEdit } from './edits.ts';

/** Where "move to…" can put a clause: a section (or a chapter's clauses before its sections), by its ends. */
export interface ClauseMoveTarget {
	/** The section's key, or the chapter's for the clauses standing before its sections. */
	key: string;
	/** The first and the last of its top-level clauses. */
	first: string;
	last: string;
}

/**
 * Reads one of the editor's forms; undefined when `op` is not an edit (submit, comment, …). `moveTarget`
 * finds the section a "move to…" form names (read from the draft only when such a form is posted).
 */
export function editFromForm(
	field: (name: string) => string,
	moveTarget: (key: string) => ClauseMoveTarget | undefined = () => undefined,
): DraftEdit | undefined {
	const op = field('op');
	const clause = field('clause');
	const section = field('section');
	const chapter = field('chapter');
	let candidate: Record<string, unknown>;
	// "Move up" and "move down" of a clause, section or chapter: one button each.
	const step = /^move-(clause|section|chapter)-(up|down)$/.exec(op);
	if (step) candidate = { op: `move-${step[1]}`, [step[1]!]: field(step[1]!), direction: step[2] };
	else
		switch (op) {
			case 'set-clause':
				candidate = { op, clause, title: field('title'), text: field('text') };
				break;
			case 'insert-clause':
				candidate = {
					op,
					relativeTo: clause,
					position: field('position') === 'before' ? 'before' : 'after',
					...(field('newTitle') ? { title: field('newTitle') } : {}),
					text: field('newText'),
				};
				break;
			case 'delete-clause':
			case 'merge-clause':
				candidate = { op, clause };
				break;
			case 'move-clause-to-section': {
				// "Move to…": the start or the end of another (or its own) section, as the API's move-clause-to.
				const target = moveTarget(field('target'));
				if (!target) throw new EditError('target', 'target: choose the section to move the clause to');
				const start = field('where') === 'start';
				const relativeTo = start ? target.first : target.last;
				if (relativeTo === clause) throw new EditError('target', 'target: the clause already stands there');
				candidate = { op: 'move-clause-to', clause, relativeTo, position: start ? 'before' : 'after' };
				break;
			}
			case 'split-clause':
				candidate = { op, clause, at: Number(field('at')) };
				break;
			case 'add-section':
				candidate = {
					op,
					chapter,
					...(section ? { after: section } : {}),
					title: field('newTitle'),
					text: field('newText'),
				};
				break;
			case 'rename-section':
				candidate = { op, section, title: field('title') };
				break;
			case 'add-chapter':
				candidate = { op, ...(chapter ? { after: chapter } : {}), title: field('newTitle'), text: field('newText') };
				break;
			case 'rename-chapter':
				candidate = { op, chapter, title: field('title') };
				break;
			case 'set-summary': {
				const substitutions = field('substitutions')
					.split('\n')
					.map((line) => line.trim())
					.filter(Boolean)
					.map((line) => {
						const [from, to, ...reason] = line.split(/\s*[|｜]\s*/);
						return { from: from ?? '', to: to ?? '', reason: reason.join('｜') };
					});
				candidate = {
					op,
					changeSummary: field('changeSummary')
						.split('\n')
						.map((line) => line.trim())
						.filter(Boolean),
					substitutions,
				};
				break;
			}
			default:
				return undefined;
		}
	const parsed = draftEditSchema.safeParse(candidate);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new EditError(issue.path.join('.') || 'op', `${issue.path.join('.') || 'op'}: ${issue.message}`);
	}
	return parsed.data;
}
