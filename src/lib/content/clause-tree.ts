/**
 * The clause tree of one policy version: chapter → section → clause → item.
 * Ids are stored in the content; displayed numbers are derived from position
 * (see numbering.ts), so renumbering never touches an id.
 */

/** A run of clause text: plain characters or a template blank left for HR to fill in. */
export type TextPart = { kind: 'text'; value: string } | { kind: 'blank'; label: string };

export interface Clause {
	id: string;
	/** A title the source marks explicitly (`1.合法性原則:`), without its separator. */
	title?: string;
	/** The separator between title and text as written in the source (default ASCII `:`). */
	titleSeparator?: string;
	/** Unnumbered paragraphs are clauses too: they have ids but no displayed number. */
	unnumbered: boolean;
	parts: TextPart[];
	/** Enumerated items inside the clause, e.g. statute-style （一）（二）. */
	items: Clause[];
}

export interface Section {
	id: string;
	title: string;
	clauses: Clause[];
}

export interface Chapter {
	id: string;
	title: string;
	/** Clauses that stand directly in the chapter, before any section. */
	clauses: Clause[];
	sections: Section[];
}

/** Source form of a template blank, as the source documents write it. */
/** Where a clause stands as a reader sees it: its chapter and section (if any), titles and displayed numbers. */
export interface ClausePlace {
	chapterId: string;
	chapterTitle: string;
	chapterNumber: string | undefined;
	sectionId: string | undefined;
	sectionTitle: string | undefined;
	sectionNumber: string | undefined;
}

export const blankSourceForm = (label: string) => `[${label}]`;

export function partsToText(parts: readonly TextPart[]): string {
	return parts.map((part) => (part.kind === 'text' ? part.value : blankSourceForm(part.label))).join('');
}

/** Splits plain text into parts, turning `[label]` blanks into blank parts. */
export function textToParts(text: string): TextPart[] {
	const parts: TextPart[] = [];
	const blank = /\[([^\[\]\n]{1,80})\]/g;
	let last = 0;
	for (const match of text.matchAll(blank)) {
		if (match.index > last) parts.push({ kind: 'text', value: text.slice(last, match.index) });
		parts.push({ kind: 'blank', label: match[1]! });
		last = match.index + match[0].length;
	}
	if (last < text.length) parts.push({ kind: 'text', value: text.slice(last) });
	return parts;
}

export function clauseText(clause: Clause): string {
	return partsToText(clause.parts);
}

/** Every clause of a chapter in reading order, items included, with its section (if any). */
export interface ClauseVisit {
	clause: Clause;
	section: Section | undefined;
	parent: Clause | undefined;
	depth: number;
}

export function* walkClauses(chapter: Chapter): Generator<ClauseVisit> {
	function* visit(
		clauses: Clause[],
		section: Section | undefined,
		parent: Clause | undefined,
		depth: number,
	): Generator<ClauseVisit> {
		for (const clause of clauses) {
			yield { clause, section, parent, depth };
			yield* visit(clause.items, section, clause, depth + 1);
		}
	}
	yield* visit(chapter.clauses, undefined, undefined, 0);
	for (const section of chapter.sections) yield* visit(section.clauses, section, undefined, 0);
}
