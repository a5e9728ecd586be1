/**
 * Loaded policies are kept on disk between loads (issue 19: cold start; issue 17: an approval rewrites one
 * version.yaml and must not parse every policy again): read back, a policy is what parsing gives; an
 * edited policy is parsed again, the others are read back; a policy with problems is never kept.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadContent, loadContentOrThrow } from '#lib/content/loader.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';

const root = resolve(import.meta.dirname, '../..');

describe('content cache', () => {
	let cache: string;
	let content: string;
	const saved = { dir: process.env['ZHIDU_CACHE_DIR'], switch: process.env['ZHIDU_CONTENT_CACHE'] };
	const kept = () =>
		readdirSync(cache)
			.filter((f) => f.endsWith('.bin'))
			.sort();
	const parsed = () => {
		process.env['ZHIDU_CONTENT_CACHE'] = 'off';
		try {
			return loadContent({ policiesDir: content, root });
		} finally {
			delete process.env['ZHIDU_CONTENT_CACHE'];
		}
	};
	beforeEach(() => {
		const temp = mkdtempSync(join(tmpdir(), 'zhidu-content-cache-'));
		cache = join(temp, 'cache');
		content = join(temp, 'policies');
		cpSync(join(root, 'content/policies'), content, { recursive: true });
		process.env['ZHIDU_CACHE_DIR'] = cache;
		delete process.env['ZHIDU_CONTENT_CACHE'];
	});
	afterEach(() => {
		for (const [name, value] of [
			['ZHIDU_CACHE_DIR', saved.dir],
			['ZHIDU_CONTENT_CACHE', saved.switch],
		] as const)
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
	});

	it('reads back what parsing gave, and parses again only the policy that changed', () => {
		const first = loadContentOrThrow({ policiesDir: content, root });
		expect(kept()).toHaveLength(2);
		const second = loadContentOrThrow({ policiesDir: content, root });
		expect(kept()).toHaveLength(2);
		expect(second).toEqual(first);
		expect(second[0]!.versions[0]!.numbers.clauses).toBeInstanceOf(Map);

		const before = kept();
		const chapter = join(content, 'pharma-operations-department/1.1/01-總則.mdx');
		writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('總則', '總 則'));
		const third = loadContentOrThrow({ policiesDir: content, root });
		// One new file: the edited policy's; the other policy was read back.
		expect(kept().filter((f) => !before.includes(f))).toHaveLength(1);
		expect(third).toEqual(parsed().policies);
		expect(third).not.toEqual(first);
	});

	it('never keeps a policy with problems: they are reported on every load', () => {
		const yaml = join(content, 'operating-model-process/1.1/version.yaml');
		writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^status: .*$/m, 'status: finished'));
		const first = loadContent({ policiesDir: content, root });
		expect(first.errors.map((e) => e.file).join()).toContain('operating-model-process');
		expect(kept()).toHaveLength(1);
		const second = loadContent({ policiesDir: content, root });
		expect(second.errors).toEqual(first.errors);
		expect(second.policies).toEqual(parsed().policies);
	});

	it('reads quiz banks back while their text is unchanged, and reports a broken bank every time', () => {
		const policies = loadContentOrThrow({ policiesDir: content, root });
		const quizzes = join(content, '..', 'quizzes');
		cpSync(join(root, 'quizzes'), quizzes, { recursive: true });
		const yamlKept = () => kept().filter((f) => f.startsWith('yaml-'));
		const first = loadQuizzes(quizzes, policies, root);
		expect(first.errors).toEqual([]);
		expect(yamlKept()).toHaveLength(2);
		const second = loadQuizzes(quizzes, policies, root);
		expect(second).toEqual(first);
		expect(yamlKept()).toHaveLength(2);

		// An edited bank is parsed again: the edit shows.
		const bank = join(quizzes, 'pharma-operations-department.yaml');
		const text = readFileSync(bank, 'utf8');
		const title = /^title: (.*)$/m.exec(text)![1]!;
		writeFileSync(bank, text.replace(/^title: .*$/m, 'title: 修訂後的測驗'));
		const edited = loadQuizzes(quizzes, policies, root);
		expect(edited.quizzes.find((q) => q.policy === 'pharma-operations-department')!.title).toBe('修訂後的測驗');
		expect(title).not.toBe('修訂後的測驗');
		expect(yamlKept()).toHaveLength(3);

		// YAML that does not parse is named on every load, and nothing is kept for it.
		writeFileSync(
			bank,
			`${text}
  - : [broken`,
		);
		for (let i = 0; i < 2; i++) {
			const broken = loadQuizzes(quizzes, policies, root);
			expect(broken.errors.map((e) => `${e.file} ${e.field}`)).toEqual([
				expect.stringMatching(/pharma-operations-department\.yaml \(yaml\)$/),
			]);
		}
		expect(yamlKept()).toHaveLength(3);
	});
});
