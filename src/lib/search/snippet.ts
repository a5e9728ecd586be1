/** The excerpt a result shows, for the server and the browser alike. */
import { excerptAround, type ExcerptPart } from './excerpt.ts';
import { findTerm, foldChars, type FoldTable, type ParsedQuery, type QueryTerm } from './tokenizer.ts';

/**
 * A window of the clause text around its first match, the matching characters
 * marked: the phrases or the whole query where they occur, else every term.
 */
export function snippet(
	text: string,
	parsed: ParsedQuery,
	table: FoldTable,
	width = 90,
	// The text folded, when the caller keeps it (the browser folds a record once for every query that shows it).
	{ chars, offsets } = foldChars(text, table),
): ExcerptPart[] {
	const marked = new Array<boolean>(chars.length).fill(false);
	const foldedText = chars.join('');
	// Folded characters are one code point each as a rule; map string offsets to character indexes.
	const charIndex: number[] = [];
	chars.forEach((c, i) => {
		for (let k = 0; k < c.length; k++) charIndex.push(i);
	});
	charIndex.push(chars.length);
	const mark = (term: QueryTerm) => {
		let found = false;
		for (let at = findTerm(foldedText, term); at >= 0; at = findTerm(foldedText, term, at + 1)) {
			marked.fill(true, charIndex[at]!, charIndex[at + term.text.length] ?? chars.length);
			found = true;
		}
		return found;
	};
	const whole =
		parsed.whole && parsed.terms.length > 1 ? [{ text: parsed.whole, kind: 'phrase' as const, source: '' }] : [];
	const phrases = parsed.terms.filter((t) => t.kind === 'phrase');
	const strong = [...phrases, ...whole].map(mark).some(Boolean);
	if (!strong || phrases.length) for (const term of parsed.terms) mark(term);
	return excerptAround(text, offsets, marked, width, 1 / 4);
}
