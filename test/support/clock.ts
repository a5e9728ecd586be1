/**
 * The test clock a running server re-reads on every call (ZHIDU_NOW_FILE, honoured only with the test flag): a test
 * moves the server's "now" by writing the file, with no restart, as a real day passes for a server that keeps running.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestClock {
	/** The server's (and the in-process CLI's) environment for this clock. */
	env: Record<string, string>;
	/** Moves the clock to an instant (a Date or an ISO string). */
	set: (instant: Date | string) => void;
}

export function testClock(initial: Date | string): TestClock {
	const file = join(mkdtempSync(join(tmpdir(), 'zhidu-clock-')), 'now');
	const set = (instant: Date | string) =>
		writeFileSync(file, `${typeof instant === 'string' ? instant : instant.toISOString()}\n`);
	set(initial);
	// ZHIDU_NOW would win over the file: cleared in case the caller's environment has one.
	return { env: { ZHIDU_TEST_CLOCK: '1', ZHIDU_NOW_FILE: file, ZHIDU_NOW: '' }, set };
}
