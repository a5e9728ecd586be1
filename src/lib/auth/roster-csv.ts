/**
 * The roster CSV HR imports: employee id, name, email, department, role
 * (staff|hr), hire date, with English column names or the Chinese headers of
 * the roster export (so an export re-imports as it is). Parsed with csv-parse;
 * every row is checked and every problem named by row and column, in the UI
 * language, before anything is written (src/lib/auth/roster-import.ts).
 *
 * The bytes are parsed as Latin-1 (one character per byte, so the CSV
 * structure, which is ASCII, is intact) and each field is then decoded as
 * UTF-8 with `fatal: true`: invalid UTF-8 is an error naming its row and
 * column, never a U+FFFD stored in the roster.
 *
 * A large file is parsed and checked in slices with a turn of the event loop
 * between them, so the server keeps answering while a roster is imported.
 */
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { calendarDate } from '../calendar.ts';
import { restoreCell } from '../csv/cells.ts';
import type { Translate } from '../i18n/index.ts';
import { newPersonSchema, type NewPerson } from './people.ts';

/** `manager` (optional, issue 16): the manager's employee id, for the manager's weekly digest. */
export const rosterColumns = ['employee_id', 'name', 'email', 'department', 'role', 'hire_date', 'manager'] as const;
export type RosterColumn = (typeof rosterColumns)[number];

/** The headers of the roster export (GET /api/v1/roster.csv), in its column order. */
export const rosterExportColumns = ['員工編號', '姓名', '電子郵件', '部門', '角色', '到職日'] as const;

const headerAliases: Record<string, RosterColumn> = {
	...Object.fromEntries(rosterExportColumns.map((header, i) => [header, rosterColumns[i]!])),
	主管: 'manager',
};

/** Roles as the export writes them (Chinese) or as HR types them. */
const roleNames: Record<string, 'staff' | 'hr'> = {
	staff: 'staff',
	hr: 'hr',
	員工: 'staff',
	人資: 'hr',
};

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
}

export interface RosterRow {
	row: number;
	person: NewPerson & { role: 'staff' | 'hr' };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const controlCharacters = /[\u0000-\u001f\u007f]/;
const bom = [0xef, 0xbb, 0xbf];
/** Bytes parsed, and rows checked, between turns of the event loop. */
const CHUNK = 32 * 1024;
const ROWS = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** csv-parse on the bytes, fields read as Latin-1, a chunk at a time. */
async function parseCsvInChunks(bytes: Uint8Array): Promise<string[][]> {
	const records: string[][] = [];
	const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	await pipeline(
		async function* () {
			for (let i = 0; i < buffer.length; i += CHUNK) {
				yield buffer.subarray(i, i + CHUNK);
				await yieldToEventLoop();
			}
		},
		parse({ skip_empty_lines: true, relax_column_count: true, encoding: 'latin1' }),
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
}

export async function parseRosterCsv(input: Uint8Array | string, t: Translate): Promise<ParsedRoster> {
	let bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
	if (bom.every((b, i) => bytes[i] === b)) bytes = bytes.subarray(3);
	let records: string[][];
	try {
		records = await parseCsvInChunks(bytes);
	} catch (error) {
		const e = error as Error & { lines?: number };
		const detail = e.message.replace(/^[A-Z_]+:\s*/, '');
		return {
			rows: [],
			problems: [{ row: e.lines ?? 1, column: '(csv)', message: t('rosterNotCsv', { detail }) }],
			headerOf: String,
		};
	}
	const problems: RosterProblem[] = [];
	const decode = (raw: string, row: number, column: string): string | undefined => {
		try {
			return utf8.decode(Buffer.from(raw, 'latin1'));
		} catch {
			problems.push({ row, column, message: t('rosterInvalidUtf8') });
			return undefined;
		}
	};

	const [rawHeader, ...body] = records;
	if (!rawHeader)
		return { rows: [], problems: [{ row: 1, column: '(csv)', message: t('rosterNoRows') }], headerOf: String };
	const headers = rawHeader.map((h, i) => decode(h, 1, `(header ${i + 1})`)?.trim() ?? '');
	const columns = headers.map(
		(h) =>
			headerAliases[h] ??
			(rosterColumns as readonly string[]).find((c) => c === h.toLowerCase().replace(/[\s-]+/g, '_')),
	) as (RosterColumn | undefined)[];
	if (problems.length) return { rows: [], problems, headerOf: String };
	const missing = rosterColumns.filter((c) => c !== 'hire_date' && c !== 'manager' && !columns.includes(c));
	if (missing.length)
		return {
			rows: [],
			problems: [{ row: 1, column: '(header)', message: t('rosterMissingColumns', { columns: missing.join(', ') }) }],
			headerOf: String,
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
		let ok = true;
		record.forEach((raw, i) => {
			const column = columns[i];
			if (!column) return;
			const text = decode(raw, row, headers[i]!);
			if (text === undefined) ok = false;
			// The export puts a `'` before cells a spreadsheet would run as formulas; take it off again.
			else values[column] = restoreCell(text.trim()).trim();
		});
		if (!ok) continue;
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
	return { rows, problems, headerOf };
}
