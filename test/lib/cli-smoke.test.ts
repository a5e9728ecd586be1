/**
 * The CLI as a program: one spawned run per command family whose other tests
 * run in-process through `run()` (test/support/cli.ts). `zhidu users` is also
 * spawned by test/browser/hr-header.test.ts; `zhidu import` only here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/build-site.ts';

const spawnCli = (args: string[], env: Record<string, string> = {}) =>
	promisify(execFile)(process.execPath, ['src/cli/zhidu.ts', ...args], {
		cwd: projectRoot,
		env: { ...process.env, NO_COLOR: '1', ...env },
		encoding: 'utf8',
	});

describe('the zhidu program', () => {
	const temp = mkdtempSync(join(tmpdir(), 'zhidu-smoke-'));

	it('zhidu import --dry-run reads a file and reports what it found', async () => {
		const file = join(temp, 'policy.txt');
		writeFileSync(file, '員工手冊\n一、總則\n1. 員工應遵守公司規定。\n');
		const { stdout, stderr } = await spawnCli(['import', file, '--policy', 'smoke', '--version', '1.0', '--dry-run']);
		expect(stdout + stderr).toMatch(/員工手冊|總則/);
	}, 60_000);

	it('zhidu users import and list work on a SQLite database', async () => {
		const db = join(temp, 'zhidu.db');
		const csv = join(temp, 'roster.csv');
		writeFileSync(csv, 'employee_id,name,email,department,role,hire_date\nS1,王小明,s1@example.com,業務部,staff,\n');
		await spawnCli(['users', 'import', csv], { ZHIDU_DB_FILE: db, DATABASE_URL: '' });
		const { stdout } = await spawnCli(['users', 'list'], { ZHIDU_DB_FILE: db, DATABASE_URL: '' });
		expect(stdout).toContain('s1@example.com');
	}, 60_000);
});
