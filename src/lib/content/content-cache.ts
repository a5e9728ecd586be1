/**
 * Loaded policies, kept on disk between loads: parsing a policy's chapters of
 * MDX takes a good part of a second, reading back what they parsed to a few
 * milliseconds. One file per policy, keyed by a hash of that policy's files
 * (paths and bytes) and of the loader's own code, so an edited chapter, or an
 * approval that rewrites one version.yaml, parses that one policy again and
 * reads the others back (at ~1,000 chapters a full parse is most of a minute).
 * A policy that cannot be read back is parsed again (and replaced); only a
 * policy that loaded without problems is kept. ZHIDU_CONTENT_CACHE=off turns
 * it off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { ContentError } from './errors.ts';
import type { LoadedPolicy } from './loader.ts';

const FORMAT = 2;
/** Cache files older than this are removed when a new one is written. */
const KEEP_DAYS = 7;

function filesUnder(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name))
		.sort();
}

let codeHash: string | undefined;
/**
 * The loader's code: its sources when they sit beside this file; in a bundle (the server's pages), the
 * bundled file this code is in.
 */
function codeKey(): string {
	if (codeHash) return codeHash;
	const hash = createHash('sha256');
	const here = import.meta.dirname;
	if (existsSync(join(here, 'loader.ts'))) {
		for (const dir of [here, resolve(here, '../catalog')])
			for (const file of filesUnder(dir).filter((f) => f.endsWith('.ts')))
				hash.update(`${relative(dir, file)}\0`).update(readFileSync(file));
	} else hash.update(readFileSync(fileURLToPath(import.meta.url)));
	return (codeHash = hash.digest('hex'));
}

export function cacheDir(): string {
	return resolve(process.env['ZHIDU_CACHE_DIR'] ?? join(process.cwd(), 'node_modules/.cache/zhidu'));
}

/**
 * The value kept under `key` (a hash of everything it depends on); otherwise `produce()`'s, kept when it
 * says so.
 */
function cached<T>(prefix: string, key: string, produce: () => { value: T; keep: boolean }): T {
	const cache = cacheDir();
	const file = join(cache, `${prefix}-${key}.bin`);
	try {
		if (existsSync(file)) return deserialize(readFileSync(file)) as T;
	} catch {
		// Unreadable (an older Node, a torn file): made again below and replaced.
	}
	const { value, keep } = produce();
	if (!keep) return value;
	try {
		mkdirSync(cache, { recursive: true });
		// Written whole under another name, then renamed: a concurrent load never reads half a file.
		const temporary = `${file}.${process.pid}.tmp`;
		writeFileSync(temporary, serialize(value));
		renameSync(temporary, file);
		const old = Date.now() - KEEP_DAYS * 86_400_000;
		for (const name of readdirSync(cache))
			if (/^(policy|content|yaml)-/.test(name) && statSync(join(cache, name)).mtimeMs < old)
				rmSync(join(cache, name), { force: true });
	} catch {
		// A read-only disk: nothing kept, nothing lost.
	}
	return value;
}

/**
 * The policy in `dir` from the cache when its files and the loader are unchanged; otherwise `load()`
 * (which reports its problems into `errors`), kept when it loaded without any.
 */
export function cachedPolicy(
	dir: string,
	root: string,
	errors: ContentError[],
	load: (errors: ContentError[]) => LoadedPolicy | undefined,
): LoadedPolicy | undefined {
	if (process.env['ZHIDU_CONTENT_CACHE'] === 'off') return load(errors);
	const hash = createHash('sha256').update(`${FORMAT}\0${codeKey()}\0${dir}\0${root}\0`);
	for (const file of filesUnder(dir)) hash.update(`\0${relative(dir, file)}\0`).update(readFileSync(file));
	return cached('policy', hash.digest('hex'), () => {
		const found: ContentError[] = [];
		const policy = load(found);
		errors.push(...found);
		return { value: policy, keep: !!policy && !found.length };
	});
}

/**
 * The data of a YAML text, read back when the same text was parsed before: parsing the quiz banks (about
 * 40 KB of YAML) was a tenth of a server's start. A text that does not parse throws as `parse` throws,
 * and nothing is kept. The cache lives under node_modules/, so reinstalling the parser clears it.
 */
export function cachedYaml(text: string, parse: (text: string) => unknown): unknown {
	if (process.env['ZHIDU_CONTENT_CACHE'] === 'off') return parse(text);
	const key = createHash('sha256').update(`${FORMAT}\0`).update(text).digest('hex');
	return cached('yaml', key, () => ({ value: parse(text), keep: true }));
}
