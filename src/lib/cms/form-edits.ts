/**
 * The clause editor's HTML forms as editor changes: one form per clause, section or chapter, the change
 * named by the button pressed (`op`). The same schema as the JSON API checks the result.
 */
import { draftEditSchema, EditError, type DraftEdit } from './edits.ts';

/** Reads one of the editor's forms; undefined when `op` is not an edit (submit, comment, …). */
export function editFromForm(field: (name: string) => string): DraftEdit | undefined {
	const op = field('op');
	const clause = field('clause');
	const section = field('section');
	const chapter = field('chapter');
	let candidate: Record<string, unknown>;
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
		case 'move-clause-up':
		case 'move-clause-down':
			candidate = { op: 'move-clause', clause, direction: op.endsWith('up') ? 'up' : 'down' };
			break;
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
		case 'move-section-up':
		case 'move-section-down':
			candidate = { op: 'move-section', section, direction: op.endsWith('up') ? 'up' : 'down' };
			break;
		case 'add-chapter':
			candidate = { op, ...(chapter ? { after: chapter } : {}), title: field('newTitle'), text: field('newText') };
			break;
		case 'rename-chapter':
			candidate = { op, chapter, title: field('title') };
			break;
		case 'move-chapter-up':
		case 'move-chapter-down':
			candidate = { op: 'move-chapter', chapter, direction: op.endsWith('up') ? 'up' : 'down' };
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
