/** A window of text around its first marked character, runs of marked and unmarked text kept together. */
export interface ExcerptPart {
	text: string;
	match: boolean;
}

/**
 * `offsets` map folded characters back to `text` (see foldChars); `marked`
 * says which folded characters match; `lead` is the share of the window
 * shown before the first match.
 */
export function excerptAround(
	text: string,
	offsets: readonly number[],
	marked: readonly boolean[],
	width: number,
	lead: number,
): ExcerptPart[] {
	const length = marked.length;
	const first = marked.indexOf(true);
	const start = Math.max(0, Math.min(first < 0 ? 0 : first - Math.floor(width * lead), length - width));
	const end = Math.min(length, start + width);
	const parts: ExcerptPart[] = [];
	if (start > 0) parts.push({ text: '…', match: false });
	for (let i = start; i < end; i++) {
		const piece = text.slice(offsets[i], offsets[i + 1]);
		const last = parts.at(-1);
		if (last && last.text !== '…' && last.match === marked[i]) last.text += piece;
		else parts.push({ text: piece, match: marked[i]! });
	}
	if (end < length) parts.push({ text: '…', match: false });
	return parts;
}
