import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { precompress } from '../../src/integrations/precompress.ts';

function site(pages: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'zhidu-precompress-'));
	for (const [name, text] of Object.entries(pages)) {
		mkdirSync(join(dir, name, '..'), { recursive: true });
		writeFileSync(join(dir, name), text);
	}
	return dir;
}

const page = (words: string) => `<!doctype html><p>${words.repeat(200)}</p>`;

describe('precompressed copies', () => {
	it('a rebuild compresses only the files whose bytes changed, and every copy holds its file', async () => {
		const cache = mkdtempSync(join(tmpdir(), 'zhidu-precompress-cache-'));
		const first = site({ 'a/index.html': page('第一條'), 'b/index.html': page('第二條'), 'tiny.css': 'p{}' });
		expect(await precompress(first, cache)).toEqual({ files: 2, compressed: 2 });

		// The next build: one page revised, one unchanged, one new.
		const next = site({
			'a/index.html': page('第一條（修訂）'),
			'b/index.html': page('第二條'),
			'c.js': page('const 條 = 1;'),
		});
		expect(await precompress(next, cache)).toEqual({ files: 3, compressed: 2 });
		for (const name of ['a/index.html', 'b/index.html', 'c.js']) {
			const body = readFileSync(join(next, name), 'utf8');
			expect(brotliDecompressSync(readFileSync(join(next, `${name}.br`))).toString()).toBe(body);
			expect(gunzipSync(readFileSync(join(next, `${name}.gz`))).toString()).toBe(body);
		}
	});

	it('without a cache every file is compressed', async () => {
		const dir = site({ 'a.html': page('條文') });
		expect(await precompress(dir, null)).toEqual({ files: 1, compressed: 1 });
		expect(gunzipSync(readFileSync(join(dir, 'a.html.gz'))).toString()).toBe(page('條文'));
	});
});
