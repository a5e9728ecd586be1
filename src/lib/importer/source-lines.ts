/**
 * Turns a source document into lines the tree builder reads: plain text as
 * is, Markdown with its headings marked, Word through mammoth with headings
 * and automatically numbered list levels marked (mammoth does not emit the
 * numbers Word draws, only the list structure).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

export interface SourceLine {
	text: string;
	/** Markdown `#` depth or Word heading level. */
	heading?: number;
	/** Depth (1-based) of a Word list item whose number Word draws automatically. */
	autoNumbered?: number;
}

export type SourceFormat = 'txt' | 'md' | 'docx';

export function formatOf(file: string): SourceFormat {
	const ext = extname(file).toLowerCase();
	if (ext === '.txt') return 'txt';
	if (ext === '.md' || ext === '.markdown') return 'md';
	if (ext === '.docx') return 'docx';
	throw new Error(`${file}: unsupported file type "${ext || '(none)'}"; use .txt, .md or .docx`);
}

/** The largest source `zhidu import` reads: far above any policy document, well inside what it handles quickly. */
export const MAX_SOURCE_BYTES = 32 * 1024 * 1024;

export class SourceError extends Error {
	override name = 'SourceError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, naming the first line that is not valid UTF-8 (never a silent U+FFFD). */
export function decodeSource(bytes: Uint8Array, file: string): string {
	try {
		return utf8.decode(bytes).replace(/^\uFEFF/, '');
	} catch {
		let line = 1;
		let start = 0;
		for (let i = 0; i <= bytes.length; i++) {
			if (i < bytes.length && bytes[i] !== 0x0a) continue;
			try {
				utf8.decode(bytes.subarray(start, i));
			} catch {
				throw new SourceError(`${file}:${line}: not valid UTF-8 text; save the file as UTF-8`);
			}
			line += 1;
			start = i + 1;
		}
		throw new SourceError(`${file}: not valid UTF-8 text; save the file as UTF-8`);
	}
}

export async function readSourceLines(file: string): Promise<SourceLine[]> {
	const format = formatOf(file);
	const { size } = await stat(file);
	if (size > MAX_SOURCE_BYTES)
		throw new SourceError(
			`${file}: the file is too large (${(size / 1024 / 1024).toFixed(1)} MB); zhidu import reads files of at most ${MAX_SOURCE_BYTES / 1024 / 1024} MB`,
		);
	if (format === 'docx') return docxLines(await readFile(file));
	const text = decodeSource(await readFile(file), file);
	return format === 'md' ? markdownLines(text) : textLines(text);
}

export function textLines(text: string): SourceLine[] {
	return (
		text
			.split(/\r?\n/)
			// trimEnd, not /\s+$/: that regexp takes quadratic time on long runs of blanks.
			.map((line) => ({ text: line.trimEnd() }))
			.filter((line) => line.text.trim() !== '')
	);
}

const isCjk = (ch: string | undefined) => !!ch && /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u.test(ch);

/** `Title ##` → `Title` (a closing sequence of #), by a scan from the end rather than a backtracking regexp. */
function withoutClosingHashes(text: string): string {
	let i = text.trimEnd().length;
	while (i > 0 && text[i - 1] === '#') i -= 1;
	return text.slice(0, i).trimEnd();
}

export function markdownLines(markdown: string): SourceLine[] {
	// Front matter, YAML (---) or Hugo's TOML (+++), is metadata, not text.
	const body = markdown
		.replace(/^\uFEFF/, '')
		.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '')
		.replace(/^\+\+\+\r?\n[\s\S]*?\r?\n\+\+\+\r?\n/, '');
	const lines: SourceLine[] = [];
	// A paragraph is collected as pieces and joined once: appending to one long string and reading its last
	// character every line would copy it each time (quadratic in a long paragraph).
	let paragraph: string[] | undefined;
	let lastChar: string | undefined;
	const flush = () => {
		const text = paragraph?.join('').trim();
		if (text) lines.push({ text });
		paragraph = undefined;
		lastChar = undefined;
	};
	const start = (text: string) => {
		paragraph = [text];
		lastChar = text.at(-1);
	};
	/** Joins soft-wrapped lines: no space between CJK characters, one space otherwise. */
	const wrap = (text: string) => {
		const space = !(isCjk(lastChar) || isCjk(text[0]));
		paragraph!.push(space ? ` ${text}` : text);
		lastChar = text.at(-1) ?? (space ? ' ' : lastChar);
	};
	const inline = (text: string) =>
		text
			.replace(/<!--.*?-->/g, '')
			.replace(/(\*\*|__)(.+?)\1/g, '$2')
			.replace(/(^|[^\\*])\*([^*\s][^*]*)\*/g, '$1$2')
			.replace(/\\([\\`*_[\]{}()#+\-.!|>])/g, '$1')
			.trim();
	for (const raw of body.split(/\r?\n/)) {
		const heading = /^(#{1,6})\s+(.*)$/.exec(raw);
		if (heading) {
			flush();
			lines.push({ text: inline(withoutClosingHashes(heading[2]!)), heading: heading[1]!.length });
			continue;
		}
		if (raw.trim() === '' || /^\s*(?:[-*_]\s*){3,}$/.test(raw)) {
			flush();
			continue;
		}
		// A list item or blockquote line starts a new paragraph; its bullet is not text.
		const bullet = /^\s*(?:>\s*)?(?:[-*+]\s+)?(.*)$/.exec(raw)!;
		const startsBlock =
			/^\s*(?:>|[-*+]\s|\d+[.)]\s|第[一二三四五六七八九十百零〇]+[章節节條条]|[（(][一二三四五六七八九十]+[)）]|\([a-z0-9]{1,2}\)\s|(?:Chapter|Section|Article)\s+\d)/.test(
				raw,
			);
		const text = inline(bullet[1]!);
		if (startsBlock) {
			flush();
			start(text);
		} else if (paragraph === undefined) start(text);
		else wrap(text);
	}
	flush();
	return lines;
}

const decodeEntities = (text: string) =>
	text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
		.replace(/&amp;/g, '&');

/** mammoth's HTML is a small, regular subset: headings, paragraphs, nested lists. */
export function htmlLines(html: string): SourceLine[] {
	const lines: SourceLine[] = [];
	const lists: ('ol' | 'ul')[] = [];
	let current: SourceLine | undefined;
	const flush = () => {
		if (current) {
			current.text = decodeEntities(current.text).trim();
			if (current.text !== '') lines.push(current);
		}
		current = undefined;
	};
	for (const token of html.match(/<[^>]+>|[^<]+/g) ?? []) {
		const tag = /^<(\/?)([a-z0-9]+)/i.exec(token);
		if (!tag) {
			if (current) current.text += token;
			else current = { text: token };
			continue;
		}
		const [, closing, nameRaw] = tag;
		const name = nameRaw!.toLowerCase();
		if (name === 'ol' || name === 'ul') {
			flush();
			if (closing) lists.pop();
			else lists.push(name);
		} else if (name === 'li' && !closing) {
			flush();
			current = { text: '' };
			if (lists.at(-1) === 'ol') current.autoNumbered = lists.length;
		} else if (/^h[1-6]$/.test(name) && !closing) {
			flush();
			current = { text: '', heading: Number(name[1]) };
		} else if (name === 'p' && !closing) {
			// A paragraph inside a list item continues that item.
			if (!(current && current.autoNumbered && current.text === '')) {
				flush();
				current = { text: '' };
			}
		} else if ((name === 'p' || /^h[1-6]$/.test(name) || name === 'li') && closing) flush();
		else if (name === 'br') {
			if (current) current.text += '\n';
		}
	}
	flush();
	return lines;
}

export async function docxLines(buffer: Buffer): Promise<SourceLine[]> {
	const mammoth = (await import('mammoth')).default;
	const { value } = await mammoth.convertToHtml({ buffer });
	return htmlLines(value);
}
