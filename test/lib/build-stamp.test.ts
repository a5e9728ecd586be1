/** When `npm start` (and the test build) must rebuild: the build stamp against the inputs, in-process. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentStamp, stampFileName, staleReason } from '#integrations/build-stamp.ts';

let root: string;
let out: string;
const write = (path: string, text: string) => {
	mkdirSync(dirname(join(root, path)), { recursive: true });
	writeFileSync(join(root, path), text);
};
const env = { ZHIDU_TIMEZONE: 'Asia/Taipei' };
/** Stands in for a finished build of `root` made with `buildEnv`. */
const buildWith = (buildEnv: Record<string, string>) => {
	write('dist/client/_astro/site.css', 'body{}');
	write('dist/server/entry.mjs', 'export {}');
	writeFileSync(join(out, stampFileName), JSON.stringify(currentStamp(root, buildEnv)));
};

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'zhidu-stamp-'));
	out = join(root, 'dist');
	write('content/policies/leave/policy.yaml', 'title: 請假\n');
	write('quizzes/leave.yaml', 'questions: []\n');
	write('src/pages/index.astro', '<h1>制度</h1>\n');
	write('astro.config.mjs', 'export default {};\n');
	write('other/policies/leave/policy.yaml', 'title: 另一份\n');
	buildWith(env);
	return () => rmSync(root, { recursive: true, force: true });
});

describe('build stamp', () => {
	it('is up to date when nothing changed, even if files were only touched', () => {
		expect(staleReason(out, currentStamp(root, env))).toBeUndefined();
		const later = new Date(Date.now() + 60_000);
		utimesSync(join(root, 'src/pages/index.astro'), later, later);
		expect(staleReason(out, currentStamp(root, env))).toBeUndefined();
	});

	it.each([
		['ZHIDU_UI_LANG', 'en', 'ZHIDU_UI_LANG changed (unset → en)'],
		['ZHIDU_TIMEZONE', 'Europe/Berlin', 'ZHIDU_TIMEZONE changed (Asia/Taipei → Europe/Berlin)'],
		['ZHIDU_CONTENT_DIR', 'other/policies', 'ZHIDU_CONTENT_DIR changed (unset → other/policies)'],
		['ZHIDU_PREVIEW', '1', 'ZHIDU_PREVIEW changed (unset → 1)'],
		['ZHIDU_QUIZZES_DIR', 'other/quizzes', 'ZHIDU_QUIZZES_DIR changed (unset → other/quizzes)'],
	])('rebuilds when %s changes', (name, value, reason) => {
		expect(staleReason(out, currentStamp(root, { ...env, [name]: value }))).toBe(reason);
	});

	it.each([
		['content', 'content/policies/leave/policy.yaml', 'title: 請假辦法\n'],
		['a quiz bank', 'quizzes/leave.yaml', 'questions: [{}]\n'],
		['code', 'src/pages/index.astro', '<h1>制度 2</h1>\n'],
		['a new code file', 'src/lib/new.ts', 'export {};\n'],
		['the Astro config', 'astro.config.mjs', 'export default { site: "x" };\n'],
	])('rebuilds when %s changes', (_what, path, text) => {
		write(path, text);
		expect(staleReason(out, currentStamp(root, env))).toBe('content, quiz banks or code changed since the last build');
	});

	it('follows ZHIDU_CONTENT_DIR outside content/: its files are inputs too', () => {
		const other = { ...env, ZHIDU_CONTENT_DIR: 'other/policies' };
		buildWith(other);
		expect(staleReason(out, currentStamp(root, other))).toBeUndefined();
		write('other/policies/leave/policy.yaml', 'title: 改了\n');
		expect(staleReason(out, currentStamp(root, other))).toMatch(/changed since the last build/);
	});

	it('rebuilds when the build is incomplete or has no stamp', () => {
		rmSync(join(out, stampFileName));
		expect(staleReason(out, currentStamp(root, env))).toBe(`${out} has no ${stampFileName}`);
		buildWith(env);
		rmSync(join(out, 'client/_astro'), { recursive: true });
		expect(staleReason(out, currentStamp(root, env))).toBe(`${out} has no complete build`);
	});
});
