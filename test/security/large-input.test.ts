/**
 * Large or odd input gets a clear answer: `zhidu import` of a 20 MB text
 * imports (no stack overflow, no quadratic scan, no catastrophic regexp) or,
 * above the limit, says the file is too large; invalid UTF-8 in a policy text
 * or a roster CSV is refused naming the line, or the row and column, never
 * stored as U+FFFD (the roster against the real server on SQLite and PostgreSQL).
 */
import {
	closeSync,
	ftruncateSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, writeImportedVersion } from '#lib/importer/index.ts';
import { zhidu } from '../support/cli.ts';
import { testDatabases } from '../support/databases.ts';
import { header, importCsv, roster, startRosterServer, type RosterServer } from './roster-server.ts';

const MB = 1024 * 1024;
const temp = mkdtempSync(join(tmpdir(), 'zhidu-large-'));
const file = (name: string, content: string | Buffer) => {
	const path = join(temp, name);
	writeFileSync(path, content);
	return path;
};
const chinese = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const numeral = (n: number) =>
	n <= 10
		? ['', ...chinese.slice(1), '十'][n]!
		: `${n >= 20 ? chinese[Math.floor(n / 10)] : ''}十${n % 10 ? chinese[n % 10] : ''}`;

/** A 20 MB policy: 99 chapters of numbered clauses, each a line. */
function largePolicy(): string {
	const parts = ['員工手冊'];
	let size = 0;
	for (let chapter = 1; size < 20 * MB; chapter = (chapter % 99) + 1) {
		if (chapter === 1 && parts.length > 1) break;
		parts.push(`${numeral(chapter)}、第${chapter}章`);
		for (let clause = 1; clause <= 3000 && size < 20 * MB; clause++) {
			const line = `${clause}. 員工應遵守公司規定，按時上班，不得無故缺勤；違者依第${clause}條辦理。`;
			parts.push(line);
			size += Buffer.byteLength(line) + 1;
		}
	}
	return parts.join('\n');
}

describe('zhidu import of large input', () => {
	it('a 20 MB policy text imports without overflowing the stack', async () => {
		const text = largePolicy();
		expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(20 * MB);
		const result = await importFile(file('large.txt', text));
		expect(result.chapters.length).toBeGreaterThan(5);
		expect(result.report.clauses).toBeGreaterThan(50_000);
		const written = writeImportedVersion(result, {
			policiesDir: join(temp, 'policies'),
			policyId: 'large-policy',
			version: '1.0',
			source: 'large.txt',
		});
		expect(readdirSync(written.dir).filter((f) => f.endsWith('.mdx')).length).toBe(result.chapters.length);
		// The script is told from a sample, not by converting 20 MB twice.
		expect(readFileSync(join(temp, 'policies/large-policy/policy.yaml'), 'utf8')).toMatch(/^language: zh-Hant-TW$/m);
	}, 300_000);

	it('20 MB on one line with no line breaks is read in linear time', async () => {
		const result = await importFile(file('one-line.txt', '員工應遵守公司規定1.'.repeat((20 * MB) / 30)));
		expect(result.chapters).toEqual([]);
		expect(result.report.unplaced.length).toBe(1);
	}, 300_000);

	it('20 MB of blanks between words is read in linear time', async () => {
		const result = await importFile(
			file('blanks.txt', `標題\n${('甲' + ' '.repeat(4000) + '1.').repeat((20 * MB) / 4003)}\n`),
		);
		expect(result.chapters).toEqual([]);
	}, 300_000);

	it('a 20 MB Markdown paragraph of soft-wrapped lines is read in linear time', async () => {
		const result = await importFile(
			file('wrapped.md', `# 標題\n\n${'員工應遵守公司規定 word\n'.repeat((20 * MB) / 34)}`),
		);
		expect(result.title).toBe('標題');
	}, 300_000);

	it('a file over the limit is refused, saying it is too large', async () => {
		const path = join(temp, 'huge.txt');
		const fd = openSync(path, 'w');
		ftruncateSync(fd, 40 * MB);
		closeSync(fd);
		const run = await zhidu(['import', path, '--dry-run']);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			'huge.txt: the file is too large (40.0 MB); zhidu import reads files of at most 32 MB',
		);
		expect(run.stderr).not.toMatch(/at \S+ \(|RangeError/);
	}, 60_000);

	it('invalid UTF-8 in a policy text is refused naming the line', async () => {
		const bytes = Buffer.concat([
			Buffer.from('員工手冊\n一、總則\n1. 第一條'),
			Buffer.from([0xe5, 0x93]),
			Buffer.from('。\n'),
		]);
		await expect(importFile(file('bad.txt', bytes))).rejects.toThrow(/bad\.txt:3: not valid UTF-8/);
	});
});

describe.each(testDatabases)('invalid UTF-8 in a roster CSV on $name', (database) => {
	let s: RosterServer;
	beforeAll(async () => {
		s = await startRosterServer(database);
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	for (const [attack, bytes] of [
		['a truncated sequence', [0xe7, 0x8e]],
		['a lone continuation byte', [0x80]],
		['an overlong encoding of "/"', [0xc0, 0xaf]],
		['an encoded surrogate', [0xed, 0xa0, 0x80]],
		['a byte that never occurs in UTF-8', [0xff]],
	] as const)
		it(`invalid UTF-8 (${attack}) in a roster CSV is refused with 400 naming the row, column and byte`, async () => {
			const before = Buffer.from(`${header}U1,王小明,u1@example.com,業務部,staff,\nU2,陳`);
			const csv = Buffer.concat([before, Buffer.from(bytes), Buffer.from('美玲,u2@example.com,業務部,staff,\n')]);
			const response = await importCsv(s.hr, csv);
			expect(response.status).toBe(400);
			const body = (await response.json()) as { problems: { row: number; column: string; message: string }[] };
			expect(body.problems).toEqual([
				{
					row: 3,
					column: 'name',
					byte: before.length + 1,
					message: `無法以 UTF-8 解讀（檔案第 ${before.length + 1} 個位元組）；請確認檔案的編碼`,
				},
			]);
			const people = await roster(s.hr);
			expect(people.map((p) => p.employeeId)).toEqual(['HR001']);
			expect(JSON.stringify(people)).not.toContain('\uFFFD');
		});
});

afterAll(() => {
	// The temporary folder holds about 100 MB: remove it.
	rmSync(temp, { recursive: true, force: true });
});
