/**
 * Roster CSVs as HR's spreadsheets save them: Big5 (Taiwan Excel), GBK
 * (mainland Excel), UTF-16 LE/BE ("Unicode text"), UTF-8 with or without a
 * BOM. Real bytes, made with iconv-lite from common names and the group names
 * of the policy sources (數據分析小組, 市場調研小組, 運營執行小組).
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseRosterCsv, previewRoster, rosterCsv } from '#lib/auth/roster-csv.ts';
import { rosterHeaders } from '#lib/auth/roster-columns.ts';
import { decodeStrict, encodingNamed, findUndecodable, guessEncoding } from '#lib/csv/encoding.ts';
import { translator } from '#lib/i18n/index.ts';

const zh = translator('zh-Hant-TW');
const en = translator('en');
const header = 'employee_id,name,email,department,role,hire_date\n';
const traditional = `${header}E001,王小明,wang@example.com,數據分析小組,staff,2019-03-01
E002,陳美玲,chen@example.com,市場調研小組,hr,2020-07-15
E003,林志偉,lin@example.com,運營執行小組,staff,
E004,黃淑芬,huang@example.com,數據分析小組,staff,2021-11-30
`;
const simplified = `${header}E001,王小明,wang@example.com,数据分析小组,staff,2019-03-01
E002,陈美玲,chen@example.com,市场调研小组,hr,2020-07-15
E003,林志伟,lin@example.com,运营执行小组,staff,
E004,黄淑芬,huang@example.com,数据分析小组,staff,2021-11-30
`;
const names = (text: string) =>
	text
		.split('\n')
		.slice(1, -1)
		.map((line) => line.split(',')[1]);

describe('detecting a roster CSV encoding', () => {
	it.each([
		['big5', traditional, 'big5'],
		['gbk', simplified, 'gbk'],
		['utf-16le', traditional, 'utf-16le'],
		['utf-16be', traditional, 'utf-16be'],
		['utf-8', traditional, 'utf-8'],
	] as const)('%s without a BOM is detected and read exactly', async (encoding, text, expected) => {
		const bytes = iconv.encode(text, encoding);
		expect(guessEncoding(bytes).encoding).toBe(expected);
		const parsed = await parseRosterCsv(bytes, zh);
		expect(parsed.problems).toEqual([]);
		expect(parsed.encoding).toMatchObject({ encoding: expected, by: 'detected' });
		expect(parsed.rows.map((r) => r.person.name)).toEqual(names(text));
		expect(parsed.rows.map((r) => r.person.department)).toEqual(
			text
				.split('\n')
				.slice(1, -1)
				.map((l) => l.split(',')[3]),
		);
	});

	it.each(['utf-8', 'utf-16le', 'utf-16be'] as const)(
		'%s with a BOM: the BOM decides and is not part of the header',
		async (encoding) => {
			const bytes = iconv.encode(traditional, encoding, { addBOM: true });
			const parsed = await parseRosterCsv(bytes, zh);
			expect(parsed.encoding).toMatchObject({ encoding, by: 'bom' });
			expect(parsed.problems).toEqual([]);
			expect(parsed.rows[0]!.person).toMatchObject({ employeeId: 'E001', name: '王小明' });
		},
	);

	it('a short file that reads as Big5 and as GBK alike is not guessed: it asks, and shows both', async () => {
		const bytes = iconv.encode(`${header}E1,王明,w@example.com,業務部,staff,\n`, 'big5');
		const guess = guessEncoding(bytes);
		expect(guess.by).toBe('ambiguous');
		expect(guess.encoding).toBeUndefined();
		expect([...guess.candidates].sort()).toEqual(['big5', 'gbk']);
		const parsed = await parseRosterCsv(bytes, zh);
		expect(parsed.rows).toEqual([]);
		expect(parsed.problems).toEqual([
			{ row: 1, column: '(encoding)', message: expect.stringMatching(/Big5.*GBK|GBK.*Big5/) },
		]);
		expect(parsed.problems[0]!.message).toContain('請先選擇編碼');
		const preview = await previewRoster(bytes, zh);
		expect(preview.alternatives.map((a) => a.encoding).sort()).toEqual(['big5', 'gbk']);
		expect(preview.alternatives.find((a) => a.encoding === 'big5')!.rows[1]).toContain('王明');
		expect(preview.alternatives.find((a) => a.encoding === 'gbk')!.rows[1]).not.toContain('王明');
		// Chosen, it reads.
		const chosen = await parseRosterCsv(bytes, zh, { encoding: 'big5' });
		expect(chosen.problems).toEqual([]);
		expect(chosen.rows[0]!.person.name).toBe('王明');
		expect(chosen.encoding.by).toBe('chosen');
	});

	it('an override wins over detection: Big5 bytes read as GBK show the wrong characters in the preview', async () => {
		const bytes = iconv.encode(traditional, 'big5');
		const preview = await previewRoster(bytes, zh, { encoding: 'gbk' });
		expect(preview.encoding).toMatchObject({ encoding: 'gbk', by: 'chosen' });
		expect(preview.rows[1]![1]).not.toBe('王小明');
		const right = await previewRoster(bytes, zh);
		expect(right.encoding.encoding).toBe('big5');
		expect(right.rows[0]).toEqual(['employee_id', 'name', 'email', 'department', 'role', 'hire_date']);
		expect(right.rows[1]).toEqual(['E001', '王小明', 'wang@example.com', '數據分析小組', 'staff', '2019-03-01']);
	});

	it('a large file is previewed (its first rows), in Big5 and in UTF-8', async () => {
		let text = header;
		for (let i = 1; Buffer.byteLength(text) < 200_000; i++)
			text += `L${i},王小明${i},l${i}@example.com,數據分析小組,staff,2019-03-01\n`;
		for (const encoding of ['big5', 'utf-8'] as const) {
			const preview = await previewRoster(iconv.encode(text, encoding), zh);
			expect(preview.encoding.encoding).toBe(encoding);
			expect(preview.rows).toHaveLength(6);
			expect(preview.rows[5]).toEqual(['L5', '王小明5', 'l5@example.com', '數據分析小組', 'staff', '2019-03-01']);
		}
	});

	it('encoding names as people write them', () => {
		expect(encodingNamed('Big5')).toBe('big5');
		expect(encodingNamed('GB18030')).toBe('gbk');
		expect(encodingNamed('UTF-8')).toBe('utf-8');
		expect(encodingNamed('utf16')).toBe('utf-16le');
		expect(encodingNamed('UTF-16BE')).toBe('utf-16be');
		expect(encodingNamed('latin1')).toBeUndefined();
	});
});

describe('a file that cannot be decoded is refused, naming the row and byte', () => {
	it('a Big5 file with a lead byte and no trail byte: row, column and byte position', async () => {
		const good = iconv.encode(`${header}E001,王小明,wang@example.com,數據分析小組,staff,\nE002,陳`, 'big5');
		const bytes = Buffer.concat([good, Buffer.from([0xa4]), Buffer.from(',chen@example.com,數據分析小組,staff,\n')]);
		const parsed = await parseRosterCsv(bytes, zh, { encoding: 'big5' });
		expect(parsed.rows).toEqual([]);
		expect(parsed.problems).toEqual([
			{
				row: 3,
				column: 'name',
				byte: good.length + 1,
				message: `無法以 Big5 解讀（檔案第 ${good.length + 1} 個位元組）；請確認檔案的編碼`,
			},
		]);
		const english = await parseRosterCsv(bytes, en, { encoding: 'big5' });
		expect(english.problems[0]!.message).toBe(
			`cannot be read as Big5 (byte ${good.length + 1} of the file); check the file's encoding`,
		);
	});

	it('UTF-8 with one bad byte stays UTF-8 and names that byte (never re-read as another encoding)', async () => {
		const before = Buffer.from(`${header}U1,王小明,u1@example.com,業務部,staff,\nU2,陳`);
		const bytes = Buffer.concat([before, Buffer.from([0xff]), Buffer.from('美玲,u2@example.com,業務部,staff,\n')]);
		expect(guessEncoding(bytes).encoding).toBe('utf-8');
		expect(findUndecodable(bytes, 'utf-8')).toEqual({ row: 3, byte: before.length + 1, field: 1 });
		const parsed = await parseRosterCsv(bytes, zh);
		expect(parsed.problems).toEqual([expect.objectContaining({ row: 3, column: 'name', byte: before.length + 1 })]);
	});

	it('UTF-16 with a lone surrogate is refused at its position', () => {
		const good = iconv.encode('employee_id,name\nE1,', 'utf-16le');
		const bytes = Buffer.concat([good, Buffer.from([0x00, 0xd8]), iconv.encode(',\n', 'utf-16le')]);
		const outcome = decodeStrict(bytes, 'utf-16le');
		expect(outcome.ok).toBe(false);
		expect(!outcome.ok && outcome.undecodable).toEqual({ row: 2, byte: good.length + 1, field: 1 });
	});
});

describe('the roster file written by the export', () => {
	const people = [
		{
			employeeId: 'M1',
			name: '周經理',
			email: 'zhou@example.com',
			department: '業務部',
			role: 'staff',
			hireDate: '2014-02-03',
			manager: null,
		},
		{
			employeeId: 'E1',
			name: '-王小明',
			email: 'wang@example.com',
			department: '業務部',
			role: 'hr',
			hireDate: null,
			manager: 'M1',
		},
	] as const;

	it.each(['zh', 'en'] as const)(
		'has every column the import reads (%s headers) and reads back as written',
		async (language) => {
			const text = rosterCsv(people, language);
			expect(text.replace(/^\uFEFF/, '').split('\r\n', 1)[0]).toBe(rosterHeaders(language).join(','));
			const parsed = await parseRosterCsv(text, zh);
			expect(parsed.problems).toEqual([]);
			expect(parsed.columns).toEqual(['employee_id', 'name', 'email', 'department', 'role', 'hire_date', 'manager']);
			expect(parsed.rows.map((r) => r.person)).toEqual([
				{
					employeeId: 'M1',
					name: '周經理',
					email: 'zhou@example.com',
					department: '業務部',
					role: 'staff',
					hireDate: '2014-02-03',
				},
				{
					employeeId: 'E1',
					name: '-王小明',
					email: 'wang@example.com',
					department: '業務部',
					role: 'hr',
					manager: 'M1',
				},
			]);
		},
	);
});
