import { defineConfig } from 'vitest/config';
export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		globalSetup: ['test-output/local-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 300_000,
	},
});
