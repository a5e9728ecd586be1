/**
 * Which encoding a CSV file HR uploads is in, and its text. Excel in Taiwan
 * saves "CSV" in Big5, in China in GBK, "Unicode text" in UTF-16, and
 * elsewhere UTF-8 with or without a BOM. A BOM decides; otherwise valid
 * UTF-8 is UTF-8; otherwise chardet (frequency statistics) weighs Big5
 * against GBK, and iconv-lite decodes. When both decode cleanly and chardet
 * cannot tell them apart, the answer is "ask": the caller shows both and
 * lets a person choose. Bytes that do not decode are named by row (line)
 * and byte position, never turned into U+FFFD.
 */
import { onFirstUse } from '../on-first-use.ts';

const chardet = onFirstUse<typeof import('chardet')>('chardet');
const iconv = onFirstUse<typeof import('iconv-lite')>('iconv-lite');

export const csvEncodings = ['utf-8', 'utf-16le', 'utf-16be', 'big5', 'gbk'] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

/** Names people and programs use for them (case and punctuation ignored). */
const aliases: Record<string, CsvEncoding> = {
	utf8: 'utf-8',
	utf8bom: 'utf-8',
	utf16: 'utf-16le',
	utf16le: 'utf-16le',
	unicode: 'utf-16le',
	utf16be: 'utf-16be',
	big5: 'big5',
	big5hkscs: 'big5',
	cp950: 'big5',
	gbk: 'gbk',
	gb2312: 'gbk',
	gb18030: 'gbk',
	cp936: 'gbk',
};

/** An encoding name as given (`Big5`, `UTF-8`, `gb18030` …), or undefined when it is none we read. */
export function encodingNamed(name: string): CsvEncoding | undefined {
	return aliases[name.toLowerCase().replace(/[^a-z0-9]/g, '')];
}

/** The label shown to people. */
export const encodingLabel: Record<CsvEncoding, string> = {
	'utf-8': 'UTF-8',
	'utf-16le': 'UTF-16 LE',
	'utf-16be': 'UTF-16 BE',
	big5: 'Big5',
	gbk: 'GBK',
};

export interface EncodingGuess {
	/** The encoding to read with; undefined when a person must choose among `candidates`. */
	encoding?: CsvEncoding;
	/** How it was found. */
	by: 'bom' | 'detected' | 'chosen' | 'ambiguous';
	/** Encodings the bytes are plausibly in, most likely first. */
	candidates: CsvEncoding[];
	/** Length of the byte-order mark to skip. */
	bomLength: number;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
/** What iconv-lite is given for each: GB18030 is the superset of GBK (and of GB2312) that Windows writes. */
const iconvName: Record<CsvEncoding, string> = {
	'utf-8': 'utf-8',
	'utf-16le': 'utf-16le',
	'utf-16be': 'utf-16be',
	big5: 'big5',
	gbk: 'gb18030',
};

function bomOf(bytes: Uint8Array): { encoding: CsvEncoding; length: number } | undefined {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
	return undefined;
}

/**
 * UTF-16 without a BOM: a CSV's commas, digits, e-mail addresses and line
 * breaks are ASCII, so every other byte is zero. chardet recognises UTF-16
 * only by its BOM.
 */
function utf16WithoutBom(bytes: Uint8Array): CsvEncoding | undefined {
	const n = Math.min(bytes.length - (bytes.length % 2), 64 * 1024);
	if (n < 4) return undefined;
	let evenZeros = 0;
	let oddZeros = 0;
	for (let i = 0; i < n; i += 2) {
		if (bytes[i] === 0) evenZeros += 1;
		if (bytes[i + 1] === 0) oddZeros += 1;
	}
	const pairs = n / 2;
	if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05) return 'utf-16le';
	if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05) return 'utf-16be';
	return undefined;
}

/** Whether `bytes` decode without a single undecodable sequence. */
function decodesCleanly(bytes: Uint8Array, encoding: CsvEncoding): boolean {
	return pieceDecodes(bytes, encoding);
}

