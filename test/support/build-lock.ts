/**
 * One `astro build` of this project at a time across the test workers: builds
 * share Astro's content cache (.astro/ and node_modules/.astro/), and two at
 * once can bundle each other's chapters. A directory is the lock (mkdir is
 * atomic); it names its holder, so a lock left by a killed run is taken over.
 * Reentrant within a process.
 *
 * A file that builds takes it for each build only (buildSite, blocking: the build is spawnSync'd anyway), and the
 * publication test while its server builds an approved version: between their builds other builds go on. (Held
 * for a building file's whole run, the lock kept the run's third worker waiting for about 20 s.) The sequencer
 * (test/support/sequencer.ts) starts the publication test first and the building files next, so their builds
 * overlap the other files instead of running one after another at the end.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const lockDir = () => join(import.meta.dirname, '../../test-output/.astro-build-lock');
const owner = () => join(lockDir(), 'pid');
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

/** One try: true when this process now holds the lock. */
function tryLock(): boolean {
	try {
		mkdirSync(lockDir());
		writeFileSync(owner(), String(process.pid));
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	let holder = Number.NaN;
	try {
		holder = Number(readFileSync(owner(), 'utf8'));
	} catch {
		// Just made, its pid not written yet.
	}
	if (Number.isInteger(holder) && holder > 0 && !alive(holder)) rmSync(lockDir(), { recursive: true, force: true });
	return false;
}

// Generous: the holder may be the publication test, many minutes on a loaded machine; this catches a hang.
const waitLimit = 30 * 60_000;
const timedOut = () => new Error(`another test build still holds ${lockDir()} after 30 minutes`);

/** Waits, blocking (callers build with spawnSync), until no other process builds. */
export function acquireBuildLock(): void {
	if (held++ > 0) return;
	mkdirSync(join(lockDir(), '..'), { recursive: true });
	const deadline = Date.now() + waitLimit;
	while (!tryLock()) {
		if (Date.now() > deadline) {
			held--;
			throw timedOut();
		}
		Atomics.wait(pause, 0, 0, 200);
	}
}

/** The same without blocking the event loop. */
export async function acquireBuildLockAsync(): Promise<void> {
	if (held++ > 0) return;
	mkdirSync(join(lockDir(), '..'), { recursive: true });
	const deadline = Date.now() + waitLimit;
	while (!tryLock()) {
		if (Date.now() > deadline) {
			held--;
			throw timedOut();
		}
		await new Promise((r) => setTimeout(r, 500));
	}
}

export function releaseBuildLock(): void {
	if (held === 0 || --held > 0) return;
	rmSync(lockDir(), { recursive: true, force: true });
}

/** The publication test: its server builds the site in the background after an approval. */
export const publicationTest = 'test/browser/cms.test.ts';
/** Test files that run `astro build` themselves: started early (test/support/sequencer.ts). */
export const filesThatBuild = [
	'test/browser/certification-loop.test.ts',
	'test/workflow/workflow.test.ts',
	'test/site/build.test.ts',
];
