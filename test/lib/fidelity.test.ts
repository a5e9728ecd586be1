/**
 * The committed policy text is the source text: read through the loader the
 * build uses, written back to plain text, it equals the source file character
 * for character, except the incomplete last clause the source breaks off in.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { versionToPlainText } from '#lib/content/plain-text.ts';
import { walkClauses } from '#lib/content/clause-tree.ts';
import { applyReviewedFixes } from '#lib/lint/character-forms.ts';
import { sourceFile } from '../support/sources.ts';

const sources = {
	'pharma-operations-department': sourceFile('pharma-operations-department'),
	'operating-model-process': sourceFile('operating-model-process'),
} as const;

const policies = loadContentOrThrow();

describe.each(Object.entries(sources))('%s 1.0', (policyId, sourcePath) => {
	const policy = policies.find((p) => p.id === policyId)!;
	const version = policy.versions.find((v) => v.meta.version === '1.0')!;
	const source = readFileSync(sourcePath, 'utf8');

	it('writes back to the source text, character for character', () => {
		const written = versionToPlainText(
			policy.meta.title,
			version.chapters.map((c) => c.chapter),
			version.numbers,
			{ joiner: '' },
		);
		const omitted = version.meta.sourceEnds!.omitted;
		// The source is one line: everything we keep, then the fragment it breaks off in.
		expect(written.slice(0, -1) + omitted + '\n').toBe(source);
	});

	it('leaves out only one incomplete clause, and says where the source ends', () => {
		const { omitted, after } = version.meta.sourceEnds!;
		expect(omitted).toMatch(/^\d+\.[^。]*$/);
		expect(omitted.length).toBeLessThan(40);
		const lastChapter = version.chapters.at(-1)!.chapter;
		expect(lastChapter.sections.at(-1)!.id).toBe(after);
	});
});

describe.each(Object.keys(sources))('%s 1.1', (policyId) => {
	const policy = policies.find((p) => p.id === policyId)!;
	const [v10, v11] = ['1.0', '1.1'].map((v) => policy.versions.find((x) => x.meta.version === v)!);
	const text = (version: typeof v10) =>
		versionToPlainText(
			policy.meta.title,
			version!.chapters.map((c) => c.chapter),
			version!.numbers,
		);
	const ids = (version: typeof v10) =>
		version!.chapters.flatMap(({ chapter }) => [
			chapter.id,
			...chapter.sections.map((s) => s.id),
			...[...walkClauses(chapter)].map(({ clause }) => clause.id),
		]);

	it('is 1.0 with exactly the reviewed character-form fixes applied', () => {
		expect(text(v11)).toBe(applyReviewedFixes(text(v10)));
		expect(text(v11)).not.toBe(text(v10));
	});

	it('keeps every clause id and displayed number', () => {
		expect(ids(v11)).toEqual(ids(v10));
		expect([...v11!.numbers.clauses]).toEqual([...v10!.numbers.clauses]);
	});

	it('is approved with an effective date and a change summary; 1.0 has neither date nor approval (未載明)', () => {
		expect(v11!.meta).toMatchObject({ status: 'approved', effective: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
		expect(v11!.meta.changeSummary.join('\n')).toMatch(/范→範[\s\S]*于→於[\s\S]*批準→批准/);
		expect(v10!.meta.effective).toBeUndefined();
		expect(v10!.meta.approval).toBeUndefined();
	});
});
