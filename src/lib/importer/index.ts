/** `zhidu import`: source file → clause tree → version folder. */
import { buildTree, type ImportReport, type ImportResult } from './build-tree.ts';
import { readSourceLines } from './source-lines.ts';
import type { NumberingScheme } from '../content/schema.ts';

export { buildTree, type ImportReport, type ImportResult };
export { writeImportedVersion, chapterSlug } from './write-version.ts';

export async function importFile(file: string, options: { scheme?: NumberingScheme } = {}): Promise<ImportResult> {
	return buildTree(await readSourceLines(file), options);
}

export function formatImportReport(report: ImportReport): string {
	const lines = [
		`Title: ${report.title || '(none found)'}`,
		`Numbering: ${report.scheme}`,
		`Found ${report.chapters} chapters, ${report.sections} sections, ${report.clauses} numbered clauses, ${report.unnumbered} unnumbered paragraphs, ${report.items} items.`,
	];
	if (report.blanks.length)
		lines.push(`Template blanks (${report.blanks.length}): ${report.blanks.map((b) => `[${b}]`).join(' ')}`);
	if (report.guessedTitles.length) {
		lines.push('Titles split off run-together text (check them):');
		for (const g of report.guessedTitles) lines.push(`  ${g.id}: 「${g.title}」 | ${g.rest}…`);
	}
	if (report.sourceNotes.length) {
		lines.push(`Source notes before the first chapter (kept in version.yaml as sourceNotes):`);
		for (const note of report.sourceNotes) lines.push(`  ${note}`);
	}
	if (report.sourceEnds)
		lines.push(`Source breaks off after ${report.sourceEnds.after}; left out: ${report.sourceEnds.omitted}`);
	for (const note of report.notes.filter((n) => !n.startsWith('the source breaks off'))) lines.push(`Note: ${note}`);
	if (report.unplaced.length) {
		lines.push(`Could not place (${report.unplaced.length}):`);
		for (const text of report.unplaced) lines.push(`  ${text}`);
	} else lines.push('Everything was placed.');
	return lines.join('\n');
}
