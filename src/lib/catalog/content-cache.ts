/**
 * The loaded content, kept on disk between starts: parsing ~1,000 chapters of
 * MDX takes seconds, reading back what they parsed to takes a fraction of one.
 * The key is a hash of every content file (path and bytes) and of the loader's
 * own code, so an edited chapter or a changed loader is parsed again; a file
 * that cannot be read back is ignored (and replaced). Only a load without
 * errors is kept. Off when the loader's source is not beside this file (code
 * bundled by the build) or with ZHIDU_CONTENT_CACHE=off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { LoadedPolicy } from '../content/loader.ts';

const codeDirs = ['../content', '.'].map((dir) => resolve(import.meta.dirname, dir));
const FORMAT = 1;
/** Cache files older than this are removed when a new one is written. */
const KEEP_DAYS = 7;

function filesUnder(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
		.filter((entry) => entry.isFile())
		.map((entry) => join(entry.parentPath, entry.name))
		.sort();
}

function keyOf(contentDir: string, root: string): string | undefined {
	if (!existsSync(join(codeDirs[0]!, 'loader.ts'))) return undefined;
	const hash = createHash('sha256').update(`${FORMAT}\0${contentDir}\0${root}\0`);
	for (const dir of codeDirs)
		for (const file of filesUnder(dir).filter((f) => f.endsWith('.ts')))
			hash.update(`${relative(dir, file)}\0`).update(readFileSync(file));
	for (const file of filesUnder(contentDir))
		hash.update(`\0${relative(contentDir, file)}\0`).update(readFileSync(file));
	return hash.digest('hex');
}

export function cacheDir(): string {
	return resolve(process.env['ZHIDU_CACHE_DIR'] ?? join(process.cwd(), 'node_modules/.cache/zhidu'));
}

/** The policies from the cache when the content and loader are unchanged; otherwise `load()`, then kept. */
export function cachedPolicies(contentDir: string, root: string, load: () => LoadedPolicy[]): LoadedPolicy[] {
	if (process.env['ZHIDU_CONTENT_CACHE'] === 'off') return load();
	const key = keyOf(contentDir, root);
	if (!key) return load();
	const dir = cacheDir();
	const file = join(dir, `content-${key}.bin`);
	try {
		if (existsSync(file)) return deserialize(readFileSync(file)) as LoadedPolicy[];
	} catch {
		// Unreadable (an older Node, a torn file): parse again below and replace it.
	}
	const policies = load();
	try {
		mkdirSync(dir, { recursive: true });
		// Written whole under another name, then renamed: a concurrent start never reads half a file.
		const temporary = `${file}.${process.pid}.tmp`;
		writeFileSync(temporary, serialize(policies));
		renameSync(temporary, file);
		const old = Date.now() - KEEP_DAYS * 86_400_000;
		for (const name of readdirSync(dir))
			if (name.startsWith('content-') && statSync(join(dir, name)).mtimeMs < old)
				rmSync(join(dir, name), { force: true });
	} catch {
		// A read-only disk: nothing kept, nothing lost.
	}
	return policies;
}
