/**
 * The English UI uses English punctuation: no full-width colon, comma, full
 * stop, brackets or enumeration comma in the English dictionary, and no page
 * or component glues a label to its value with a literal full-width colon
 * (they use the dictionary's `labelled`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '#lib/i18n/en.ts';
import { translator } from '#lib/i18n/index.ts';
import { projectRoot } from '../support/build-site.ts';

const fullWidth = /[：，。（）、；！？]/;

describe('English punctuation', () => {
	it('the English dictionary has no full-width punctuation', () => {
		// The Chinese numbering styles (numbering_zh_*) are shown as written: samples of Chinese text.
		const offending = Object.entries(en).filter(
			([key, text]) => !key.startsWith('numbering_zh') && fullWidth.test(text),
		);
		expect(offending).toEqual([]);
	});

	it('labels join values with the language’s own colon', () => {
		expect(translator('en')('labelled', { label: 'Effective date', value: '2026-11-22' })).toBe(
			'Effective date: 2026-11-22',
		);
		expect(translator('zh-Hant-TW')('labelled', { label: '生效日期', value: '2026-11-22' })).toBe(
			'生效日期：2026-11-22',
		);
	});

	it('no page, layout or component writes a full-width colon outside comments', () => {
		const files: string[] = [];
		const visit = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				if (entry.isDirectory()) visit(path);
				else if (entry.name.endsWith('.astro')) files.push(path);
			}
		};
		visit(join(projectRoot, 'src'));
		const offending = files.flatMap((file) =>
			readFileSync(file, 'utf8')
				.split('\n')
				.map((line, i) => ({ line: line.trim(), at: `${file.slice(projectRoot.length + 1)}:${i + 1}` }))
				.filter(({ line }) => line.includes('：') && !/^(\*|\/\/|\/\*|<!--)/.test(line))
				.map(({ at, line }) => `${at}: ${line}`),
		);
		expect(offending).toEqual([]);
	});
});
