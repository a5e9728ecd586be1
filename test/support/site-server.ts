/**
 * Serves a built site through the real Zhidu server (src/server), public read
 * access and a throwaway SQLite database, so browser tests see exactly what
 * people get: the same pipeline, headers and Content-Security-Policy.
 *
 * These servers only read (public pages, search, JSON), so the globalSetup
 * starts one per build and settings for the whole run (startSharedSites below,
 * their URLs in the run's ready file) and serveSite hands that one out instead
 * of starting a process per test file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inject } from 'vitest';
import type { Ready } from './build-site.ts';
import { sqliteFileInTemp } from './databases.ts';
import { startServer, type RunningServer } from './server-process.ts';

export interface ServedSite {
	url: string;
	close: () => Promise<void>;
}

/** What the server needs to know to serve the fixture builds (its API reads the content and quiz files). */
export const fixtureServerEnv = {
	ZHIDU_CONTENT_DIR: 'test/fixtures/content/policies',
	ZHIDU_QUIZZES_DIR: 'test/fixtures/quizzes',
};

/** One server per build folder and settings. */
export const sharedSiteKey = (clientDir: string, env: Record<string, string>) =>
	JSON.stringify([clientDir, Object.entries(env).sort(([a], [b]) => a.localeCompare(b))]);

function startSite(clientDir: string, env: Record<string, string>): Promise<RunningServer> {
	return startServer({ ZHIDU_READ: 'public', ZHIDU_DB_FILE: sqliteFileInTemp(), ...env }, dirname(clientDir));
}

/** The globalSetup's servers, by sharedSiteKey (none outside the lanes that build). */
function sharedSites(): Record<string, string> {
	const readyFile = inject('buildsReadyFile');
	if (!readyFile || !existsSync(readyFile)) return {};
	const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as Ready;
	return 'sharedSites' in ready ? ready.sharedSites : {};
}

/** `clientDir` is a build's client/ folder (what the globalSetup provides). */
export async function serveSite(clientDir: string, env: Record<string, string> = {}): Promise<ServedSite> {
	const shared = sharedSites()[sharedSiteKey(clientDir, env)];
	// The run's server outlives the file: closing it is the globalSetup's job.
	if (shared) return { url: shared, close: async () => {} };
	const server = await startSite(clientDir, env);
	return {
		url: server.url,
		close: async () => {
			await server.stop();
		},
	};
}

/**
 * For the globalSetup: starts the read-only servers the test files ask for most (in parallel), and
 * returns their URLs by key and a function that stops them.
 */
export async function startSharedSites(
	sites: { clientDir: string; env: Record<string, string> }[],
): Promise<{ urls: Record<string, string>; stop: () => Promise<void> }> {
	const servers = await Promise.all(sites.map(({ clientDir, env }) => startSite(clientDir, env)));
	const urls = Object.fromEntries(
		sites.map(({ clientDir, env }, i) => [sharedSiteKey(clientDir, env), servers[i]!.url]),
	);
	return {
		urls,
		stop: async () => {
			await Promise.all(servers.map((server) => server.stop()));
		},
	};
}
