/**
 * Times shown to people: in the company time zone and the UI language, never
 * the server's or the browser's locale. One function for pages, certificates
 * and browser scripts (it has no Node dependencies).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: string, zone: string, withTime: boolean): Intl.DateTimeFormat {
	const key = `${lang}|${zone}|${withTime}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(lang, {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
		} as Intl.DateTimeFormatOptions);
		formats.set(key, format);
	}
	return format;
}

const toDate = (instant: Date | string) => (typeof instant === 'string' ? new Date(instant) : instant);

/** Date and time of an instant (e.g. "2026/03/02 00:30" in zh-Hant-TW, "03/02/2026, 00:30" in en). */
export function formatDateTime(instant: Date | string, lang: string, zone: string): string {
	return formatter(lang, zone, true).format(toDate(instant));
}

/** The calendar day of an instant, in the UI language, as the company counts days. */
export function formatDate(instant: Date | string, lang: string, zone: string): string {
	return formatter(lang, zone, false).format(toDate(instant));
}
