/**
 * The one calendar-date schema (a `YYYY-MM-DD` day that exists) for every
 * file, form and route. Apart from calendar.ts so that code which only needs
 * today's date (the CLI's search) does not load zod.
 */
import { z } from 'zod';
import { isRealDate } from './calendar.ts';

/** A calendar date `YYYY-MM-DD` that exists (2026-02-30 is refused), as text. */
export const calendarDateText = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, {
		error: (issue) => `expected a calendar date YYYY-MM-DD, got "${String(issue.input)}"`,
	})
	.refine(isRealDate, { error: (issue) => `"${String(issue.input)}" is not a real calendar date` });

/** The same, also accepting YAML's parsed dates, turned back into the date they name. */
export const calendarDate = z.preprocess(
	(value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value),
	calendarDateText,
);
