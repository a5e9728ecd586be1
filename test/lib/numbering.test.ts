import { describe, expect, it } from 'vitest';
import { parseChineseNumeral, toChineseNumeral } from '#lib/content/chinese-numerals.ts';
import { deriveNumbers } from '#lib/content/numbering.ts';
import type { Chapter, Clause } from '#lib/content/clause-tree.ts';

const clause = (id: string, extra: Partial<Clause> = {}): Clause => ({
	id,
	unnumbered: false,
	parts: [{ kind: 'text', value: id }],
	items: [],
	...extra,
});

describe('Chinese numerals', () => {
	it.each([
		[1, '一'],
		[10, '十'],
		[11, '十一'],
		[20, '二十'],
		[23, '二十三'],
		[100, '一百'],
		[105, '一百零五'],
		[110, '一百一十'],
	])('%i ↔ %s', (n, text) => {
		expect(toChineseNumeral(n)).toBe(text);
		expect(parseChineseNumeral(text)).toBe(n);
	});
	it('does not read words as numerals', () => {
		expect(parseChineseNumeral('總則')).toBeUndefined();
	});
});

describe('displayed numbers come from position, not from ids', () => {
	const chapters: Chapter[] = [
		{
			id: 'ch-1',
			title: '總則',
			clauses: [],
			sections: [
				{
					id: 's-1-1',
					title: '目的',
					clauses: [clause('c-1-1-1', { unnumbered: true }), clause('c-1-1-9'), clause('c-1-1-2')],
				},
			],
		},
		{ id: 'ch-2', title: '附則', clauses: [clause('c-2-0-1', { items: [clause('c-2-0-1-1')] })], sections: [] },
	];

	it('zh-outline: 一、(一)1. and unnumbered paragraphs do not count', () => {
		const n = deriveNumbers('zh-outline', chapters);
		expect(n.chapters.get('ch-2')).toBe('二、');
		expect(n.sections.get('s-1-1')).toBe('(一)');
		expect(n.clauses.has('c-1-1-1')).toBe(false);
		// A clause inserted before another (c-1-1-9) shifts the displayed numbers, never the ids.
		expect(n.clauses.get('c-1-1-9')).toBe('1.');
		expect(n.clauses.get('c-1-1-2')).toBe('2.');
	});

	it('zh-statute: articles are numbered across the whole version', () => {
		const n = deriveNumbers('zh-statute', chapters);
		expect(n.clauses.get('c-2-0-1')).toBe('第三條');
		expect(n.clauses.get('c-2-0-1-1')).toBe('（一）');
	});

	it('decimal: 1.1.1 paths', () => {
		const n = deriveNumbers('decimal', chapters);
		expect(n.clauses.get('c-1-1-2')).toBe('1.1.2');
		expect(n.clauses.get('c-2-0-1')).toBe('2.1');
	});
});
