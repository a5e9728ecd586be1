/**
 * Builds each content set at most once per test run (vitest globalSetup of the
 * build, server and browser lanes), so every test that reads pages reads the
 * same real build. A build left by an earlier run is reused when its build
 * stamp still matches (same settings, same content and code: see
 * src/integrations/build-stamp.ts); ZHIDU_TEST_REBUILD=1 builds anyway.
 * Output goes to test-output/, never to dist/.
 *
 * The builds run in the background: the globalSetup returns at once, so the
 * unit lane (which needs no build; test/vitest.config.ts runs it first) uses
 * the time. The lanes that read a build wait for it in their setup file
 * (test/support/await-builds.ts) before each test file. After the builds, the
 * globalSetup starts the read-only servers that serveSite hands out
 * (test/support/site-server.ts) and writes where they are to the run's ready
 * file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { currentStamp, staleReason } from '#integrations/build-stamp.ts';
import { acquireBuildLock, releaseBuildLock } from './build-lock.ts';
import { fixtureServerEnv, startSharedSites } from './site-server.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const astroBin = realpathSync(join(projectRoot, 'node_modules/.bin/astro'));

const buildCommand = (outDir: string) => [astroBin, 'build', '--outDir', outDir];
// Built as production builds them: Vitest's NODE_ENV=test would make Vite build a development bundle.
const buildEnv = (env: Record<string, string>) => ({
	...process.env,
	NODE_ENV: 'production',
	...env,
	ASTRO_TELEMETRY_DISABLED: '1',
});

/**
 * Astro's content cache keeps the file path of a chapter whose text has not changed since the last build, even
 * when that build read another folder: a test that removes its content folder (the certification loop) would
 * break the next build. Each test build starts from an empty cache (under the build lock: no build is running).
 */
function clearContentCache(): void {
	rmSync(join(projectRoot, 'node_modules/.astro'), { recursive: true, force: true });
	for (const file of ['data-store.json', 'content-modules.mjs', 'content-assets.mjs'])
		rmSync(join(projectRoot, '.astro', file), { force: true });
}

/** Runs `astro build` into outDir with the given environment; returns its exit code and output. */
export function buildSite(outDir: string, env: Record<string, string> = {}) {
	rmSync(outDir, { recursive: true, force: true });
	acquireBuildLock();
	try {
		clearContentCache();
		const result = spawnSync(process.execPath, buildCommand(outDir), {
			cwd: projectRoot,
			env: buildEnv(env),
			encoding: 'utf8',
			timeout: 300_000,
		});
		return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
	} finally {
		releaseBuildLock();
	}
}

/** The same, without blocking this process (the globalSetup's builds). */
function buildSiteInBackground(outDir: string, env: Record<string, string>) {
	rmSync(outDir, { recursive: true, force: true });
	return new Promise<{ status: number | null; output: string }>((done) => {
		const child = spawn(process.execPath, buildCommand(outDir), { cwd: projectRoot, env: buildEnv(env) });
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const timer = setTimeout(() => child.kill(), 600_000);
		child.on('close', (status) => {
			clearTimeout(timer);
			done({ status, output });
		});
	});
}

declare module 'vitest' {
	export interface ProvidedContext {
		/** The site built from content/policies. */
		siteDir: string;
		/** The site built from the fixture policies (test/fixtures/content), drafts and in-review included. */
		fixtureSiteDir: string;
		/** The same fixtures built without ZHIDU_PREVIEW. */
		fixtureProductionSiteDir: string;
		/** The whole build of content/policies (client/ and server/), for the real server. */
		serverDistDir: string;
		/** Written when the builds are done and the shared servers answer (or with what failed): see Ready. */
		buildsReadyFile: string;
	}
}

/** The ready file's content. */
export type Ready = { sharedSites: Record<string, string> } | { error: string };

