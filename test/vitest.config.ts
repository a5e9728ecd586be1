import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import BuildsApartSequencer from './support/sequencer.ts';

/**
 * Four lanes (`npm test -- --project <lane>`), chosen by where a test file lives:
 * - unit: plain TypeScript, the CLI in-process, the stores on SQLite and PostgreSQL; no build, no server.
 * - build: reads a built site (test/site, test/api, test/search/cli) or builds one of its own content
 *   (test/workflow/workflow.test.ts).
 * - server: the real server process on the built site (test/server, test/security, test/search/api).
 * - browser: real Chromium against the built site and the real server: test/browser/, and any
 *   `*.browser.test.ts` elsewhere (e.g. test/security/https.browser.test.ts).
 * Only the lanes that read a built site run the build globalSetup, which builds each content set once
 * per run (shared by all three lanes) and reuses an earlier build whose stamp still matches. It builds in
 * the background: the unit lane runs first (sequence.groupOrder), while the builds run; the other lanes
 * wait for them in their setup file (test/support/await-builds.ts).
 */
const root = fileURLToPath(new URL('..', import.meta.url));

// Node's compile cache (V8's code and the TypeScript Node strips) for every process the run starts and inherits this
// environment: the test workers, ~100 real servers, the CLI, the builds. A server then starts in about two thirds of
// the CPU time. Node checks each entry against the file's content, so an edit is never run stale.
process.env['NODE_COMPILE_CACHE'] ??= join(root, 'node_modules/.cache/zhidu-test-compile');
// Passwords hashed at a test cost (src/lib/auth/secrets.ts): hundreds of scrypt hashes at ~1 ms instead of ~30 ms.
// Honoured only with the test flag, which also allows the test clock; the tests that check a server refuses the
// clock without it unset it themselves. test/security/sign-in.test.ts hashes its victim's password at the production cost.
process.env['ZHIDU_TEST_CLOCK'] ??= '1';
process.env['ZHIDU_TEST_PASSWORD_COST'] ??= 'low';

const browserFiles = ['test/browser/**/*.test.ts', 'test/**/*.browser.test.ts'];
const buildFiles = [
	'test/site/**/*.test.ts',
	'test/api/**/*.test.ts',
	'test/search/cli.test.ts',
	'test/workflow/workflow.test.ts',
];
const serverFiles = ['test/server/**/*.test.ts', 'test/security/**/*.test.ts', 'test/search/api.test.ts'];
const builtSite = ['test/support/build-site.ts'];
const awaitBuilds = ['test/support/await-builds.ts'];

export default defineConfig({
	// This file lives in test/ (the top level keeps to the design card's folders); paths are from the project root.
	root,
	test: {
		// Vitest's default is one worker fewer than the cores: one test file at a time on 2 cores. Most files wait on
		// real processes (the server, Chromium, PostgreSQL, builds), so one file more than the cores keeps them busy.
		maxWorkers: availableParallelism() + 1,
		testTimeout: 30_000,
		hookTimeout: 300_000,
		// expect.poll's own default is 1 s: too tight for a page or a delivery on a loaded machine.
		expect: { poll: { timeout: 60_000 } },
		// The files that build start apart (one build at a time: test/support/build-lock.ts).
		sequence: { sequencer: BuildsApartSequencer },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					// One worker runs many unit files (modules loaded once): the files restore what they change in
					// process.env, and hold no other process-wide state. About 40 % of the lane's CPU time.
					isolate: false,
					include: ['test/**/*.test.ts'],
					exclude: [...browserFiles, ...buildFiles, ...serverFiles],
					sequence: { groupOrder: 0 },
				},
			},
			{
				extends: true,
				test: {
					name: 'build',
					isolate: false,
					include: buildFiles,
					exclude: browserFiles,
					globalSetup: builtSite,
					setupFiles: awaitBuilds,
					sequence: { groupOrder: 1 },
				},
			},
			{
				extends: true,
				// Real processes on a shared, loaded machine: time limits catch hangs, not slowness.
				test: {
					name: 'server',
					isolate: false,
					include: serverFiles,
					exclude: browserFiles,
					globalSetup: builtSite,
					setupFiles: awaitBuilds,
					sequence: { groupOrder: 1 },
					testTimeout: 120_000,
				},
			},
			{
				extends: true,
				test: {
					name: 'browser',
					isolate: false,
					include: browserFiles,
					// One Chromium per worker, lent to each file the worker runs (test/support/browser.ts).
					provide: { browserLane: true },
					globalSetup: builtSite,
					setupFiles: awaitBuilds,
					sequence: { groupOrder: 1 },
					testTimeout: 120_000,
				},
			},
		],
	},
});
