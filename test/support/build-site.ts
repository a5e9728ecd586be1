/**
 * Builds each content set at most once per test run (vitest globalSetup of the
 * build, server and browser lanes), so every test that reads pages reads the
 * same real build. A build left by an earlier run is reused when its build
 * stamp still matches (same settings, same content and code: see
 * src/integrations/build-stamp.ts); ZHIDU_TEST_REBUILD=1 builds anyway.
 * Output goes to test-output/, never to dist/.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { currentStamp, staleReason } from '#integrations/build-stamp.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const astroBin = realpathSync(join(projectRoot, 'node_modules/.bin/astro'));

/** Runs `astro build` into outDir with the given environment; returns its exit code and output. */
export function buildSite(outDir: string, env: Record<string, string> = {}) {
	rmSync(outDir, { recursive: true, force: true });
	const result = spawnSync(process.execPath, [astroBin, 'build', '--outDir', outDir], {
		cwd: projectRoot,
		env: { ...process.env, ...env, ASTRO_TELEMETRY_DISABLED: '1' },
		encoding: 'utf8',
		timeout: 300_000,
	});
	return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
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
	}
}

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

/** Builds what is stale, one after another (builds share Astro's content cache in .astro/). */
function buildAll(): void {
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
		const { status, output } = buildSite(outDir, env);
		if (status !== 0) throw new Error(`astro build (${dir}) failed:\n${output}`);
	}
}

/** Every lane's globalSetup runs in the one vitest process: build once for all of them. */
const built = Symbol.for('zhidu.test.built');
const state = globalThis as { [built]?: true };

export default function setup(project: TestProject) {
	if (!state[built]) {
		buildAll();
		state[built] = true;
	}
	for (const [key, { dir }] of Object.entries(builds)) {
		const outDir = join(projectRoot, dir);
		// The prerendered site is in client/; server/ holds the on-demand routes for src/server.
		project.provide(key as keyof typeof builds, join(outDir, 'client'));
		if (key === 'siteDir') project.provide('serverDistDir', outDir);
	}
}
