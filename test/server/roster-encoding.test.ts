/**
 * Roster files from HR's spreadsheets through the API and the CLI: Big5,
 * GBK, UTF-16 and UTF-8 detected (and said), `encoding` / `--encoding` to
 * override, "ask" when Big5 and GBK are equally plausible, a preview that
 * imports nothing, and the roster export re-importing unchanged with Chinese
 * or English headers. Real bytes made with iconv-lite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhidu } from '../support/cli.ts';
import { testDatabases } from '../support/databases.ts';
import { header, importCsv, roster, startRosterServer, type RosterServer } from '../security/roster-server.ts';

const temp = mkdtempSync(join(tmpdir(), 'zhidu-roster-encoding-'));
const traditional = (prefix: string) =>
	`${header}${prefix}1,王小明,${prefix}1@example.com,數據分析小組,staff,2019-03-01
${prefix}2,陳美玲,${prefix}2@example.com,市場調研小組,staff,2020-07-15
${prefix}3,林志偉,${prefix}3@example.com,運營執行小組,staff,
`;
const simplified = (prefix: string) =>
	`${header}${prefix}1,王小明,${prefix}1@example.com,数据分析小组,staff,2019-03-01
${prefix}2,陈美玲,${prefix}2@example.com,市场调研小组,staff,2020-07-15
${prefix}3,林志伟,${prefix}3@example.com,运营执行小组,staff,
`;

describe('roster encodings through the API and the CLI', () => {
	let s: RosterServer;
	const importWith = (bytes: Uint8Array, query = '') =>
		s.hr.request(`/api/v1/people/import${query}`, {
			method: 'POST',
			body: Buffer.from(bytes),
			headers: { 'content-type': 'text/csv', 'x-csrf-token': s.hr.csrf! },
		});
	const namesOf = async (prefix: string) =>
		(await roster(s.hr))
			.filter((p) => p.employeeId.startsWith(prefix))
			.sort((a, b) => a.employeeId.localeCompare(b.employeeId))
			.map((p) => `${p.name}/${p.department}`);

	beforeAll(async () => {
		s = await startRosterServer(testDatabases[0]!);
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	it.each([
		['big5', 'BA', traditional, 'big5'],
		['gbk', 'GA', simplified, 'gbk'],
		['utf-16le', 'LA', traditional, 'utf-16le'],
		['utf-16be', 'BE', traditional, 'utf-16be'],
	] as const)('a %s roster is detected, said, and imported exactly (API)', async (encoding, prefix, text, expected) => {
		const response = await importWith(iconv.encode(text(prefix), encoding, { addBOM: encoding.startsWith('utf-16') }));
		expect(response.status, await response.clone().text()).toBe(200);
		expect(await response.json()).toMatchObject({ added: 3, encoding: expected });
		expect(await namesOf(prefix)).toEqual(
			text(prefix)
				.split('\n')
				.slice(1, -1)
				.map((l) => `${l.split(',')[1]}/${l.split(',')[3]}`),
		);
	});

	it('preview=1 says the encoding and shows the first rows, importing nothing', async () => {
		const before = (await roster(s.hr)).length;
		const response = await importWith(iconv.encode(traditional('PV'), 'big5'), '?preview=1');
		expect(response.status).toBe(200);
		const body = (await response.json()) as { encoding: string; encodingBy: string; rows: string[][] };
		expect(body).toMatchObject({ preview: true, encoding: 'big5', encodingBy: 'detected', problem: null });
		expect(body.rows[1]).toEqual(['PV1', '王小明', 'PV1@example.com', '數據分析小組', 'staff', '2019-03-01']);
		expect((await roster(s.hr)).length).toBe(before);
	});

	it('when Big5 and GBK are both plausible the API asks (400, both candidates) and imports with encoding=', async () => {
		const bytes = iconv.encode(`${header}AM1,王明,am1@example.com,業務部,staff,\n`, 'big5');
		const asked = await importWith(bytes);
		expect(asked.status).toBe(400);
		const body = (await asked.json()) as { candidates: string[]; encoding: null; problems: { column: string }[] };
		expect(body.encoding).toBeNull();
		expect([...body.candidates].sort()).toEqual(['big5', 'gbk']);
		expect(body.problems).toEqual([expect.objectContaining({ row: 1, column: '(encoding)' })]);
		const chosen = await importWith(bytes, '?encoding=Big5');
		expect(chosen.status, await chosen.clone().text()).toBe(200);
		expect(await chosen.json()).toMatchObject({ added: 1, encoding: 'big5', encodingBy: 'chosen' });
		expect(await namesOf('AM')).toEqual(['王明/業務部']);
	});

	it('an unknown encoding is a 400 naming the parameter; an undecodable file names the row and byte', async () => {
		const unknown = await importWith(iconv.encode(traditional('UK'), 'big5'), '?encoding=latin9');
		expect(unknown.status).toBe(400);
		expect(((await unknown.json()) as { fields: Record<string, string> }).fields).toHaveProperty('encoding');
		const good = iconv.encode(`${header}UD1,王小明,ud1@example.com,業務部,staff,\nUD2,陳`, 'big5');
		const bad = Buffer.concat([good, Buffer.from([0xa4]), Buffer.from(',ud2@example.com,x,staff,\n')]);
		const refused = await importWith(bad, '?encoding=big5');
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { problems: unknown[] }).problems).toEqual([
			{
				row: 3,
				column: 'name',
				byte: good.length + 1,
				message: expect.stringContaining(`第 ${good.length + 1} 個位元組`),
			},
		]);
		expect(await namesOf('UD')).toEqual([]);
	});

	it('zhidu users import detects Big5, takes --encoding, and asks when it cannot tell', async () => {
		const env = s.env;
		const big5 = join(temp, 'big5.csv');
		writeFileSync(big5, iconv.encode(traditional('CB'), 'big5'));
		const detected = await zhidu(['users', 'import', big5], { env });
		expect(detected.status, detected.output).toBe(0);
		expect(detected.stdout).toContain('編碼：Big5（自動偵測）');
		expect(await namesOf('CB')).toEqual(['王小明/數據分析小組', '陳美玲/市場調研小組', '林志偉/運營執行小組']);

		const short = join(temp, 'short.csv');
		writeFileSync(short, iconv.encode(`${header}CS1,王明,cs1@example.com,業務部,staff,\n`, 'big5'));
		const asked = await zhidu(['users', 'import', short], { env });
		expect(asked.status).toBe(1);
		expect(asked.stderr).toContain('請先選擇編碼');
		expect(asked.stderr).toContain('--encoding big5');
		expect(asked.stderr).toContain('CS1,王明');
		const chosen = await zhidu(['users', 'import', short, '--encoding', 'big5'], { env });
		expect(chosen.status, chosen.output).toBe(0);
		expect(chosen.stdout).toContain('編碼：Big5（您所選擇）');
		expect(await namesOf('CS')).toEqual(['王明/業務部']);

		const wrong = await zhidu(['users', 'import', short, '--encoding', 'ebcdic'], { env });
		expect(wrong.status).not.toBe(0);
		expect(wrong.output).toContain('--encoding ebcdic');
	});

	it('the roster export re-imports unchanged, with its Chinese headers or English ones', async () => {
		const exported = new Uint8Array(await (await s.hr.request('/api/v1/roster.csv')).arrayBuffer());
		const total = (await roster(s.hr)).length;
		const again = await importWith(exported);
		expect(again.status, await again.clone().text()).toBe(200);
		expect(await again.json()).toMatchObject({
			added: 0,
			unchanged: total,
			differs: [],
			encoding: 'utf-8',
			encodingBy: 'bom',
		});
		const text = new TextDecoder().decode(exported);
		const english = await (await s.hr.request('/api/v1/roster.csv?headers=en')).arrayBuffer();
		expect(new TextDecoder().decode(english)).toMatch(/^employee_id,name,email,department,role,hire_date,manager\r\n/);
		const inEnglish = await importCsv(s.hr, new Uint8Array(english));
		expect(await inEnglish.json()).toMatchObject({ added: 0, unchanged: total, differs: [] });
		// And in Big5, as Excel in Taiwan would save it: the rows Big5 can hold (Simplified names it cannot).
		const [head, ...lines] = text
			.replace(/^\uFEFF/, '')
			.trimEnd()
			.split(/\r?\n/);
		const big5able = lines.filter((line) => iconv.decode(iconv.encode(line, 'big5'), 'big5') === line);
		expect(big5able.length).toBeGreaterThan(5);
		const inBig5 = await importWith(iconv.encode(`${[head, ...big5able].join('\n')}\n`, 'big5'));
		expect(await inBig5.json()).toMatchObject({
			added: 0,
			unchanged: big5able.length,
			differs: [],
			encoding: 'big5',
		});
	});
});
