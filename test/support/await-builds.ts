/**
 * Setup file of the lanes that read a build (test/vitest.config.ts): waits
 * until the globalSetup's background builds are done and the shared servers
 * answer (test/support/build-site.ts), before the test file is loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Ready } from './build-site.ts';

const readyFile = inject('buildsReadyFile');
// Generous: three builds on a loaded 2-core machine; this catches a hang, not slowness.
const deadline = Date.now() + 900_000;
while (!existsSync(readyFile)) {
	if (Date.now() > deadline) throw new Error(`the test builds were not ready after 15 minutes (${readyFile})`);
	await new Promise((r) => setTimeout(r, 200));
}
const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as Ready;
if ('error' in ready) throw new Error(ready.error);