/** The share of non-ASCII bytes that belong to valid UTF-8 sequences (1 when there are none). */
function utf8Share(bytes: Uint8Array): number {
	const text = new TextDecoder('utf-8').decode(bytes);
	let bad = 0;
	let good = 0;
	for (const ch of text) {
		if (ch === '\uFFFD') bad += 1;
		else if (ch.codePointAt(0)! > 0x7f) good += Buffer.byteLength(ch);
	}
	return good + bad === 0 ? 1 : good / (good + bad);
}

/** How sure chardet is of each of our encodings (0–100). */
function confidences(bytes: Uint8Array): Partial<Record<CsvEncoding, number>> {
	const result: Partial<Record<CsvEncoding, number>> = {};
	for (const match of chardet().analyse(bytes)) {
		const encoding = encodingNamed(match.name);
		if (encoding && (result[encoding] ?? -1) < match.confidence) result[encoding] = match.confidence;
	}
	return result;
}

/** chardet's margin below which Big5 and GBK count as equally plausible. */
const AMBIGUOUS_MARGIN = 20;

/** The encoding to read `bytes` with: `chosen` when given, else the BOM, else detected (or ambiguous). */
export function guessEncoding(bytes: Uint8Array, chosen?: CsvEncoding): EncodingGuess {
	const bom = bomOf(bytes);
	if (chosen) {
		// A BOM of the chosen encoding is still skipped; another's would be text, which the person asked for.
		const skip = bom && bom.encoding === chosen ? bom.length : 0;
		return { encoding: chosen, by: 'chosen', candidates: [chosen], bomLength: skip };
	}
	if (bom) return { encoding: bom.encoding, by: 'bom', candidates: [bom.encoding], bomLength: bom.length };
	const utf16 = utf16WithoutBom(bytes);
	if (utf16) return { encoding: utf16, by: 'detected', candidates: [utf16], bomLength: 0 };
	try {
		utf8Fatal.decode(bytes);
		return { encoding: 'utf-8', by: 'detected', candidates: ['utf-8'], bomLength: 0 };
	} catch {
		// Not UTF-8 throughout: UTF-8 with a few bad bytes, or a legacy encoding.
	}
	const sample = bytes.subarray(0, 256 * 1024);
	// Mostly valid UTF-8 sequences with a stray bad one: a UTF-8 file with an error, to be named, not reread.
	if (utf8Share(sample) >= 0.75) return { encoding: 'utf-8', by: 'detected', candidates: ['utf-8'], bomLength: 0 };
	const sure = confidences(sample);
	const clean = (['big5', 'gbk'] as const).filter((e) => decodesCleanly(sample, e));
	const ranked = [...clean].sort((a, b) => (sure[b] ?? 0) - (sure[a] ?? 0));
	if (ranked.length === 0) {
		// Neither decodes: read as whichever chardet prefers, so the error names the first bad byte.
		const best = (sure.big5 ?? 0) >= (sure.gbk ?? 0) ? 'big5' : 'gbk';
		return { encoding: best, by: 'detected', candidates: [best], bomLength: 0 };
	}
	if (ranked.length === 1) return { encoding: ranked[0]!, by: 'detected', candidates: ranked, bomLength: 0 };
	const [first, second] = ranked as [CsvEncoding, CsvEncoding];
	if ((sure[first] ?? 0) - (sure[second] ?? 0) >= AMBIGUOUS_MARGIN)
		return { encoding: first, by: 'detected', candidates: ranked, bomLength: 0 };
	return { by: 'ambiguous', candidates: ranked, bomLength: 0 };
}

export interface Undecodable {
	/** The line (a CSV row unless a quoted field spans lines), the first being 1. */
	row: number;
	/** 1-based position in the file of the first byte that does not decode. */
	byte: number;
	/** The 0-based field of the row it is in (commas before it outside quotes). */
	field: number;
}

const codeUnit = (encoding: CsvEncoding) => (encoding.startsWith('utf-16') ? 2 : 1);

/** Byte offsets where lines start (after each LF; for UTF-16, the LF code unit). */
function lineStarts(bytes: Uint8Array, encoding: CsvEncoding, from: number): number[] {
	const starts = [from];
	const unit = codeUnit(encoding);
	for (let i = from; i + unit <= bytes.length; i += unit) {
		const isLf =
			unit === 1
				? bytes[i] === 0x0a
				: encoding === 'utf-16le'
					? bytes[i] === 0x0a && bytes[i + 1] === 0
					: bytes[i] === 0 && bytes[i + 1] === 0x0a;
		if (isLf) starts.push(i + unit);
	}
	return starts;
}

