/**
 * When a person may start again: the cool-down after a fail and the attempts
 * per company calendar day (the day from `todayIn(zone)`), and how that time
 * is said to people (company time zone, UI language).
 */
import { addDays, todayIn, type CalendarDate } from '../calendar.ts';

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(zone: string, instant: Date): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(instant);
	const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
	const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar date begins in a time zone. */
export function startOfDayIn(zone: string, date: CalendarDate): Date {
	const utcMidnight = Date.parse(`${date}T00:00:00Z`);
	let guess = utcMidnight - offsetMinutes(zone, new Date(utcMidnight)) * 60_000;
	// Once more, in case the offset changes between the guess and the answer (daylight saving).
	guess = utcMidnight - offsetMinutes(zone, new Date(guess)) * 60_000;
	return new Date(guess);
}

/** When the company's next calendar day starts, after an instant. */
export function nextCompanyDay(zone: string, instant: Date): Date {
	return startOfDayIn(zone, addDays(todayIn(zone, instant), 1));
}

/** A time as people read it: in the company's time zone and the UI language, with the zone named. */
export function formatCompanyTime(iso: string, zone: string, language: string): string {
	return new Intl.DateTimeFormat(language, {
		timeZone: zone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		timeZoneName: 'short',
	}).format(new Date(iso));
}
