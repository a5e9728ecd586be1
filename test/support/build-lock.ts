/**
 * One `astro build` of this project at a time across the test workers: builds
 * share Astro's content cache (.astro/ and node_modules/.astro/), and two at
 * once can bundle each other's chapters. A directory is the lock (mkdir is
 * atomic); it names its holder, so a lock left by a killed run is taken over.
 * Reentrant within a process.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const lockDir = join(import.meta.dirname, '../../test-output/.astro-build-lock');
const owner = join(lockDir, 'pid');
const pause = new Int32Array(new SharedArrayBuffer(4));
let held = 0;

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

/** Waits (blocking: callers build with spawnSync) until no other process builds. */
export function acquireBuildLock(): void {
	if (held++ > 0) return;
	mkdirSync(join(lockDir, '..'), { recursive: true });
	// Generous: the holder may be the publication test, minutes on a loaded machine; this catches a hang.
	const deadline = Date.now() + 30 * 60_000;
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(owner, String(process.pid));
			return;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		let holder = Number.NaN;
		try {
			holder = Number(readFileSync(owner, 'utf8'));
		} catch {
			// Just made, its pid not written yet.
		}
		if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(lockDir, { recursive: true, force: true });
		if (Date.now() > deadline) {
			held--;
			throw new Error(`another test build still holds ${lockDir} after 30 minutes`);
		}
		Atomics.wait(pause, 0, 0, 200);
	}
}

export function releaseBuildLock(): void {
	if (held === 0 || --held > 0) return;
	rmSync(lockDir, { recursive: true, force: true });
}

/** Test files whose server builds the site in the background (publication): they hold the lock throughout. */
export const filesThatPublish = ['test/browser/cms.test.ts'];
