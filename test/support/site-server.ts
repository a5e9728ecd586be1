/**
 * Serves a built site through the real Zhidu server (src/server), public read
 * access and a throwaway SQLite database, so browser tests see exactly what
 * people get: the same pipeline, headers and Content-Security-Policy.
 */
import { dirname } from 'node:path';
import { sqliteFileInTemp } from './databases.ts';
import { startServer } from './server-process.ts';

export interface ServedSite {
	url: string;
	close: () => Promise<void>;
}

/** `clientDir` is a build's client/ folder (what the globalSetup provides). */
export async function serveSite(clientDir: string, env: Record<string, string> = {}): Promise<ServedSite> {
	const server = await startServer(
		{ ZHIDU_READ: 'public', ZHIDU_DB_FILE: sqliteFileInTemp(), ...env },
		dirname(clientDir),
	);
	return {
		url: server.url,
		close: async () => {
			await server.stop();
		},
	};
}

/** What the server needs to know to serve the fixture builds (its API reads the content and quiz files). */
export const fixtureServerEnv = {
	ZHIDU_CONTENT_DIR: 'test/fixtures/content/policies',
	ZHIDU_QUIZZES_DIR: 'test/fixtures/quizzes',
};
