/**
 * Roster imports are all or nothing: a file whose last row is bad (or clashes
 * with the roster, or repeats an earlier row) writes nothing, through the
 * API, the HR page and the CLI, on SQLite and PostgreSQL. Problems name the
 * row and column in the UI language. A 5,000-row import goes through in one
 * request while the server keeps answering.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhidu } from '../support/cli.ts';
import { importRoster } from '#lib/auth/roster-import.ts';
import { translator } from '#lib/i18n/index.ts';
import { openStore, ping } from '#lib/store/database.ts';
import { sqliteFileInTemp, testDatabases } from '../support/databases.ts';
import { header, importCsv, roster, startRosterServer, type RosterServer } from './roster-server.ts';

const rows = (from: number, count: number, prefix = 'R') =>
	Array.from(
		{ length: count },
		(_, i) =>
			`${prefix}${from + i},員工${from + i},${prefix.toLowerCase()}${from + i}@example.com,業務部,staff,2025-01-0${(i % 9) + 1}`,
	).join('\n');

interface Problems {
	error: string;
	problems: { row: number; column: string; message: string }[];
}

describe.each(testDatabases)('roster import on $name', (database) => {
	let s: RosterServer;
	// In-process (test/support/cli.ts): the spawned program has its smoke test in test/lib/cli-smoke.test.ts.
	const cli = (args: string[], env: Record<string, string> = {}) =>
		zhidu(['users', ...args], { env: { ...s.env, ...env } });
	const count = async () => (await roster(s.hr)).length;

	beforeAll(async () => {
		s = await startRosterServer(database);
	}, 120_000);
	afterAll(async () => {
		await s?.stop();
	});

	it('a roster with one bad row at the end writes nothing (API)', async () => {
		const before = await count();
		const response = await importCsv(s.hr, `${header}${rows(1, 300)}\nR999,壞列,not-an-email,業務部,staff,\n`);
		expect(response.status).toBe(400);
		const body = (await response.json()) as Problems;
		expect(body.error).toBe('名冊有問題，未匯入任何資料。');
		expect(body.problems).toEqual([{ row: 302, column: 'email', message: '不是電子郵件地址' }]);
		expect(await count()).toBe(before);
	});

	it('a roster whose last row takes an employee id already in the roster writes nothing', async () => {
		const before = await count();
		const response = await importCsv(s.hr, `${header}${rows(1, 50)}\nHR001,冒用,intruder@example.com,人力資源部,hr,\n`);
		expect(response.status).toBe(400);
		const body = (await response.json()) as Problems;
		expect(body.problems).toEqual([
			{ row: 52, column: 'employee_id', message: '員工編號 HR001 已屬於 hr@example.com' },
		]);
		expect(await count()).toBe(before);
	});

	it('a roster that repeats an email or employee id names both rows and writes nothing', async () => {
		const before = await count();
		const response = await importCsv(
			s.hr,
			`${header}${rows(1, 3)}\nR9,重複,R1@example.com,業務部,staff,\nR2,重複,other@example.com,業務部,staff,\n`,
		);
		expect(response.status).toBe(400);
		const body = (await response.json()) as Problems;
		expect(body.problems).toEqual([
			{ row: 5, column: 'email', message: '與第 2 列重複' },
			{ row: 6, column: 'employee_id', message: '與第 3 列重複' },
		]);
		expect(await count()).toBe(before);
	});

	it('a roster with a bad last row sent through the HR page writes nothing and names row and column', async () => {
		const before = await count();
		const form = new FormData();
		form.set('_csrf', s.hr.csrf!);
		form.set('action', 'import');
		const csv = `${header}${rows(1, 20)}\nR21,員工21,r21@example.com,業務部,boss,\n`;
		form.set('csv', new File([csv], 'roster.csv', { type: 'text/csv' }));
		const response = await s.hr.request('/hr/', { method: 'POST', body: form, headers: { origin: s.server.url } });
		expect(response.status).toBe(400);
		const page = await response.text();
		expect(page).toContain('名冊有問題，未匯入任何資料。');
		expect(page).toContain('第 22 列「role」：角色須為 staff、hr、員工或人資');
		expect(await count()).toBe(before);
	});

	it('a roster with a bad last row given to the CLI writes nothing, and says so in the UI language', async () => {
		const before = await count();
		const file = join(mkdtempSync(join(tmpdir(), 'zhidu-roster-')), 'roster.csv');
		writeFileSync(file, `${header}${rows(1, 20)}\nR21,員工21,r21@example.com,業務部,staff,2025-02-30\n`);
		const zh = await cli(['import', file]);
		expect(zh.status, zh.stderr).toBe(1);
		expect(zh.stderr).toContain('第 22 列「hire_date」：須為實際存在的日期（YYYY-MM-DD）');
		const en = await cli(['import', file], { ZHIDU_UI_LANG: 'en' });
		expect(en.stderr).toContain('row 22, column "hire_date": must be a real date (YYYY-MM-DD)');
		expect(en.stderr).toContain('nothing was imported');
		expect(await count()).toBe(before);
	});

	it('a good roster is written whole, and the same file again changes nothing', async () => {
		const before = await count();
		const csv = `${header}${rows(1, 40)}\n`;
		const first = await importCsv(s.hr, csv);
		expect(first.status, await first.clone().text()).toBe(200);
		expect(await first.json()).toMatchObject({ added: 40, unchanged: 0, differs: [], total: 40 });
		expect(await count()).toBe(before + 40);
		const again = await importCsv(s.hr, csv.replace('員工1,', '改名1,'));
		expect(await again.json()).toMatchObject({
			added: 0,
			unchanged: 39,
			differs: [{ row: 2, email: 'r1@example.com', columns: ['name'] }],
		});
		expect((await roster(s.hr)).find((p) => p.employeeId === 'R1')!.name).toBe('員工1');
	});

	it('a 5,000-row roster is imported in one request while the server keeps answering', async () => {
		const before = await count();
		const waits: number[] = [];
		let done = false;
		const probes = (async () => {
			while (!done) {
				const t0 = performance.now();
				expect((await fetch(`${s.server.url}/api/health`)).status).toBe(200);
				waits.push(performance.now() - t0);
			}
		})();
		const response = await importCsv(s.hr, `${header}${rows(10_000, 5000, 'B')}\n`);
		done = true;
		await probes;
		expect(response.status, await response.clone().text()).toBe(200);
		expect(await response.json()).toMatchObject({ added: 5000 });
		expect(await count()).toBe(before + 5000);
		expect(waits.length).toBeGreaterThan(0);
		// Generous for a loaded test machine; `npm run bench` measures the real figure (docs/bench.md).
		expect(Math.max(...waits)).toBeLessThan(5000);
	}, 180_000);
});

describe('roster import on sqlite, in process', () => {
	it('a 5,000-row import does not keep the health check (or a report read) waiting behind its write transaction', async () => {
		const file = sqliteFileInTemp();
		const store = await openStore({ sqliteFile: file });
		// A third connection that only asks whether someone holds the write lock (busy at once, no waiting).
		const observer = new DatabaseSync(file);
		observer.exec('PRAGMA busy_timeout = 0');
		const writeLocked = () => {
			try {
				observer.exec('BEGIN IMMEDIATE');
				observer.exec('ROLLBACK');
				return false;
			} catch {
				return true;
			}
		};
		try {
			let finished = false;
			const importing = importRoster(store, `${header}${rows(1, 5000, 'P')}\n`, {
				t: translator('en'),
				actor: { kind: 'cli', osUser: 'test' },
				actorId: null,
			}).finally(() => (finished = true));
			let answeredDuringWrite = 0;
			let peopleSeenDuringWrite: number | undefined;
			while (!finished) {
				await new Promise((resolve) => setImmediate(resolve));
				if (finished || !writeLocked()) continue;
				// The import's transaction is open: the health check and a read answer before it commits.
				expect(await ping(store)).toBe(true);
				const { n } = await store.reads
					.selectFrom('people')
					.select((eb) => eb.fn.countAll<number>().as('n'))
					.executeTakeFirstOrThrow();
				if (!finished && writeLocked()) {
					answeredDuringWrite += 1;
					peopleSeenDuringWrite = Number(n);
				}
			}
			const outcome = await importing;
			expect(outcome.ok && outcome.result.added).toBe(5000);
			expect(answeredDuringWrite).toBeGreaterThan(0);
			// Reads see the last commit, never half an import.
			expect(peopleSeenDuringWrite).toBe(0);
			const audit = await store.reads
				.selectFrom('audit_log')
				.select('detail')
				.where('event', '=', 'roster.imported')
				.execute();
			expect(audit).toHaveLength(1);
			expect((JSON.parse(audit[0]!.detail) as { added: number }).added).toBe(5000);
		} finally {
			observer.close();
			await store.close();
		}
	}, 120_000);
});
