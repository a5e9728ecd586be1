/**
 * Writes a clause tree back to plain text: markers derived from positions,
 * titles, clause text and template blanks in their bracketed source form.
 * The fidelity test compares this with the source documents.
 */
import type { Chapter, Clause } from './clause-tree.ts';
import { partsToText } from './clause-tree.ts';
import type { Numbers } from './numbering.ts';

export interface PlainTextOptions {
	/** Put between blocks: '' reproduces sources that lost their line breaks, '\n' gives one block per line. */
	joiner?: string;
	/** Between a displayed number and its text (see labelGap). */
	gap?: string;
}

export function clauseToPlainText(clause: Clause, numbers: Numbers, joiner = '', gap = ''): string {
	const number = numbers.clauses.get(clause.id);
	const label = number === undefined ? '' : number + gap;
	const title = clause.title ? `${clause.title}${clause.titleSeparator ?? ':'}` : '';
	const own = `${label}${title}${partsToText(clause.parts)}`;
	return [own, ...clause.items.map((item) => clauseToPlainText(item, numbers, joiner, gap))].join(joiner);
}

export function versionToPlainText(
	title: string,
	chapters: readonly Chapter[],
	numbers: Numbers,
	options: PlainTextOptions = {},
): string {
	const joiner = options.joiner ?? '\n';
	const gap = options.gap ?? '';
	const label = (number: string | undefined) => (number === undefined ? '' : number + gap);
	const blocks: string[] = [title];
	for (const chapter of chapters) {
		blocks.push(`${label(numbers.chapters.get(chapter.id))}${chapter.title}`);
		blocks.push(...chapter.clauses.map((c) => clauseToPlainText(c, numbers, joiner, gap)));
		for (const section of chapter.sections) {
			blocks.push(`${label(numbers.sections.get(section.id))}${section.title}`);
			blocks.push(...section.clauses.map((c) => clauseToPlainText(c, numbers, joiner, gap)));
		}
	}
	return blocks.join(joiner) + '\n';
}
