/**
 * The index chunks read from a Pagefind bundle's metadata (what the browser
 * preloads): read from a bundle Pagefind itself writes, every chunk file is
 * listed once with its first and last word; each chunk gets a word that
 * Pagefind's search finds in it; bytes that are not Pagefind metadata are
 * refused with the file's name.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as pagefind from 'pagefind';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleIndexChunks, chunkProbes, metaIndexChunks } from '#lib/search/pagefind-chunks.ts';

const dir = mkdtempSync(join(tmpdir(), 'zhidu-pagefind-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Pagefind index chunks', { timeout: 120_000 }, () => {
	it('lists every chunk file of a bundle Pagefind wrote, with its word range', async () => {
		const { index } = await pagefind.createIndex({});
		// Enough distinct words for Pagefind to cut the index into several chunks.
		for (let page = 0; page < 40; page++) {
			const words = Array.from({ length: 400 }, (_, i) => `w${page}x${i}`).join(' ');
			await index!.addCustomRecord({ url: `/p${page}/`, content: words, language: 'und' });
		}
		await index!.writeFiles({ outputPath: dir });
		await pagefind.close();

		const chunks = bundleIndexChunks(dir);
		const files = readdirSync(join(dir, 'index')).sort();
		expect(files.length).toBeGreaterThan(1);
		expect(chunks.map((c) => `${c.hash}.pf_index`).sort()).toEqual(files);
		for (const chunk of chunks) expect(chunk.from <= chunk.to).toBe(true);
		expect(chunks.map((c) => c.from)).toContain('w0x0');
	});

	it("gives each chunk a word Pagefind's search finds in it, though bounds hold punctuation or are not words", () => {
		const chunks = [
			{ from: '1', to: '一', hash: 'a' },
			// Searched as 一, which lies in the chunk before.
			{ from: '一、', to: '三培', hash: 'b' },
			{ from: '三基', to: '与建', hash: 'c' },
			// Only words of the meta text, which no search of our tokens loads: none.
			{ from: '鼓勵甲', to: '鼓己乙、', hash: 'd' },
		];
		expect(chunkProbes(chunks, ['与', '一二', '三基', '一', '2', '1'])).toEqual(['1', '一二', '三基']);
	});

	it('refuses bytes that are not Pagefind metadata, naming the file', () => {
		expect(() => metaIndexChunks(gzipSync('{"not":"cbor"}'), 'pagefind.und_x.pf_meta')).toThrow(
			/pagefind\.und_x\.pf_meta: not Pagefind metadata/,
		);
	});
});
