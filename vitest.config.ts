import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		// The site is built once for every test that reads pages.
		globalSetup: ['test/support/build-site.ts'],
		testTimeout: 30_000,
		hookTimeout: 300_000,
	},
});