export const fixturePoliciesDir = join(projectRoot, 'test/fixtures/content/policies');
export const fixtureQuizzesDir = join(projectRoot, 'test/fixtures/quizzes');

const builds = {
	siteDir: { dir: 'test-output/site', env: {} },
	fixtureSiteDir: {
		dir: 'test-output/site-fixtures',
		env: { ZHIDU_CONTENT_DIR: fixturePoliciesDir, ZHIDU_QUIZZES_DIR: fixtureQuizzesDir, ZHIDU_PREVIEW: '1' },
	},
	fixtureProductionSiteDir: {
		dir: 'test-output/site-fixtures-production',
		env: { ZHIDU_CONTENT_DIR: fixturePoliciesDir, ZHIDU_QUIZZES_DIR: fixtureQuizzesDir },
	},
} as const;

const clientDir = (key: keyof typeof builds) => join(projectRoot, builds[key].dir, 'client');

/** Builds what is stale, one after another (one build at a time: test/support/build-lock.ts). */
async function buildAll(): Promise<void> {
	for (const { dir, env } of Object.values(builds)) {
		const outDir = join(projectRoot, dir);
		const stale =
			process.env['ZHIDU_TEST_REBUILD'] === '1'
				? 'ZHIDU_TEST_REBUILD=1'
				: staleReason(outDir, currentStamp(projectRoot, { ...process.env, ...env }));
		if (!stale) {
			console.log(`build-site: ${dir} is up to date`);
			continue;
		}
		console.log(`build-site: building ${dir} (${stale})`);
		acquireBuildLock();
		clearContentCache();
		const { status, output } = await buildSiteInBackground(outDir, env).finally(releaseBuildLock);
		if (status !== 0) throw new Error(`astro build (${dir}) failed:\n${output}`);
	}
}

/** Every lane's globalSetup runs in the one vitest process: build once, and start the shared servers once, for all of them. */
const started = Symbol.for('zhidu.test.builds');
const state = globalThis as {
	[started]?: { readyFile: string; servers: Promise<{ stop: () => Promise<void> } | undefined>; users: number };
};

function startBuilds() {
	const readyFile = join(projectRoot, 'test-output', `.ready-${process.pid}-${Date.now()}.json`);
	mkdirSync(join(projectRoot, 'test-output'), { recursive: true });
	// Whole or not at all: the waiting workers read it as soon as it exists.
	const write = (ready: Ready) => {
		writeFileSync(`${readyFile}.part`, JSON.stringify(ready));
		renameSync(`${readyFile}.part`, readyFile);
	};
	const servers = buildAll()
		.then(() =>
			// The read-only public servers most files read (serveSite hands them out): one per build and settings.
			startSharedSites([
				{ clientDir: clientDir('siteDir'), env: {} },
				{ clientDir: clientDir('fixtureSiteDir'), env: { ...fixtureServerEnv, ZHIDU_PREVIEW: '1' } },
				{ clientDir: clientDir('fixtureProductionSiteDir'), env: fixtureServerEnv },
			]),
		)
		.then(
			(shared) => {
				write({ sharedSites: shared.urls });
				return shared;
			},
			(error: unknown) => {
				write({ error: (error as Error).message });
				return undefined;
			},
		);
	return { readyFile, servers, users: 0 };
}

export default function setup(project: TestProject) {
	const shared = (state[started] ??= startBuilds());
	shared.users += 1;
	for (const key of Object.keys(builds) as (keyof typeof builds)[]) {
		// The prerendered site is in client/; server/ holds the on-demand routes for src/server.
		project.provide(key, clientDir(key));
		if (key === 'siteDir') project.provide('serverDistDir', join(projectRoot, builds[key].dir));
	}
	project.provide('buildsReadyFile', shared.readyFile);
	return async () => {
		shared.users -= 1;
		if (shared.users > 0) return;
		await (await shared.servers)?.stop();
		rmSync(shared.readyFile, { force: true });
	};
}
