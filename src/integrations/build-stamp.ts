/**
 * A build stamp: what a build was made from, written to `<outDir>/build-stamp.json`
 * (beside client/ and server/, so never served) by every `astro build`.
 *
 * `npm start` (scripts/start.ts) and the test build (test/support/build-site.ts)
 * compare it with what a build would be made from now and rebuild only when it
 * differs: a setting that shapes the build (the variables below) or the content
 * of any input file (content, quiz banks, code, config, lock file). Contents are
 * hashed rather than compared by time, so a checkout or a copy that only
 * touches files does not rebuild, and an edit never hides behind an old mtime.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/** The environment variables that change what a build produces. */
export const buildSettings = [
	'ZHIDU_CONTENT_DIR',
	'ZHIDU_QUIZZES_DIR',
	'ZHIDU_PREVIEW',
	'ZHIDU_TIMEZONE',
	'ZHIDU_UI_LANG',
] as const;

export interface BuildStamp {
	/** The build settings as given (unset ones are absent). */
	settings: Partial<Record<(typeof buildSettings)[number], string>>;
	/** sha256 over the path and content of every input file. */
	inputs: string;
}

export const stampFileName = 'build-stamp.json';

type Env = Record<string, string | undefined>;

/** Files and folders a build reads, relative to the project root unless the settings point elsewhere. */
export function buildInputs(root: string, env: Env): string[] {
	const paths = [
		join(root, 'content'),
		resolve(root, env['ZHIDU_CONTENT_DIR'] || 'content/policies'),
		resolve(root, env['ZHIDU_QUIZZES_DIR'] || 'quizzes'),
		join(root, 'src'),
		join(root, 'public'),
		join(root, 'astro.config.mjs'),
		join(root, 'tsconfig.json'),
		join(root, 'package.json'),
		join(root, 'package-lock.json'),
	];
	return [...new Set(paths)];
}

function filesUnder(path: string): string[] {
	if (!existsSync(path)) return [];
	if (statSync(path).isFile()) return [path];
	return readdirSync(path, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name));
}

/** What a build of `root` with `env` would be made from now. */
export function currentStamp(root: string, env: Env = process.env): BuildStamp {
	const settings: BuildStamp['settings'] = {};
	for (const name of buildSettings) {
		const value = env[name];
		if (value !== undefined && value !== '') settings[name] = value;
	}
	const files = [...new Set(buildInputs(root, env).flatMap(filesUnder))].sort();
	const hash = createHash('sha256');
	for (const file of files) {
		hash.update(`${relative(root, file)}\0`);
		hash.update(readFileSync(file));
		hash.update('\0');
	}
	return { settings, inputs: hash.digest('hex') };
}

export function readStamp(outDir: string): BuildStamp | undefined {
	try {
		return JSON.parse(readFileSync(join(outDir, stampFileName), 'utf8')) as BuildStamp;
	} catch {
		return undefined;
	}
}

/** Why `outDir` must be rebuilt for `now`, or undefined when its build is up to date. */
export function staleReason(outDir: string, now: BuildStamp): string | undefined {
	// The home page is rendered on demand: a complete build is the server entry and a client folder with assets.
	if (!existsSync(join(outDir, 'client', '_astro')) || !existsSync(join(outDir, 'server', 'entry.mjs'))) {
		return `${outDir} has no complete build`;
	}
	const built = readStamp(outDir);
	if (!built) return `${outDir} has no ${stampFileName}`;
	const changed = buildSettings.filter((name) => built.settings[name] !== now.settings[name]);
	if (changed.length) {
		const show = (v: string | undefined) => (v === undefined ? 'unset' : v);
		return changed.map((n) => `${n} changed (${show(built.settings[n])} → ${show(now.settings[n])})`).join(', ');
	}
	if (built.inputs !== now.inputs) return 'content, quiz banks or code changed since the last build';
	return undefined;
}

/** Writes the stamp of the inputs as they were when the build started (list it last: after the search index). */
export default function buildStamp(): AstroIntegration {
	let root = process.cwd();
	let outDir = '';
	let stamp: BuildStamp | undefined;
	return {
		name: 'zhidu-build-stamp',
		hooks: {
			'astro:config:done': ({ config }) => {
				root = fileURLToPath(config.root);
				outDir = fileURLToPath(config.outDir);
			},
			'astro:build:start': () => {
				stamp = currentStamp(root);
				// A build that fails part way must not leave the previous stamp vouching for it.
				rmSync(join(outDir, stampFileName), { force: true });
			},
			'astro:build:done': () => {
				if (stamp) writeFileSync(join(outDir, stampFileName), JSON.stringify(stamp, null, '\t') + '\n');
			},
		},
	};
}
