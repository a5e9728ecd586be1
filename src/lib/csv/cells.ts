/**
 * Every CSV Zhidu writes goes through `stringifyCsv`, so a spreadsheet never
 * runs a cell as a formula (CSV injection, OWASP): a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`. Cells that
 * already start with quotes before such a character get one more, so
 * `restoreCell` (used by the roster import) gives back exactly what was
 * exported: an export re-imports unchanged.
 */
import { givingWay, type GiveWay } from '../give-way.ts';
import { onFirstUse } from '../on-first-use.ts';

const csvStringify = onFirstUse<typeof import('csv-stringify/sync')>('csv-stringify/sync');
const stringify: typeof import('csv-stringify/sync').stringify = (...args) => csvStringify().stringify(...args);

const formulaStart = /^'*[=+\-@\t\r]/;
const neutralised = /^'+[=+\-@\t\r]/;

/** The cell as written to a CSV file: `=1+1` → `'=1+1`. */
export const neutraliseCell = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);

/** The cell as read back from a CSV file Zhidu wrote: `'=1+1` → `=1+1`. */
export const restoreCell = (value: string): string => (neutralised.test(value) ? value.slice(1) : value);

export type CsvRecord = readonly (string | number)[];

const options = {
	record_delimiter: 'windows',
	// Numbers are cast to strings first, so a negative number is neutralised too.
	cast: { string: neutraliseCell, number: (value: number) => neutraliseCell(String(value)) },
} as const;

/** A CSV document (UTF-8 with BOM, CRLF: what spreadsheets open as UTF-8), every cell neutralised. */
export function stringifyCsv(columns: readonly string[], records: readonly CsvRecord[]): string {
	return stringify([[...columns], ...records], { ...options, bom: true });
}

/** Records per slice of a streamed document: a few milliseconds of work. */
const SLICE_RECORDS = 250;

/**
 * The same document as `stringifyCsv`, byte for byte, as slices of text for a
 * streamed answer: `records` is read lazily (what makes a record is done a
 * slice at a time too), and the server gives way to other requests between
 * slices (src/lib/give-way.ts).
 */
export async function* csvSlices(
	columns: readonly string[],
	records: Iterable<CsvRecord>,
	giveWay: GiveWay = givingWay(),
): AsyncGenerator<string> {
	let slice: CsvRecord[] = [[...columns]];
	let first = true;
	const text = () => {
		// Every record ends with CRLF, so slices join into the one document.
		const out = stringify(slice as (string | number)[][], { ...options, bom: first });
		first = false;
		slice = [];
		return out;
	};
	for (const record of records) {
		slice.push(record);
		if (slice.length >= SLICE_RECORDS) {
			yield text();
			if (giveWay.due()) await giveWay.turn();
		}
	}
	if (slice.length > 0 || first) yield text();
}
