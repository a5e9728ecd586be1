/**
 * Precompressed copies of the static site: after the build (and after the
 * Pagefind index), every compressible file in the client folder over 1 KiB
 * gets a Brotli (`.br`) and a gzip (`.gz`) copy beside it, which the server
 * sends to a client that accepts them (src/server/static-files.ts): nothing
 * is compressed per request. Pagefind's own chunks are compressed already.
 *
 * Compressing is most of a large build (at ~1,000 chapters, minutes on a busy
 * machine), and a rebuild after one approval changes a few dozen files: the
 * copies are kept in the cache folder by the hash of the bytes they compress,
 * so only new or changed files are compressed again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { cacheDir } from '../lib/content/content-cache.ts';

export const compressible = new Set(['.html', '.css', '.js', '.mjs', '.json', '.svg', '.txt', '.xml', '.wasm']);
const MIN_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* filesUnder(dir: string): AsyncGenerator<string> {
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* filesUnder(path);
		else if (entry.isFile() && compressible.has(extname(entry.name).toLowerCase())) yield path;
	}
}

/** The settings below: a cached copy made with other settings is not reused. */
const FORMAT = 'br9-gz9';
/** Cached copies not used for this long are removed at the end of a run. */
const KEEP_DAYS = 7;

async function compress(body: Buffer): Promise<[Buffer, Buffer]> {
	return Promise.all([
		brotli(body, {
			params: {
				// 9, not 11: several times faster on ~2,000 pages, a few per cent larger.
				[constants.BROTLI_PARAM_QUALITY]: 9,
				[constants.BROTLI_PARAM_SIZE_HINT]: body.length,
			},
		}),
		gz(body, { level: constants.Z_BEST_COMPRESSION }),
	]);
}

/** The copies from the cache when these bytes were compressed before; otherwise compressed and kept. */
async function cachedCompress(body: Buffer, cache: string): Promise<{ copies: [Buffer, Buffer]; hit: boolean }> {
	const key = createHash('sha256').update(FORMAT).update('\0').update(body).digest('hex');
	const base = join(cache, key.slice(0, 2), key);
	try {
		const copies = await Promise.all([readFile(`${base}.br`), readFile(`${base}.gz`)]);
		const now = new Date();
		await Promise.all([utimes(`${base}.br`, now, now), utimes(`${base}.gz`, now, now)]);
		return { copies, hit: true };
	} catch {
		// Not cached yet (or removed meanwhile): compress below.
	}
	const copies = await compress(body);
	try {
		await mkdir(join(cache, key.slice(0, 2)), { recursive: true });
		// Written whole under another name, then renamed: a concurrent build never reads half a copy.
		const temporary = `${base}.${process.pid}.${Math.random().toString(36).slice(2)}`;
		await writeFile(`${temporary}.br`, copies[0]);
		await writeFile(`${temporary}.gz`, copies[1]);
		await rename(`${temporary}.br`, `${base}.br`);
		await rename(`${temporary}.gz`, `${base}.gz`);
	} catch {
		// A read-only cache: the copies are still written beside the file.
	}
	return { copies, hit: false };
}

async function pruneCache(cache: string): Promise<void> {
	const old = Date.now() - KEEP_DAYS * 86_400_000;
	try {
		for (const dir of await readdir(cache))
			for (const name of await readdir(join(cache, dir))) {
				const path = join(cache, dir, name);
				if ((await stat(path)).mtimeMs < old) await rm(path, { force: true });
			}
	} catch {
		// Another build pruning at the same time, or no cache: nothing to do.
	}
}

/**
 * Writes `<file>.br` and `<file>.gz` for each compressible file of `dir`; returns how many files and how
 * many of them were compressed (the others came from `cache`, by the hash of their bytes; `null`: no cache).
 */
export async function precompress(
	dir: string,
	cache: string | null = join(cacheDir(), 'precompress'),
): Promise<{ files: number; compressed: number }> {
	const files: string[] = [];
	for await (const file of filesUnder(dir)) if ((await stat(file)).size >= MIN_BYTES) files.push(file);
	let next = 0;
	let compressed = 0;
	const worker = async () => {
		while (next < files.length) {
			const file = files[next++]!;
			const body = await readFile(file);
			const { copies, hit } = cache ? await cachedCompress(body, cache) : { copies: await compress(body), hit: false };
			if (!hit) compressed++;
			await Promise.all([writeFile(`${file}.br`, copies[0]), writeFile(`${file}.gz`, copies[1])]);
		}
	};
	// A few at a time: zlib runs on libuv's thread pool.
	await Promise.all(Array.from({ length: 4 }, worker));
	if (cache) await pruneCache(cache);
	return { files: files.length, compressed };
}

export default function precompressIntegration(): AstroIntegration {
	return {
		name: 'zhidu-precompress',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const t0 = performance.now();
				const { files, compressed } = await precompress(fileURLToPath(dir));
				logger.info(
					`Brotli and gzip copies of ${files} files (${compressed} compressed, the others from the cache) in ${Math.round(performance.now() - t0)} ms`,
				);
			},
		},
	};
}
