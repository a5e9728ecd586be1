/**
 * The index chunks of a written Pagefind bundle, read from its metadata
 * (`pagefind.<lang>_<hash>.pf_meta`: gzip, a signature, then CBOR: version,
 * pages, index chunks as `[from, to, hash]`, filters, sorts). A search for
 * one word of every chunk is how the browser loads them all ahead of time
 * (Pagefind's `preload`), so a later query never waits for a chunk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode } from 'cborg';

const signature = 'pagefind_dcd';

export interface IndexChunk {
	from: string;
	to: string;
	hash: string;
}

/** The index chunks of one metadata file's bytes (as written: gzipped). */
export function metaIndexChunks(file: Uint8Array, name = 'Pagefind metadata'): IndexChunk[] {
	let bytes = Buffer.from(file);
	if (bytes.subarray(0, signature.length).toString() !== signature) bytes = gunzipSync(bytes);
	if (bytes.subarray(0, signature.length).toString() !== signature)
		throw new Error(`${name}: not Pagefind metadata (no ${signature} signature)`);
	const meta: unknown = decode(bytes.subarray(signature.length), { useMaps: false });
	const chunks = Array.isArray(meta) ? meta[2] : undefined;
	if (!Array.isArray(chunks)) throw new Error(`${name}: no index chunk list (Pagefind's format changed?)`);
	return chunks.map((chunk: unknown, i) => {
		if (!Array.isArray(chunk) || !chunk.slice(0, 3).every((part) => typeof part === 'string'))
			throw new Error(`${name}: index chunk ${i} is not [from, to, hash]`);
		const [from, to, hash] = chunk as [string, string, string];
		return { from, to, hash };
	});
}

/** Every index chunk of the bundle in `bundleDir` (all languages). */
export function bundleIndexChunks(bundleDir: string): IndexChunk[] {
	return readdirSync(bundleDir)
		.filter((file) => file.endsWith('.pf_meta'))
		.flatMap((file) => metaIndexChunks(readFileSync(join(bundleDir, file)), file));
}

/** Rust's order of strings (UTF-8 bytes, i.e. code points), which Pagefind's chunk boundaries follow. */
const byteOrder = (a: Buffer, b: Buffer) => Buffer.compare(a, b);

/**
 * One word per chunk that Pagefind's search finds in that chunk: the first
 * of `words` (what a browser search looks up for the tokens we indexed:
 * folded, no punctuation) within the chunk's bounds, which are not always
 * words themselves. A chunk holding none of them (only words of the meta
 * text) gets none: no search of our tokens loads it either.
 */
export function chunkProbes(chunks: readonly IndexChunk[], words: Iterable<string>): string[] {
	const sorted = [...new Set(words)]
		.filter((word) => word && !/\s/.test(word))
		.map((word) => ({ word, bytes: Buffer.from(word) }))
		.sort((a, b) => byteOrder(a.bytes, b.bytes));
	const probes: string[] = [];
	for (const chunk of chunks) {
		const from = Buffer.from(chunk.from);
		// The first word at or after the chunk's start.
		let low = 0;
		let high = sorted.length;
		while (low < high) {
			const mid = (low + high) >> 1;
			if (byteOrder(sorted[mid]!.bytes, from) < 0) low = mid + 1;
			else high = mid;
		}
		const first = sorted[low];
		if (first && byteOrder(first.bytes, Buffer.from(chunk.to)) <= 0) probes.push(first.word);
	}
	return probes;
}
