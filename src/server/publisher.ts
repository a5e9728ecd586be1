/**
 * Publication without a terminal. Chapter, version and print pages are prerendered (their MDX is compiled
 * by the build), so a newly approved version needs a build: after approval the server runs `astro build`
 * in the background into a new folder and, when it succeeds, swaps it in whole for the next request
 * (createRequestHandler().swap). A failed build leaves the current site serving and keeps the error for
 * HR's pages. Which version is in force on a day is decided per request (the runtime catalog), so an
 * approved version takes effect at the company's midnight on its effective date with no command.
 *
 * Several instances on one PostgreSQL: each approval is a `workflow_events` row; every instance polls for
 * rows newer than the last it saw (every 15 s), pulls the content from ZHIDU_CONTENT_REMOTE when set (the
 * approving instance pushed its commit there), reloads the catalog and rebuilds. docs/decisions.md.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Store } from '../lib/store/database.ts';
import type { AstroHandler, ServedBuild } from './app.ts';
import { inlineScriptHashes } from './security-headers.ts';

export interface PublishState {
	building: boolean;
	/** ISO instant the current build started. */
	buildingSince: string | undefined;
	lastBuild: { at: string; seconds: number; dir: string } | undefined;
	lastError: { at: string; output: string } | undefined;
	/** Builds swapped in since start. */
	generation: number;
}

export interface Publisher {
	/** Rebuilds (once more if a build is running) and swaps the result in; resolves when done or failed. */
	rebuild(reason: string): Promise<void>;
	state(): PublishState;
	/** Polls the store for approvals made by other instances. */
	watch(store: Store, onContent: () => void, everyMs?: number): () => void;
	/** This process's id: its own approvals' events carry it, so its watch skips them. */
	instance: string;
}

const key = Symbol.for('zhidu.publisher');

/** The server's publisher (set by src/server/main.ts), for pages and routes bundled apart from it. */
export function publisher(): Publisher | undefined {
	return (globalThis as { [key]?: Publisher })[key];
}

export function createPublisher(options: {
	root: string;
	distDir: string;
	swap: (build: ServedBuild) => void;
	log?: (line: string) => void;
	/** Runs before each build (e.g. git pull of the content remote). */
	beforeBuild?: (() => void) | undefined;
}): Publisher {
	const log = options.log ?? ((line: string) => console.log(line));
	const buildsDir = join(dirname(options.distDir), `${basename(options.distDir)}.builds`);
	const state: PublishState = {
		building: false,
		buildingSince: undefined,
		lastBuild: undefined,
		lastError: undefined,
		generation: 0,
	};
	const instance = randomUUID();
	let running: Promise<void> | undefined;
	let again = false;

	const buildOnce = async (reason: string): Promise<void> => {
		state.building = true;
		state.buildingSince = new Date().toISOString();
		const started = Date.now();
		mkdirSync(buildsDir, { recursive: true });
		const outDir = join(buildsDir, String(started));
		log(`zhidu: publishing (${reason}): building ${outDir}`);
		try {
			options.beforeBuild?.();
		} catch (error) {
			log(`zhidu: publishing: ${(error as Error).message}`);
		}
		const astroBin = realpathSync(join(options.root, 'node_modules/.bin/astro'));
		const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
			const child = spawn(process.execPath, [astroBin, 'build', '--outDir', outDir], {
				cwd: options.root,
				// A build to serve is a production build whatever the server's own NODE_ENV: under another (a test
				// runner's "test") Vite builds a development bundle, whose pages reload the whole catalog per request.
				env: { ...process.env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' },
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let text = '';
			child.stdout.on('data', (d) => (text = (text + d).slice(-20_000)));
			child.stderr.on('data', (d) => (text = (text + d).slice(-20_000)));
			child.once('exit', (exit) => resolve({ code: exit, output: text }));
			child.once('error', (error) => resolve({ code: -1, output: String(error) }));
		});
		const entry = join(outDir, 'server', 'entry.mjs');
		if (code !== 0 || !existsSync(entry)) {
			state.lastError = { at: new Date().toISOString(), output: output.trim().split('\n').slice(-30).join('\n') };
			log(`zhidu: publishing failed; the current site keeps serving:\n${state.lastError.output}`);
			rmSync(outDir, { recursive: true, force: true });
			return;
		}
		const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
		const clientDir = join(outDir, 'client');
		options.swap({ clientDir, astro: handler, scriptHashes: inlineScriptHashes(clientDir) });
		state.generation++;
		state.lastError = undefined;
		state.lastBuild = { at: new Date().toISOString(), seconds: (Date.now() - started) / 1000, dir: outDir };
		log(`zhidu: published ${outDir} in ${state.lastBuild.seconds.toFixed(1)} s`);
		// Keep this build and the one before (requests in flight may still read it).
		const builds = readdirSync(buildsDir).sort();
		for (const old of builds.slice(0, -2)) rmSync(join(buildsDir, old), { recursive: true, force: true });
	};

	const rebuild = (reason: string): Promise<void> => {
		if (running) {
			again = true;
			return running;
		}
		running = (async () => {
			try {
				do {
					again = false;
					await buildOnce(reason);
				} while (again);
			} finally {
				state.building = false;
				state.buildingSince = undefined;
				running = undefined;
			}
		})();
		return running;
	};

	const watch = (store: Store, onContent: () => void, everyMs = 15_000) => {
		let seen: string | undefined;
		let stopped = false;
		const check = async () => {
			try {
				const rows = await store.db
					.selectFrom('workflow_events')
					.select(['created_at', 'detail'])
					.where('kind', '=', 'approved')
					.where('created_at', '>', seen ?? '')
					.orderBy('created_at', 'desc')
					.limit(50)
					.execute();
				const foreign = rows.filter((r) => (JSON.parse(r.detail) as { instance?: string }).instance !== instance);
				if (seen !== undefined && foreign.length) {
					try {
						options.beforeBuild?.();
					} catch (error) {
						log(`zhidu: publishing: ${(error as Error).message}`);
					}
					onContent();
					void rebuild('approved on another instance');
				}
				if (rows[0]) seen = rows[0].created_at;
				else seen ??= '';
			} catch (error) {
				log(`zhidu: publishing watch: ${(error as Error).message}`);
			}
		};
		void check();
		const timer = setInterval(() => {
			if (!stopped) void check();
		}, everyMs);
		timer.unref();
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	};

	const created: Publisher = { rebuild, state: () => ({ ...state }), watch, instance };
	(globalThis as { [key]?: Publisher })[key] = created;
	return created;
}
