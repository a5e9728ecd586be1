/**
 * Setup file of the lanes that read a build (test/vitest.config.ts): waits
 * until the globalSetup's background builds are done and the shared servers
 * answer (test/support/build-site.ts), before the test file is loaded. A file
 * that builds holds the build lock throughout, taken here before its own hooks
 * (test/support/build-lock.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { acquireBuildLockAsync, filesThatBuild, releaseBuildLock } from './build-lock.ts';
import { projectRoot, type Ready } from './build-site.ts';

const readyFile = inject('buildsReadyFile');
// Generous: three builds on a loaded 2-core machine; this catches a hang, not slowness.
const deadline = Date.now() + 900_000;
while (!existsSync(readyFile)) {
	if (Date.now() > deadline) throw new Error(`the test builds were not ready after 15 minutes (${readyFile})`);
	await new Promise((r) => setTimeout(r, 200));
}
const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as Ready;
if ('error' in ready) throw new Error(ready.error);

const testFile = () => relative(projectRoot, expect.getState().testPath ?? '');
const builds = () => filesThatBuild.includes(testFile());
// The wait has its own limit (the lock's 30 minutes), apart from the file's hooks and tests.
beforeAll(async () => {
	if (builds()) await acquireBuildLockAsync();
}, 1_900_000);
afterAll(() => {
	if (builds()) releaseBuildLock();
});
