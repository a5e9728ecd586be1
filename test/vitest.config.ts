import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Four lanes (`npm test -- --project <lane>`), chosen by where a test file lives:
 * - unit: plain TypeScript, the CLI in-process, the stores on SQLite and PostgreSQL; no build, no server.
 * - build: reads a built site (test/site, test/api, test/search/cli) or builds one of its own content.
 * - server: the real server process on the built site (test/server, test/security, test/search/api).
 * - browser: real Chromium against the built site and the real server: test/browser/, and any
 *   `*.browser.test.ts` elsewhere (e.g. test/security/https.browser.test.ts).
 * Only the lanes that read a built site run the build globalSetup, which builds each content set once
 * per run (shared by all three lanes) and reuses an earlier build whose stamp still matches.
 */
const browserFiles = ['test/browser/**/*.test.ts', 'test/**/*.browser.test.ts'];
const buildFiles = [
	'test/site/**/*.test.ts',
	'test/api/**/*.test.ts',
	'test/search/cli.test.ts',
	'test/workflow/**/*.test.ts',
];
const serverFiles = ['test/server/**/*.test.ts', 'test/security/**/*.test.ts', 'test/search/api.test.ts'];
const builtSite = ['test/support/build-site.ts'];

export default defineConfig({
	// This file lives in test/ (the top level keeps to the design card's folders); paths are from the project root.
	root: fileURLToPath(new URL('..', import.meta.url)),
	test: {
		testTimeout: 30_000,
		hookTimeout: 300_000,
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['test/**/*.test.ts'],
					exclude: [...browserFiles, ...buildFiles, ...serverFiles],
				},
			},
			{
				extends: true,
				test: { name: 'build', include: buildFiles, exclude: browserFiles, globalSetup: builtSite },
			},
			{
				extends: true,
				// Real processes on a shared, loaded machine: time limits catch hangs, not slowness.
				test: {
					name: 'server',
					include: serverFiles,
					exclude: browserFiles,
					globalSetup: builtSite,
					testTimeout: 120_000,
				},
			},
			{
				extends: true,
				test: { name: 'browser', include: browserFiles, globalSetup: builtSite, testTimeout: 120_000 },
			},
		],
	},
});
