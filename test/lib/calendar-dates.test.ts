/**
 * `todayIn` reads the date off the instant shifted by the zone's offset, worked out once per UTC day
 * (issue 19: a report dates thousands of records). It must agree with formatting the instant in the
 * zone, at every hour and around every daylight-saving change, in zones with whole-hour, half-hour and
 * 45-minute offsets and a 30-minute daylight-saving step.
 */
import { describe, expect, it } from 'vitest';
import { todayIn } from '#lib/calendar.ts';

const zones = [
	'Asia/Taipei',
	'UTC',
	'America/New_York',
	'Europe/London',
	'America/St_Johns',
	'Australia/Lord_Howe',
	'Asia/Kathmandu',
	'Pacific/Chatham',
	'Pacific/Kiritimati',
	'America/Santiago',
];
const formatted = (zone: string, instant: Date) =>
	new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
		instant,
	);

describe('todayIn', () => {
	it.each(zones)('agrees with the formatter every 7 minutes through 2026 in %s', (zone) => {
		const format = new Intl.DateTimeFormat('en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
		});
		const mismatches: string[] = [];
		// Every 7 minutes (and a few seconds more, so the minute and second vary): every hour boundary and
		// both daylight-saving changes of the year fall between two probes at most 7 minutes apart.
		for (let ms = Date.UTC(2025, 11, 30); ms < Date.UTC(2027, 0, 2); ms += 7 * 60_000 + 13_001) {
			const instant = new Date(ms);
			if (todayIn(zone, instant) !== format.format(instant)) mismatches.push(instant.toISOString());
		}
		expect(mismatches).toEqual([]);
	});

	it('agrees at the minutes around midnight and at the instants a zone changes its offset', () => {
		const instants = [
			'2026-03-08T06:59:59.999Z', // New York, just before 2:00 → 3:00
			'2026-03-08T07:00:00.000Z',
			'2026-11-01T05:59:59.999Z', // New York, just before 2:00 → 1:00
			'2026-11-01T06:00:00.000Z',
			'2026-04-04T14:59:59.999Z', // Lord Howe, 2:00 → 1:30
			'2026-04-04T15:00:00.000Z',
			'2026-11-22T15:59:59.999Z', // Taipei midnight
			'2026-11-22T16:00:00.000Z',
			'2026-11-22T18:14:59.999Z', // Kathmandu midnight
			'2026-11-22T18:15:00.000Z',
			'1970-01-01T00:00:00.000Z',
			'1969-12-31T23:59:59.999Z',
			'1900-06-15T12:00:00.000Z', // local mean time, offsets in seconds: the formatter decides
			'9999-12-31T12:00:00.000Z',
		].map((iso) => new Date(iso));
		for (const zone of zones)
			for (const instant of instants) expect(todayIn(zone, instant)).toBe(formatted(zone, instant));
	});
});
