/**
 * Real public documents with an official revised edition (test/fixtures/real/<name>/,
 * each with its SOURCE.md): edition 1 imported as 1.0, edition 2 as 1.1 through the
 * aligning import, then `zhidu diff` must list exactly the clauses in expected.yaml,
 * with the committed verdicts. Re-importing the same edition as 1.2 changes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { zhidu as run } from '../support/cli.ts';

const projectRoot = resolve(import.meta.dirname, '../..');
const realDir = join(projectRoot, 'test/fixtures/real');

interface Expected {
	substitutionNeeded: boolean;
	changes: { clause: string; classification: 'editorial' | 'substantive' }[];
	structure: { id: string; classification: 'editorial' | 'substantive' }[];
}

/** The CLI in-process on `policiesDir`; its output, or an error naming the command. */
async function zhidu(policiesDir: string, ...args: string[]) {
	const result = await run([...args, '--content', policiesDir]);
	if (result.status !== 0) throw new Error(`zhidu ${args.join(' ')} failed:\n${result.output}`);
	return result.stdout;
}

interface DiffJson {
	changes: { id: string; classification: string; reason: string; substitutions?: unknown[] }[];
	structure: { id: string; classification: string }[];
	renumberedOnly: string[];
}

const fixtures = readdirSync(realDir).filter((name) => existsSync(join(realDir, name, 'expected.yaml')));

it('has at least two real fixture pairs, each naming its source and retrieval date', () => {
	expect(fixtures.length).toBeGreaterThanOrEqual(2);
	for (const name of fixtures) {
		const source = readFileSync(join(realDir, name, 'SOURCE.md'), 'utf8');
		expect(source).toMatch(/Retrieved 2026-11-29/);
		expect(source).toMatch(/github|https?:\/\//i);
	}
});

describe.each(fixtures)('real revision: %s', (name) => {
	const dir = join(realDir, name);
	const editions = readdirSync(dir)
		.filter((f) => /^edition-/.test(f))
		.sort();
	const expected = parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as Expected;
	const substitutions = join(dir, 'substitutions.yaml');
	let policiesDir: string;
	let diff: DiffJson;

	beforeAll(async () => {
		policiesDir = mkdtempSync(join(tmpdir(), `zhidu-real-${name}-`));
		await zhidu(policiesDir, 'import', join(dir, editions[0]!), '--policy', name, '--version', '1.0');
		await zhidu(
			policiesDir,
			'import',
			join(dir, editions[1]!),
			'--policy',
			name,
			'--version',
			'1.1',
			...(existsSync(substitutions) ? ['--substitutions', substitutions] : []),
		);
		diff = JSON.parse(await zhidu(policiesDir, 'diff', name, '1.0', '1.1', '--json')) as DiffJson;
	}, 120_000);

	it('has two editions', () => {
		expect(editions).toHaveLength(2);
	});

	it('zhidu diff lists exactly the expected clauses, with the committed verdicts', () => {
		expect(diff.changes.map((c) => ({ clause: c.id, classification: c.classification }))).toEqual(
			expected.changes.map((c) => ({ clause: c.clause, classification: c.classification })),
		);
		expect(diff.structure.map((s) => ({ id: s.id, classification: s.classification }))).toEqual(
			expected.structure.map((s) => ({ id: s.id, classification: s.classification })),
		);
	});

	it('every editorial change says why', () => {
		for (const change of diff.changes.filter((c) => c.classification === 'editorial'))
			expect(change.reason).toMatch(/^only /);
		const substituted = diff.changes.filter((c) => c.substitutions?.length);
		expect(substituted.length > 0).toBe(expected.substitutionNeeded);
	});

	it('re-importing the same edition as the next version yields zero changes', async () => {
		await zhidu(policiesDir, 'import', join(dir, editions[1]!), '--policy', name, '--version', '1.2');
		const again = JSON.parse(await zhidu(policiesDir, 'diff', name, '1.1', '1.2', '--json')) as DiffJson;
		expect(again.changes).toEqual([]);
		expect(again.structure).toEqual([]);
		expect(again.renumberedOnly).toEqual([]);
	});
});
