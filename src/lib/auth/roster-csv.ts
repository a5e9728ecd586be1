/**
 * The roster CSV HR imports and exports: employee id, name, email,
 * department, role (staff|hr), hire date, manager, with English column names
 * or Chinese headers (`rosterColumnHeaders`, the one list both use, so an
 * export re-imports as it is). Parsed with csv-parse;
 * every row is checked and every problem named by row and column, in the UI
 * language, before anything is written (src/lib/auth/roster-import.ts).
 *
 * The bytes are decoded first, in the encoding HR chose or the one detected
 * (src/lib/csv/encoding.ts: Big5, GBK, UTF-16 LE/BE, UTF-8 with or without
 * BOM); bytes that do not decode are an error naming the row, column and byte
 * position, never a U+FFFD stored in the roster. When Big5 and GBK are both
 * plausible nothing is read until a person chooses.
 *
 * A large file is parsed and checked in slices with a turn of the event loop
 * between them, so the server keeps answering while a roster is imported.
 */
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { calendarDate } from '../calendar-date.ts';
import { csvSlices, restoreCell, stringifyCsv } from '../csv/cells.ts';
import {
	decodeForPreview,
	decodeStrict,
	encodingLabel,
	guessEncoding,
	type CsvEncoding,
	type EncodingGuess,
} from '../csv/encoding.ts';
import type { Translate } from '../i18n/index.ts';
import { newPersonSchema, type NewPerson } from './people.ts';
import {
	optionalRosterColumns,
	roleWords,
	rosterColumnHeaders,
	rosterColumns,
	rosterHeaders,
	type RosterColumn,
	type RosterHeaderLanguage,
} from './roster-columns.ts';

const headerAliases: Record<string, RosterColumn> = Object.fromEntries(
	rosterColumns.map((column) => [rosterColumnHeaders[column], column]),
);

const roleNames: Record<string, 'staff' | 'hr'> = Object.fromEntries(
	Object.entries(roleWords).flatMap(([role, words]) => [
		[words.zh, role],
		[words.en, role],
	]),
) as Record<string, 'staff' | 'hr'>;

/** A person as the roster export writes them (the roster as of a date). */
export interface RosterFilePerson {
	employeeId: string;
	name: string;
	email: string;
	department: string;
	role: 'staff' | 'hr';
	hireDate: string | null;
	manager: string | null;
}

/** A person's cells in the roster file's column order, roles in `language`. */
function rosterRecord(p: RosterFilePerson, language: RosterHeaderLanguage): string[] {
	const cell: Record<RosterColumn, string> = {
		employee_id: p.employeeId,
		name: p.name,
		email: p.email,
		department: p.department,
		role: roleWords[p.role][language],
		hire_date: p.hireDate ?? '',
		manager: p.manager ?? '',
	};
	return rosterColumns.map((column) => cell[column]);
}

/**
 * The roster as a CSV file (UTF-8 with BOM, formula cells neutralised): every
 * column the import reads, headers and roles in `language`.
 */
export function rosterCsv(people: readonly RosterFilePerson[], language: RosterHeaderLanguage = 'zh'): string {
	return stringifyCsv(
		rosterHeaders(language),
		people.map((p) => rosterRecord(p, language)),
	);
}

/** The same file as slices of text, for a streamed answer on the server (csvSlices). */
export function rosterCsvSlices(
	people: readonly RosterFilePerson[],
	language: RosterHeaderLanguage = 'zh',
): AsyncGenerator<string> {
	return csvSlices(
		rosterHeaders(language),
		people.map((p) => rosterRecord(p, language)),
	);
}

const fieldColumn: Record<keyof NewPerson, RosterColumn> = {
	employeeId: 'employee_id',
	name: 'name',
	email: 'email',
	department: 'department',
	role: 'role',
	hireDate: 'hire_date',
	manager: 'manager',
};

export interface RosterProblem {
	/** The spreadsheet row: the header is row 1, the first person row 2. */
	row: number;
	/** The column as the file names it, or `(header)`, `(row)`, `(csv)`. */
	column: string;
	/** In the UI language. */
	message: string;
	/** For bytes that do not decode: their 1-based position in the file. */
	byte?: number;
}

export interface RosterRow {
	row: number;
	person: NewPerson & { role: 'staff' | 'hr' };
}

