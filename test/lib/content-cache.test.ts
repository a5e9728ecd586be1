/**
 * The loaded content is kept on disk between starts (issue 19: cold start):
 * read back, it is what parsing gives; an edited chapter is parsed again.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedPolicies } from '#lib/catalog/content-cache.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';

const root = resolve(import.meta.dirname, '../..');

describe('content cache', () => {
	let cache: string;
	let content: string;
	const saved = process.env['ZHIDU_CACHE_DIR'];
	beforeEach(() => {
		const temp = mkdtempSync(join(tmpdir(), 'zhidu-content-cache-'));
		cache = join(temp, 'cache');
		content = join(temp, 'policies');
		cpSync(join(root, 'content/policies'), content, { recursive: true });
		process.env['ZHIDU_CACHE_DIR'] = cache;
	});
	afterEach(() => {
		if (saved === undefined) delete process.env['ZHIDU_CACHE_DIR'];
		else process.env['ZHIDU_CACHE_DIR'] = saved;
	});

	it('reads back what parsing gave, and parses again after an edit', () => {
		let parses = 0;
		const load = () => (parses++, loadContentOrThrow({ policiesDir: content, root }));
		const first = cachedPolicies(content, root, load);
		expect(parses).toBe(1);
		expect(readdirSync(cache).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
		const second = cachedPolicies(content, root, load);
		expect(parses).toBe(1);
		expect(second).toEqual(first);
		expect(second[0]!.versions[0]!.numbers.clauses).toBeInstanceOf(Map);

		const chapter = join(content, 'pharma-operations-department/1.1/01-總則.mdx');
		writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('總則', '總 則'));
		const third = cachedPolicies(content, root, load);
		expect(parses).toBe(2);
		expect(third).toEqual(loadContentOrThrow({ policiesDir: content, root }));
		expect(third).not.toEqual(first);
	});
});
