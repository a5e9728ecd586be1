/**
 * The redline as terminal text: changed clauses only, number before → after, kind and classification,
 * and the inline differences marked with ANSI colour (red strikethrough deletions, green insertions) or,
 * without colour, with `[-…-]` and `{+…+}` markers.
 */
import {
	isRealChange,
	type ClauseChange,
	type DiffSegment,
	type Redline,
	type StructureChange,
} from '../diff/redline.ts';

export interface TerminalDiffOptions {
	color: boolean;
}

const ansi = {
	del: (text: string) => `\x1b[9;31m${text}\x1b[0m`,
	ins: (text: string) => `\x1b[32m${text}\x1b[0m`,
	bold: (text: string) => `\x1b[1m${text}\x1b[0m`,
	dim: (text: string) => `\x1b[2m${text}\x1b[0m`,
};

export function formatSegments(segments: readonly DiffSegment[], color: boolean): string {
	return segments
		.map((s) =>
			s.op === 'equal'
				? s.value
				: s.op === 'delete'
					? color
						? ansi.del(s.value)
						: `[-${s.value}-]`
					: color
						? ansi.ins(s.value)
						: `{+${s.value}+}`,
		)
		.join('');
}

const label = (number: string | undefined) => number ?? '（無編號）';

function clauseHeading(change: ClauseChange): string {
	const before = change.before ? label(change.before.number) : '—';
	const after = change.after ? label(change.after.number) : '—';
	const numbers =
		change.kind === 'added' ? after : change.kind === 'removed' || before === after ? before : `${before} → ${after}`;
	const flags = [
		change.kind,
		...(['reworded', 'moved', 'renumbered'] as const).filter((f) => change[f] && f !== change.kind),
	];
	return `${numbers}  ${change.id}  ${flags.join(', ')}  ${change.classification ?? ''}${change.reason ? ` (${change.reason})` : ''}`;
}

function structureLine(change: StructureChange, color: boolean): string {
	const before = change.before?.number ?? '—';
	const after = change.after?.number ?? '—';
	return `${change.type} ${change.id}  ${before} → ${after}  ${change.kind}  ${change.classification}: ${formatSegments(change.titleSegments, color)}`;
}

/** One block per changed clause, then the counts. */
export function formatRedline(redline: Redline, title: string, options: TerminalDiffOptions): string {
	const { color } = options;
	const lines: string[] = [color ? ansi.bold(title) : title, ''];
	for (const change of redline.structure) lines.push(structureLine(change, color));
	if (redline.structure.length) lines.push('');
	// Renumbering alone is no change (numbers derive from position): counted, not listed.
	const changed = redline.changes.filter(isRealChange);
	const renumbered = redline.changes.filter((c) => c.kind === 'renumbered').length;
	for (const change of changed) {
		const heading = clauseHeading(change);
		lines.push(color ? ansi.bold(heading) : heading);
		if (change.titleSegments) lines.push(`  title: ${formatSegments(change.titleSegments, color)}`);
		lines.push(`  ${formatSegments(change.segments, color)}`, '');
	}
	const counts = redline.summary.clauses.byClassification;
	lines.push(
		changed.length
			? `${changed.length} clause${changed.length === 1 ? '' : 's'} changed: ${counts.substantive} substantive, ${counts.editorial} editorial`
			: 'no clause changed',
	);
	if (renumbered) lines.push(`${renumbered} clause${renumbered === 1 ? '' : 's'} renumbered only (no change)`);
	return lines.join('\n');
}