const controlCharacters = /[\u0000-\u001f\u007f]/;
/** Characters parsed, and rows checked, between turns of the event loop. */
const CHUNK = 32 * 1024;
const ROWS = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** csv-parse on the decoded text, a chunk at a time. */
async function parseCsvInChunks(text: string): Promise<string[][]> {
	const records: string[][] = [];
	await pipeline(
		async function* () {
			for (let i = 0; i < text.length; i += CHUNK) {
				yield text.slice(i, i + CHUNK);
				await yieldToEventLoop();
			}
		},
		parse({ skip_empty_lines: true, relax_column_count: true }),
		async (source: AsyncIterable<string[]>) => {
			for await (const record of source) records.push(record);
		},
	);
	return records;
}

/** The problem as one line, for the CLI and the HR page. */
export const describeProblem = (t: Translate, p: RosterProblem) =>
	t('rosterProblem', { row: p.row, column: p.column, message: p.message });

export interface ParsedRoster {
	rows: RosterRow[];
	problems: RosterProblem[];
	/** A column's header as the file names it (for problems found later). */
	headerOf: (column: RosterColumn) => string;
	/** The columns the file has (an optional column it leaves out is not compared with the roster). */
	columns: RosterColumn[];
	/** The encoding read with, how it was found, and the other plausible ones. */
	encoding: EncodingGuess;
}

export interface RosterReadOptions {
	/** The encoding HR chose; detected when absent. */
	encoding?: CsvEncoding | undefined;
}

const asBytes = (input: Uint8Array | string) => (typeof input === 'string' ? new TextEncoder().encode(input) : input);

/** The text of the file, or the problem that stops it being read (an ambiguous or undecodable encoding). */
function decodeRoster(
	bytes: Uint8Array,
	t: Translate,
	encoding: EncodingGuess,
): { text: string; problem?: undefined } | { text?: undefined; problem: RosterProblem } {
	if (!encoding.encoding)
		return {
			problem: {
				row: 1,
				column: '(encoding)',
				message: t('rosterEncodingAmbiguous', {
					candidates: encoding.candidates.map((e) => encodingLabel[e]).join(t('listSeparator')),
				}),
			},
		};
	const decoded = decodeStrict(bytes, encoding.encoding, encoding.bomLength);
	if (decoded.ok) return { text: decoded.text };
	const { row, byte, field } = decoded.undecodable;
	// Name the column by the header when the header itself decodes.
	const header = row > 1 ? decodeForPreview(bytes, encoding.encoding, encoding.bomLength).split(/\r?\n/, 1)[0] : '';
	const column = header?.split(',')[field]?.trim() || `(${t('rosterFieldNumber', { n: field + 1 })})`;
	return {
		problem: {
			row,
			column,
			byte,
			message: t('rosterUndecodable', { encoding: encodingLabel[encoding.encoding], byte }),
		},
	};
}

export interface RosterPreview {
	encoding: EncodingGuess;
	/** The first records as read with `encoding` (header first); empty when ambiguous. */
	rows: string[][];
	/** When ambiguous: the first records as each candidate would read them, for a person to compare. */
	alternatives: { encoding: CsvEncoding; rows: string[][] }[];
	/** A problem that stops the file being read (undecodable, not CSV), if any. */
	problem?: RosterProblem | undefined;
}

/** The first `count` records of a roster file, in the chosen or detected encoding: what HR checks before importing. */
export async function previewRoster(
	input: Uint8Array | string,
	t: Translate,
	options: RosterReadOptions = {},
	count = 6,
): Promise<RosterPreview> {
	const bytes = asBytes(input);
	const encoding = guessEncoding(bytes, options.encoding);
	// The first records only, parsed at once: a few rows of the file's head, no turn of the event loop needed.
	// (Streamed with csv-parse's `to`, a file over one chunk left the preview waiting for ever.)
	const firstRecords = (text: string): string[][] => {
		try {
			return parseCsv(text.slice(0, 64 * 1024), { skip_empty_lines: true, relax_column_count: true, to: count });
		} catch {
			return text.split(/\r?\n/, count).map((line) => [line]);
		}
	};
	if (!encoding.encoding) {
		const alternatives = [];
		for (const candidate of encoding.candidates)
			alternatives.push({ encoding: candidate, rows: firstRecords(decodeForPreview(bytes, candidate)) });
		return { encoding, rows: [], alternatives, problem: decodeRoster(bytes, t, encoding).problem };
	}
	const { problem } = decodeRoster(bytes, t, encoding);
	// Even when some byte does not decode, show what does: the person sees where the encoding goes wrong.
	const rows = firstRecords(decodeForPreview(bytes, encoding.encoding, encoding.bomLength));
	return { encoding, rows, alternatives: [], ...(problem ? { problem } : {}) };
}