/** Decodes one piece strictly: true when every byte decodes. */
function pieceDecodes(piece: Uint8Array, encoding: CsvEncoding): boolean {
	if (encoding === 'utf-8') {
		try {
			utf8Fatal.decode(piece);
			return true;
		} catch {
			return false;
		}
	}
	if (encoding.startsWith('utf-16')) {
		if (piece.length % 2 !== 0) return false;
		try {
			new TextDecoder(encoding, { fatal: true }).decode(piece);
			return true;
		} catch {
			return false;
		}
	}
	// Big5 and GB18030 cannot encode U+FFFD, so one in the output is an undecodable sequence.
	return !iconv()
		.decode(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength), iconvName[encoding])
		.includes('\uFFFD');
}

/** Where in one bad line the first undecodable sequence starts: the last character boundary before the error. */
function badOffsetInLine(line: Uint8Array, encoding: CsvEncoding): { offset: number; before: string } {
	if (encoding === 'utf-8' || encoding.startsWith('utf-16')) {
		const decoder = new TextDecoder(encoding, { fatal: true });
		const unit = codeUnit(encoding);
		let boundary = 0;
		let before = '';
		for (let i = 0; i < line.length; i += unit) {
			try {
				const out = decoder.decode(line.subarray(i, i + unit), { stream: true });
				if (out) {
					before += out;
					boundary = i + unit;
				}
			} catch {
				return { offset: boundary, before };
			}
		}
		return { offset: boundary, before };
	}
	const decoder = iconv().getDecoder(iconvName[encoding]);
	let boundary = 0;
	let before = '';
	for (let i = 0; i < line.length; i++) {
		const out = decoder.write(Buffer.from([line[i]!]));
		const bad = out.indexOf('\uFFFD');
		if (bad >= 0) return { offset: boundary, before: before + out.slice(0, bad) };
		if (out) {
			before += out;
			boundary = i + 1;
		}
	}
	return { offset: boundary, before };
}

const fieldIndex = (textBefore: string) => {
	let field = 0;
	let quoted = false;
	for (const ch of textBefore) {
		if (ch === '"') quoted = !quoted;
		else if (ch === ',' && !quoted) field += 1;
	}
	return field;
};

/** The first undecodable sequence in `bytes` read as `encoding` (after `from`, the BOM), or undefined. */
export function findUndecodable(bytes: Uint8Array, encoding: CsvEncoding, from = 0): Undecodable | undefined {
	if (pieceDecodes(bytes.subarray(from), encoding)) return undefined;
	const starts = lineStarts(bytes, encoding, from);
	for (const [index, start] of starts.entries()) {
		const end = starts[index + 1] ?? bytes.length;
		const line = bytes.subarray(start, end);
		if (pieceDecodes(line, encoding)) continue;
		const { offset, before } = badOffsetInLine(line, encoding);
		return { row: index + 1, byte: start + offset + 1, field: fieldIndex(before) };
	}
	// Only the whole fails (e.g. an odd byte count in UTF-16): the end.
	return { row: starts.length, byte: bytes.length, field: 0 };
}

export type DecodeOutcome = { ok: true; text: string } | { ok: false; undecodable: Undecodable };

/** The text of `bytes` in `encoding`, skipping `bomLength` bytes; refuses anything that does not decode. */
export function decodeStrict(bytes: Uint8Array, encoding: CsvEncoding, bomLength = 0): DecodeOutcome {
	const undecodable = findUndecodable(bytes, encoding, bomLength);
	if (undecodable) return { ok: false, undecodable };
	const body = bytes.subarray(bomLength);
	return {
		ok: true,
		text: iconv().decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), iconvName[encoding], {
			stripBOM: false,
		}),
	};
}

/** The text as `encoding` would show it, undecodable bytes as U+FFFD: only for a preview a person compares. */
export function decodeForPreview(bytes: Uint8Array, encoding: CsvEncoding, bomLength = 0): string {
	const body = bytes.subarray(bomLength);
	return iconv().decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), iconvName[encoding], {
		stripBOM: false,
	});
}
