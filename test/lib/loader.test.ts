/**
 * Broken content fails with the file, the field and the reason. Each case
 * copies the valid fixture policy to a temporary folder and breaks one thing.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, loadContent, loadContentOrThrow } from '#lib/content/loader.ts';
import { parseChapterMdx, chapterToMdx } from '#lib/content/chapter-mdx.ts';

const valid = join(import.meta.dirname, '../fixtures/content/policies');

function brokenCopy(edit: (policyDir: string) => void) {
	const root = mkdtempSync(join(tmpdir(), 'zhidu-content-'));
	const policiesDir = join(root, 'policies');
	cpSync(valid, policiesDir, { recursive: true });
	edit(join(policiesDir, 'leave-policy'));
	return loadContent({ policiesDir, root });
}

const replaceIn = (file: string, from: string | RegExp, to: string) => {
	const text = readFileSync(file, 'utf8');
	const next = text.replace(from, to);
	if (next === text) throw new Error(`fixture edit found nothing to replace in ${file}`);
	writeFileSync(file, next);
};

describe('content loader', () => {
	it('loads the valid fixture without errors, versions in numeric order', () => {
		const { policies, errors } = loadContent({ policiesDir: valid });
		expect(errors).toEqual([]);
		expect(policies[0]!.versions.map((v) => v.meta.version)).toEqual(['1.0', '1.1', '2.0', '2.1', '2.2']);
		expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
	});

	it('rejects an impossible effective date, naming file and field', () => {
		const { errors } = brokenCopy((dir) => replaceIn(join(dir, '1.1/version.yaml'), '2025-01-01', '2025-02-30'));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.1/version.yaml', field: 'effective' });
		expect(errors[0]!.reason).toMatch(/not a real calendar date/);
	});

	it('rejects a date that is not a calendar date', () => {
		const { errors } = brokenCopy((dir) => replaceIn(join(dir, '1.1/version.yaml'), '2025-01-01', '"next Monday"'));
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.1/version.yaml', field: 'effective' });
		expect(errors[0]!.reason).toMatch(/YYYY-MM-DD/);
	});

	it('rejects an unknown status, listing the allowed ones', () => {
		const { errors } = brokenCopy((dir) =>
			replaceIn(join(dir, '1.0/version.yaml'), 'status: approved', 'status: published'),
		);
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.0/version.yaml', field: 'status' });
		expect(errors[0]!.reason).toMatch(/draft.*in-review.*approved/);
	});

	it('rejects a duplicate clause id, naming both files', () => {
		const { errors } = brokenCopy((dir) => replaceIn(join(dir, '1.1/02-假別.mdx'), 'c-2-2-1', 'c-1-0-1'));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.1/02-假別.mdx', field: 'c-1-0-1' });
		expect(errors[0]!.reason).toMatch(/duplicate id "c-1-0-1" \(also in policies\/leave-policy\/1\.1\/01-總則\.mdx\)/);
	});

	it('rejects a chapter without a title', () => {
		const { errors } = brokenCopy((dir) => replaceIn(join(dir, '1.0/01-總則.mdx'), 'title: 總則\n', ''));
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.0/01-總則.mdx', field: 'title' });
	});

	it('rejects a version folder without version.yaml', () => {
		const { errors } = brokenCopy((dir) => rmSync(join(dir, '1.1/version.yaml')));
		expect(errors).toEqual([expect.objectContaining({ file: 'policies/leave-policy/1.1', field: 'version.yaml' })]);
	});

	it('rejects a version that does not match its folder (1.0 is never slugified)', () => {
		const { errors } = brokenCopy((dir) =>
			replaceIn(join(dir, '1.1/version.yaml'), 'version: "1.1"', 'version: "1.2"'),
		);
		expect(errors[0]).toMatchObject({ field: 'version' });
		expect(errors[0]!.reason).toMatch(/does not match its folder name "1.1"/);
	});

	it('rejects policy text outside a clause, with its line', () => {
		const { errors } = brokenCopy((dir) =>
			replaceIn(join(dir, '1.0/01-總則.mdx'), '<Clause id="c-1-0-2">', '這段文字沒有條號。\n\n<Clause id="c-1-0-2">'),
		);
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/1.0/01-總則.mdx', field: 'line 10' });
		expect(errors[0]!.reason).toMatch(/inside <Section> and <Clause/);
	});

	it('rejects a malformed clause id and unclosed tags', () => {
		let { errors } = brokenCopy((dir) => replaceIn(join(dir, '1.0/01-總則.mdx'), 'id="c-1-0-2"', 'id="第二條"'));
		expect(errors[0]!.reason).toMatch(/clause ids look like c-1-2-3/);
		({ errors } = brokenCopy((dir) => replaceIn(join(dir, '1.0/01-總則.mdx'), /<\/Clause>\s*$/, '')));
		expect(errors[0]!.file).toBe('policies/leave-policy/1.0/01-總則.mdx');
	});

	it('rejects unknown fields in policy.yaml (typos do not pass silently)', () => {
		const { errors } = brokenCopy((dir) => replaceIn(join(dir, 'policy.yaml'), 'owner:', 'ownr:'));
		expect(errors[0]).toMatchObject({ file: 'policies/leave-policy/policy.yaml' });
		expect(errors[0]!.reason).toMatch(/ownr/);
	});

	it('reports every problem at once', () => {
		const root = mkdtempSync(join(tmpdir(), 'zhidu-content-'));
		const policiesDir = join(root, 'policies');
		cpSync(valid, policiesDir, { recursive: true });
		replaceIn(join(policiesDir, 'leave-policy/1.0/version.yaml'), 'status: approved', 'status: live');
		mkdirSync(join(policiesDir, 'leave-policy/3.0'));
		expect(() => loadContentOrThrow({ policiesDir, root })).toThrow(
			/1\.0\/version\.yaml: status:[\s\S]*3\.0: version\.yaml: a version folder needs a version\.yaml/,
		);
	});
});

describe('chapter MDX', () => {
	it('reads the clause tree without rendering and writes it back unchanged', () => {
		const source = readFileSync(join(valid, 'leave-policy/1.1/02-假別.mdx'), 'utf8');
		const chapter = parseChapterMdx(source, '02-假別.mdx');
		expect(chapter.sections.map((s) => s.id)).toEqual(['s-2-1', 's-2-2']);
		expect(chapter.sections[0]!.clauses[0]!.items.map((i) => i.id)).toEqual(['c-2-1-1-1', 'c-2-1-1-2']);
		expect(parseChapterMdx(chapterToMdx(chapter), 'x.mdx')).toEqual(chapter);
	});

	it('gives each reader of a chapter read before its own copy: an edit to one never shows in the next', () => {
		const source = readFileSync(join(valid, 'leave-policy/1.1/02-假別.mdx'), 'utf8');
		const first = parseChapterMdx(source, '02-假別.mdx');
		const pristine = structuredClone(first);
		first.sections[0]!.clauses.splice(0, 1);
		first.sections[0]!.title = '改過的標題';
		const again = parseChapterMdx(source, '02-假別.mdx');
		expect(again).toEqual(pristine);
		// Another text under the same name is read as it is.
		const edited = parseChapterMdx(source.replace(pristine.sections[0]!.title, '新標題'), '02-假別.mdx');
		expect(edited.sections[0]!.title).toBe('新標題');
		expect(parseChapterMdx(source, '02-假別.mdx')).toEqual(pristine);
	});

	it('treats other components as commentary, not policy text', () => {
		const chapter = parseChapterMdx(
			'---\nid: ch-1\ntitle: 總則\n---\n\n<KeyPoints>\n重點\n</KeyPoints>\n\n<Clause id="c-1-0-1">\n條文<Blank label="公司名稱" />。\n</Clause>\n',
			'x.mdx',
		);
		expect(chapter.clauses).toEqual([
			{
				id: 'c-1-0-1',
				unnumbered: false,
				parts: [
					{ kind: 'text', value: '條文' },
					{ kind: 'blank', label: '公司名稱' },
					{ kind: 'text', value: '。' },
				],
				items: [],
			},
		]);
	});
});
