/**
 * Every CSV Zhidu writes goes through `stringifyCsv`, so a spreadsheet never
 * runs a cell as a formula (CSV injection, OWASP): a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`. Cells that
 * already start with quotes before such a character get one more, so
 * `restoreCell` (used by the roster import) gives back exactly what was
 * exported: an export re-imports unchanged.
 */
import { stringify } from 'csv-stringify/sync';

const formulaStart = /^'*[=+\-@\t\r]/;
const neutralised = /^'+[=+\-@\t\r]/;

/** The cell as written to a CSV file: `=1+1` → `'=1+1`. */
export const neutraliseCell = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);

/** The cell as read back from a CSV file Zhidu wrote: `'=1+1` → `=1+1`. */
export const restoreCell = (value: string): string => (neutralised.test(value) ? value.slice(1) : value);

/** A CSV document (UTF-8 with BOM, CRLF: what spreadsheets open as UTF-8), every cell neutralised. */
export function stringifyCsv(columns: readonly string[], records: readonly (string | number)[][]): string {
	return stringify([[...columns], ...records], {
		bom: true,
		record_delimiter: 'windows',
		// Numbers are cast to strings first, so a negative number is neutralised too.
		cast: { string: neutraliseCell, number: (value) => neutraliseCell(String(value)) },
	});
}
