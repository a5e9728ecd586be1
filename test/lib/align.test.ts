/**
 * The aligning import: a revision that inserts a clause in the middle, removes
 * one, moves one to another chapter and rewords two keeps every other id, as
 * text and as Word; inserted clauses get ids no version ever used; the redline
 * against the previous version shows exactly those changes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkClauses } from '#lib/content/clause-tree.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { compareVersionTrees, isRealChange } from '#lib/diff/redline.ts';
import { importFile, writeImportedVersion } from '#lib/importer/index.ts';
import { alignImport, existingPolicy, schemeOf, usedIds } from '#lib/importer/revision.ts';
import { linesDocx } from '../fixtures/docx.ts';
import { zhidu } from '../support/cli.ts';

const edition1 = [
	'員工差勤管理辦法',
	'第一章 總則',
	'第一條 為規範本公司員工差勤管理，特訂定本辦法。',
	'第二條 本辦法適用於本公司全體正式員工。',
	'第三條 員工應於每日上午九時前到班，並以電子系統打卡。',
	'第四條 遲到逾三十分鐘者，以事假半日計。',
	'第五條 員工因公外出，應事先填寫外出單並經主管核准。',
	'第二章 加班',
	'第六條 加班應事先申請，經部門主管核准後始得為之。',
	'第七條 加班費依勞動基準法規定計算，或經員工同意改給補休。',
	'第八條 每月加班時數不得超過四十六小時。',
	'第九條 本辦法經總經理核准後施行，修正時亦同。',
];

// Inserts a clause after 第二條, removes 第四條, moves 第五條 into chapter 2, rewords 第三條 and 第七條.
const edition2 = [
	'員工差勤管理辦法',
	'第一章 總則',
	'第一條 為規範本公司員工差勤管理，特訂定本辦法。',
	'第二條 本辦法適用於本公司全體正式員工。',
	'第三條 員工每週正常工作時數以四十小時為原則。',
	'第四條 員工應於每日上午八時三十分前到班，並以電子系統打卡。',
	'第二章 加班',
	'第五條 加班應事先申請，經部門主管核准後始得為之。',
	'第六條 加班費依勞動基準法規定計算，或經員工同意改給補休，補休期限為六個月。',
	'第七條 每月加班時數不得超過四十六小時。',
	'第八條 員工因公外出，應事先填寫外出單並經主管核准。',
	'第九條 本辦法經總經理核准後施行，修正時亦同。',
];

const clauseIds = (policiesDir: string, version: string) => {
	const policy = loadContentOrThrow({ policiesDir, root: policiesDir })[0]!;
	const v = policy.versions.find((x) => x.meta.version === version)!;
	return v.chapters.map(({ chapter }) => [chapter.id, ...[...walkClauses(chapter)].map(({ clause }) => clause.id)]);
};

async function importBoth(write: (dir: string, name: string, lines: string[]) => Promise<string>) {
	const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-align-'));
	const first = await write(policiesDir, 'edition1', edition1);
	writeImportedVersion(await importFile(first), { policiesDir, policyId: 'attendance', version: '1.0', source: first });
	const second = await write(policiesDir, 'edition2', edition2);
	const existing = existingPolicy(policiesDir, 'attendance', '1.1')!;
	const before = usedIds(existing.policy);
	const result = await importFile(second, { scheme: schemeOf(existing) });
	const report = alignImport(result, existing);
	writeImportedVersion(result, { policiesDir, policyId: 'attendance', version: '1.1', source: second });
	return { policiesDir, report, before };
}

const asText = async (dir: string, name: string, lines: string[]) => {
	const file = join(dir, `${name}.txt`);
	writeFileSync(file, lines.join('\n') + '\n');
	return file;
};
const asDocx = async (dir: string, name: string, lines: string[]) => {
	const file = join(dir, `${name}.docx`);
	writeFileSync(file, await linesDocx(lines));
	return file;
};

describe.each([
	['.txt', asText],
	['.docx', asDocx],
] as const)('aligning import of a revision (%s)', (_format, write) => {
	it('keeps every id but the inserted clause, and reports each kind of change', async () => {
		const { policiesDir, report, before } = await importBoth(write);
		expect(clauseIds(policiesDir, '1.0')).toEqual([
			['ch-1', 'c-1-0-1', 'c-1-0-2', 'c-1-0-3', 'c-1-0-4', 'c-1-0-5'],
			['ch-2', 'c-2-0-1', 'c-2-0-2', 'c-2-0-3', 'c-2-0-4'],
		]);
		const [inserted] = report.inserted;
		expect(report.inserted).toHaveLength(1);
		expect(before.has(inserted!)).toBe(false);
		expect(clauseIds(policiesDir, '1.1')).toEqual([
			['ch-1', 'c-1-0-1', 'c-1-0-2', inserted, 'c-1-0-3'],
			['ch-2', 'c-2-0-1', 'c-2-0-2', 'c-2-0-3', 'c-1-0-5', 'c-2-0-4'],
		]);
		expect(report.removed).toEqual(['c-1-0-4']);
		expect(report.moved.map((m) => [m.id, m.from, m.to])).toEqual([['c-1-0-5', 'ch-1', 'ch-2']]);
		expect(report.reworded.map((r) => r.id)).toEqual(['c-1-0-3', 'c-2-0-2']);
		expect(report.kept).toEqual(['c-1-0-1', 'c-1-0-2', 'c-2-0-1', 'c-2-0-3', 'c-2-0-4']);
		expect(report.chapters).toEqual({ kept: ['ch-1', 'ch-2'], inserted: [], removed: [] });
	});

	it('writes a draft whose redline against 1.0 shows exactly the real changes', async () => {
		const { policiesDir, report } = await importBoth(write);
		const [v10, v11] = loadContentOrThrow({ policiesDir, root: policiesDir })[0]!.versions;
		expect(v11!.meta.status).toBe('draft');
		const redline = compareVersionTrees(v10!, v11!);
		expect(redline.changes.filter(isRealChange).map((c) => [c.id, c.kind, c.classification])).toEqual(
			[
				['c-1-0-1', 'unchanged', undefined],
				['c-1-0-2', 'unchanged', undefined],
				[report.inserted[0], 'added', 'substantive'],
				['c-1-0-3', 'reworded', 'substantive'],
				['c-1-0-4', 'removed', 'substantive'],
				['c-2-0-2', 'reworded', 'substantive'],
				['c-1-0-5', 'moved', 'substantive'],
			].filter(([, kind]) => kind !== 'unchanged'),
		);
		expect(redline.structure).toEqual([]);
	});
});

describe('zhidu import --json on an existing policy', () => {
	it('prints the alignment report, and a re-import of the same text yields zero changes', async () => {
		const policiesDir = mkdtempSync(join(tmpdir(), 'zhidu-align-cli-'));
		const first = await asText(policiesDir, 'edition1', edition1);
		const run = async (...args: string[]) => {
			const result = await zhidu([...args, '--content', policiesDir]);
			expect(result.status, result.stderr).toBe(0);
			return result.stdout;
		};
		await run('import', first, '--policy', 'attendance', '--version', '1.0');
		const out = JSON.parse(await run('import', first, '--policy', 'attendance', '--version', '1.1', '--json'));
		expect(out.alignment).toMatchObject({
			against: '1.0',
			reworded: [],
			moved: [],
			inserted: [],
			removed: [],
			lowConfidence: [],
		});
		expect(out.alignment.kept).toHaveLength(9);
		const diff = JSON.parse(await run('diff', 'attendance', '1.0', '1.1', '--json'));
		expect(diff.changes).toEqual([]);
		expect(diff.structure).toEqual([]);
	});
});
