/**
 * globalSetup of the browser lane: one Chromium per worker slot for the run
 * instead of one per test file (a launch costs about a second, more on a
 * loaded machine). Test files connect through launchChromium()
 * (test/support/browser.ts).
 */
import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './browser.ts';

export default async function setup(project: TestProject) {
	const slots = project.config.maxWorkers;
	const servers = await Promise.all(Array.from({ length: slots }, () => launchChromiumServer()));
	project.provide(
		'chromiumEndpoints',
		servers.map((server) => server.wsEndpoint()),
	);
	return async () => {
		await Promise.all(servers.map((server) => server.close()));
	};
}
