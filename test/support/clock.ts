/**
 * The test clocks (honoured only with the test flag, ZHIDU_TEST_CLOCK=1). A fixed one (`clockOn`, ZHIDU_NOW) for
 * the in-process CLI; a movable one (`testClock`, ZHIDU_NOW_FILE: a file the server re-reads on every call) for a
 * running server, moved by writing the file, with no restart, as a real day passes for a server that keeps running.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Noon in Taipei (UTC+8) on a day: the instant the tests give for "that day" in the company's time zone. */
export const noonInTaipei = (day: string) => `${day}T04:00:00Z`;

/** The fixed test clock at noon on `day` in Asia/Taipei: the company's today for the CLI (and a build given it). */
export const clockOn = (day: string) => ({
	ZHIDU_TEST_CLOCK: '1',
	ZHIDU_NOW: noonInTaipei(day),
	ZHIDU_TIMEZONE: 'Asia/Taipei',
});

export interface TestClock {
	/** The server's (and the in-process CLI's) environment for this clock. */
	env: Record<string, string>;
	/** Moves the clock to an instant (a Date or an ISO string). */
	set: (instant: Date | string) => void;
	/** Moves the clock to noon in Taipei on a day (YYYY-MM-DD). */
	onDay: (day: string) => void;
}

export function testClock(initial: Date | string): TestClock {
	const file = join(mkdtempSync(join(tmpdir(), 'zhidu-clock-')), 'now');
	const set = (instant: Date | string) =>
		writeFileSync(file, `${typeof instant === 'string' ? instant : instant.toISOString()}\n`);
	set(initial);
	return {
		// ZHIDU_NOW would win over the file: cleared in case the caller's environment has one.
		env: { ZHIDU_TEST_CLOCK: '1', ZHIDU_NOW_FILE: file, ZHIDU_NOW: '' },
		set,
		onDay: (day) => set(noonInTaipei(day)),
	};
}