export async function parseRosterCsv(
	input: Uint8Array | string,
	t: Translate,
	options: RosterReadOptions = {},
): Promise<ParsedRoster> {
	const bytes = asBytes(input);
	const encoding = guessEncoding(bytes, options.encoding);
	const decoded = decodeRoster(bytes, t, encoding);
	if (decoded.problem) return { rows: [], problems: [decoded.problem], headerOf: String, columns: [], encoding };
	let records: string[][];
	try {
		records = await parseCsvInChunks(decoded.text);
	} catch (error) {
		const e = error as Error & { lines?: number };
		const detail = e.message.replace(/^[A-Z_]+:\s*/, '');
		return {
			rows: [],
			problems: [{ row: e.lines ?? 1, column: '(csv)', message: t('rosterNotCsv', { detail }) }],
			headerOf: String,
			columns: [],
			encoding,
		};
	}
	const problems: RosterProblem[] = [];
	const [rawHeader, ...body] = records;
	if (!rawHeader)
		return {
			rows: [],
			problems: [{ row: 1, column: '(csv)', message: t('rosterNoRows') }],
			headerOf: String,
			columns: [],
			encoding,
		};
	const headers = rawHeader.map((h) => h.trim());
	const columns = headers.map(
		(h) =>
			headerAliases[h] ??
			(rosterColumns as readonly string[]).find((c) => c === h.toLowerCase().replace(/[\s-]+/g, '_')),
	) as (RosterColumn | undefined)[];
	const missing = rosterColumns.filter((c) => !optionalRosterColumns.includes(c) && !columns.includes(c));
	if (missing.length)
		return {
			rows: [],
			problems: [{ row: 1, column: '(header)', message: t('rosterMissingColumns', { columns: missing.join(', ') }) }],
			headerOf: String,
			columns: [],
			encoding,
		};
	headers.forEach((h, i) => {
		if (!columns[i] && h !== '') problems.push({ row: 1, column: h, message: t('rosterUnknownColumn') });
	});
	if (body.length === 0) problems.push({ row: 2, column: '(csv)', message: t('rosterNoRows') });
	const headerOf = (column: RosterColumn) => headers[columns.indexOf(column)] ?? column;

	const rows: RosterRow[] = [];
	for (const [index, record] of body.entries()) {
		if (index % ROWS === ROWS - 1) await yieldToEventLoop();
		const row = index + 2;
		if (record.length !== headers.length) {
			problems.push({
				row,
				column: '(row)',
				message: t('rosterFieldCount', { found: record.length, expected: headers.length }),
			});
			continue;
		}
		const values: Partial<Record<RosterColumn, string>> = {};
		record.forEach((text, i) => {
			const column = columns[i];
			// The export puts a `'` before cells a spreadsheet would run as formulas; take it off again.
			if (column) values[column] = restoreCell(text.trim()).trim();
		});
		const role = roleNames[(values.role ?? '').toLowerCase()];
		const candidate = {
			employeeId: values.employee_id ?? '',
			name: values.name ?? '',
			email: values.email ?? '',
			department: values.department ?? '',
			role: role ?? (values.role as 'staff'),
			...(values.hire_date ? { hireDate: values.hire_date } : {}),
			...(values.manager ? { manager: values.manager } : {}),
		};
		const before = problems.length;
		for (const field of ['employeeId', 'name', 'email', 'department'] as const)
			if (controlCharacters.test(candidate[field]))
				problems.push({ row, column: headerOf(fieldColumn[field]), message: t('rosterControlCharacters') });
		const parsed = newPersonSchema.safeParse(candidate);
		if (!parsed.success) {
			const seen = new Set<string>();
			for (const issue of parsed.error.issues) {
				const field = String(issue.path[0]) as keyof NewPerson;
				if (seen.has(field)) continue;
				seen.add(field);
				const message =
					field === 'email'
						? t('rosterNotEmail')
						: field === 'role'
							? t('rosterBadRole')
							: field === 'hireDate'
								? t('rosterBadDate')
								: t('rosterRequired');
				problems.push({ row, column: headerOf(fieldColumn[field] ?? 'name'), message });
			}
		} else if (candidate.hireDate && !calendarDate.safeParse(candidate.hireDate).success)
			problems.push({ row, column: headerOf('hire_date'), message: t('rosterBadDate') });
		if (problems.length === before) rows.push({ row, person: { ...parsed.data!, role: parsed.data!.role } });
	}
	return { rows, problems, headerOf, columns: rosterColumns.filter((c) => columns.includes(c)), encoding };
}
