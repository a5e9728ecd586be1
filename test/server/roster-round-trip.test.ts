/**
 * The roster export re-imports unchanged (issue 15, item 7): a roster with
 * managers, set and blank hire dates, an HR person, a cell a spreadsheet would
 * run as a formula, a transfer recorded with a date in the past and one in the
 * future, and a person who left, is exported through the API and the CLI with
 * Chinese and English headers; each export has every column the import reads,
 * and re-imported it changes nothing (the import reports no differences).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, companyToday } from '#lib/calendar.ts';
import { zhidu } from '../support/cli.ts';
import { testDatabases } from '../support/databases.ts';
import { importCsv, roster, startRosterServer, type RosterServer } from '../security/roster-server.ts';

const temp = mkdtempSync(join(tmpdir(), 'zhidu-roster-round-trip-'));
const roster0 = `employee_id,name,email,department,role,hire_date,manager
M001,周經理,zhou@example.com,業務部,staff,2014-02-03,
M002,吳主任,wu@example.com,運營部,staff,2016-05-20,M001
E001,王小明,wang@example.com,業務部,staff,2019-03-01,M001
E002,陳美玲,chen@example.com,運營部,staff,2018-09-17,M002
E003,=林志偉,lin@example.com,業務部,staff,2021-11-11,M001
E004,黃淑芬,huang@example.com,數據分析小組,hr,,
E005,張雅婷,zhang@example.com,運營部,staff,2022-01-10,M002
`;

const englishHeader = ['employee_id', 'name', 'email', 'department', 'role', 'hire_date', 'manager'];
const chineseHeader = ['員工編號', '姓名', '電子郵件', '部門', '角色', '到職日', '主管'];
const records = (bytes: Uint8Array) =>
	parseCsv(new TextDecoder().decode(bytes), { bom: true, skip_empty_lines: true }) as string[][];

describe('the roster export re-imports unchanged', () => {
	let s: RosterServer;
	const today = companyToday();
	const exportHttp = async (query = '') => {
		const response = await s.hr.request(`/api/v1/roster.csv${query}`);
		expect(response.status).toBe(200);
		return new Uint8Array(await response.arrayBuffer());
	};
	const reimport = async (bytes: Uint8Array) => {
		const response = await importCsv(s.hr, bytes);
		expect(response.status, await response.clone().text()).toBe(200);
		return (await response.json()) as { added: number; unchanged: number; differs: unknown[]; total: number };
	};
	const idOf = async (employeeId: string) => {
		const people = (await (await s.hr.request('/api/v1/people')).json()) as {
			people: { id: string; employeeId: string }[];
		};
		return people.people.find((p) => p.employeeId === employeeId)!.id;
	};

	beforeAll(async () => {
		s = await startRosterServer(testDatabases[0]!);
		const imported = await importCsv(s.hr, roster0);
		expect(imported.status, await imported.clone().text()).toBe(200);
		expect(await imported.json()).toMatchObject({ added: 7 });
		// Dated history: a transfer last month, one next month (not yet in force), and a person who left.
		for (const [employeeId, change] of [
			['E001', { department: '數據分析小組', effectiveFrom: addDays(today, -30) }],
			['E005', { department: '業務部', effectiveFrom: addDays(today, 30) }],
			['E003', { role: 'hr', effectiveFrom: addDays(today, -3) }],
			['E002', { disabledOn: addDays(today, -1) }],
		] as const) {
			const response = await s.hr.write(`/api/v1/people/${await idOf(employeeId)}`, 'PATCH', change);
			expect(response.status, await response.clone().text()).toBe(200);
		}
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	it('the API export has every column the import reads, managers included, in Chinese or English', async () => {
		const chinese = records(await exportHttp());
		expect(chinese[0]).toEqual(chineseHeader);
		const byId = new Map(chinese.slice(1).map((r) => [r[0], r]));
		expect(byId.get('M002')).toEqual(['M002', '吳主任', 'wu@example.com', '運營部', '員工', '2016-05-20', 'M001']);
		// Today's department and role (the transfer in force, not the one to come); the formula cell neutralised.
		expect(byId.get('E001')).toEqual([
			'E001',
			'王小明',
			'wang@example.com',
			'數據分析小組',
			'員工',
			'2019-03-01',
			'M001',
		]);
		expect(byId.get('E003')).toEqual(['E003', "'=林志偉", 'lin@example.com', '業務部', '人資', '2021-11-11', 'M001']);
		expect(byId.get('E005')?.[3]).toBe('運營部');
		expect(byId.has('E002')).toBe(false);

		const english = records(await exportHttp('?headers=en'));
		expect(english[0]).toEqual(englishHeader);
		expect(english.find((r) => r[0] === 'E004')).toEqual([
			'E004',
			'黃淑芬',
			'huang@example.com',
			'數據分析小組',
			'hr',
			'',
			'',
		]);
		expect((await s.hr.request('/api/v1/roster.csv?headers=fr')).status).toBe(400);
	});

	it('re-importing the API export (Chinese or English headers) changes nothing', async () => {
		const people = await roster(s.hr);
		for (const query of ['', '?headers=en']) {
			const exported = await exportHttp(query);
			const total = records(exported).length - 1;
			expect(await reimport(exported)).toMatchObject({ added: 0, unchanged: total, differs: [], total });
		}
		expect(await roster(s.hr)).toEqual(people);
	});

	it('the import notices a manager that differs (so a dropped column could not go unseen)', async () => {
		const text = new TextDecoder().decode(await exportHttp('?headers=en'));
		const changed = text.replace(/^(E005,.*,)M002(\r?)$/m, '$1M001$2');
		expect(changed).not.toBe(text);
		const result = await reimport(new TextEncoder().encode(changed));
		expect(result).toMatchObject({ added: 0, differs: [{ email: 'zhang@example.com', columns: ['manager'] }] });
	});

	it('zhidu users export writes the same file; zhidu users import of it reports no changes', async () => {
		const file = join(temp, 'roster.csv');
		const exported = await zhidu(['users', 'export', '--out', file], { env: s.env });
		expect(exported.status, exported.output).toBe(0);
		const bytes = new Uint8Array(readFileSync(file));
		expect(Buffer.from(bytes).equals(Buffer.from(await exportHttp()))).toBe(true);
		const imported = await zhidu(['users', 'import', file], { env: s.env });
		expect(imported.status, imported.output).toBe(0);
		const total = records(bytes).length - 1;
		expect(imported.stdout).toContain(`新增 0 人，${total} 人無變動，0 人與名冊不同`);

		// English headers, to standard output.
		const english = await zhidu(['users', 'export', '--headers', 'en'], { env: s.env });
		expect(english.status, english.output).toBe(0);
		expect(records(new TextEncoder().encode(english.stdout))[0]).toEqual(englishHeader);
		const englishFile = join(temp, 'roster-en.csv');
		writeFileSync(englishFile, english.stdout);
		const again = await zhidu(['users', 'import', englishFile], { env: s.env });
		expect(again.status, again.output).toBe(0);
		expect(again.stdout).toContain(`新增 0 人，${total} 人無變動，0 人與名冊不同`);

		expect((await zhidu(['users', 'export', '--headers', 'fr'], { env: s.env })).status).not.toBe(0);
	});

	it('an export as of a past date shows the roster as it was then', async () => {
		const past = records(await exportHttp(`?asOf=${addDays(today, -10)}`));
		// E002 had not left yet, E001 had already moved.
		expect(past.find((r) => r[0] === 'E002')?.[6]).toBe('M002');
		expect(past.find((r) => r[0] === 'E001')?.[3]).toBe('數據分析小組');
		expect(past.find((r) => r[0] === 'E003')?.[4]).toBe('員工');
	});
});
