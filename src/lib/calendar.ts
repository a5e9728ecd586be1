/**
 * The company calendar: every "today" in Zhidu is the calendar date in
 * ZHIDU_TIMEZONE, from `companyToday()`. A calendar date is a `YYYY-MM-DD`
 * string naming a real day (`isRealDate`), validated by one schema
 * (`calendarDate`, in calendar-date.ts: kept apart so that reading today's
 * date does not load zod, which `zhidu search` would pay for on every run).
 *
 * The clock is injectable for tests only: `ZHIDU_NOW` (an ISO instant) or
 * `ZHIDU_NOW_FILE` (a file holding one, re-read on every call, so a test can
 * move a running server's clock) are honoured when the test suite sets
 * `ZHIDU_TEST_CLOCK=1`, and refused otherwise, so a production server can
 * never be started on a wrong day.
 */
import { readFileSync } from 'node:fs';

/** Whether a `YYYY-MM-DD` string names a day that exists (2026-02-30 does not). */
export const isRealDate = (s: string): boolean => {
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

export type CalendarDate = string;

/** Zones already found valid: making a formatter to check costs ~100 µs, and every request asks for today. */
const validZones = new Set<string>();

export function isTimeZone(zone: string): boolean {
	if (validZones.has(zone)) return true;
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		validZones.add(zone);
		return true;
	} catch {
		return false;
	}
}

export class ClockError extends Error {
	override name = 'ClockError';
}

/** The current instant: the real clock, or ZHIDU_NOW / ZHIDU_NOW_FILE under the test flag. */
export function now(env: Record<string, string | undefined> = process.env): Date {
	const injected = env['ZHIDU_NOW'];
	const file = env['ZHIDU_NOW_FILE'];
	if (!injected && !file) return new Date();
	const name = injected ? 'ZHIDU_NOW' : 'ZHIDU_NOW_FILE';
	if (env['ZHIDU_TEST_CLOCK'] !== '1') {
		throw new ClockError(`${name} is only honoured by the test suite (ZHIDU_TEST_CLOCK=1); unset it`);
	}
	let value = injected;
	if (!value) {
		try {
			value = readFileSync(file!, 'utf8').trim();
		} catch (error) {
			throw new ClockError(`ZHIDU_NOW_FILE: cannot read ${file}: ${(error as Error).message}`);
		}
	}
	const instant = new Date(value);
	if (Number.isNaN(instant.getTime())) throw new ClockError(`${name}: "${value}" is not an ISO date-time`);
	return instant;
}

const dateFormats = new Map<string, { format: Intl.DateTimeFormat; second: number; date: CalendarDate }>();
/** The calendar date (YYYY-MM-DD) of an instant in a time zone such as Asia/Taipei. */
export function todayIn(timeZone: string, instant: Date = now()): CalendarDate {
	let zone = dateFormats.get(timeZone);
	// en-CA formats as YYYY-MM-DD. Formatters are costly to make and are reused (thousands of records per report).
	if (!zone)
		dateFormats.set(
			timeZone,
			(zone = {
				format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
				second: NaN,
				date: '',
			}),
		);
	// Offsets are whole seconds (even the old local mean times), so the date is the same within a UTC second: the
	// last one is kept (every request asks for today, several times).
	const second = Math.floor(instant.getTime() / 1000);
	if (second !== zone.second) {
		zone.date = zone.format.format(instant);
		zone.second = second;
	}
	return zone.date;
}

/** The company's time zone (ZHIDU_TIMEZONE, default Asia/Taipei). */
export function companyTimeZone(env: Record<string, string | undefined> = process.env): string {
	const zone = env['ZHIDU_TIMEZONE'] || 'Asia/Taipei';
	if (!isTimeZone(zone)) throw new ClockError(`ZHIDU_TIMEZONE: "${zone}" is not an IANA time zone such as Asia/Taipei`);
	return zone;
}

/** Today in the company: the one "today" every rule, page and record uses. */
export function companyToday(env: Record<string, string | undefined> = process.env): CalendarDate {
	return todayIn(companyTimeZone(env), now(env));
}

/** Adds days to a calendar date. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
	const [y, m, d] = date.split('-').map(Number);
	return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Adds months to a calendar date, clamping to the month's last day (2026-01-31 + 1 → 2026-02-28). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
	const [y, m, d] = date.split('-').map(Number);
	const target = new Date(Date.UTC(y!, m! - 1 + months, 1));
	const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(d!, last));
	return target.toISOString().slice(0, 10);
}
