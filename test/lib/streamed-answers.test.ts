/**
 * Large answers are made a slice at a time (issue 19, item 4): the streamed CSV
 * exports and JSON lists are byte for byte what the one-piece writers made.
 */
import { describe, expect, it } from 'vitest';
import { csvSlices, stringifyCsv, type CsvRecord } from '#lib/csv/cells.ts';
import { jsonListResponse } from '#server/api.ts';

const records = (n: number): CsvRecord[] =>
	Array.from({ length: n }, (_, i) => [`E${i}`, i % 3 === 0 ? `=HYPERLINK("x${i}")` : `員工,${i}`, -i, '"引號"\n換行']);

async function joined(slices: AsyncIterable<string>): Promise<{ text: string; count: number }> {
	let text = '';
	let count = 0;
	for await (const slice of slices) {
		text += slice;
		count++;
	}
	return { text, count };
}

describe('streamed answers', () => {
	it.each([0, 1, 250, 251, 1200])('a CSV of %i records in slices is the same document as in one piece', async (n) => {
		const columns = ['員工編號', '姓名', '分數', '備註'];
		const { text, count } = await joined(csvSlices(columns, records(n)));
		expect(text).toBe(stringifyCsv(columns, records(n)));
		expect(text.startsWith('\uFEFF員工編號')).toBe(true);
		if (n > 250) expect(count).toBeGreaterThan(1);
	});

	it.each([
		[{}, 0],
		[{}, 3],
		[{ asOf: '2026-11-30', filters: { status: 'overdue' }, count: 600 }, 600],
	] as const)('a JSON list streamed with head %j and %i items is what JSON.stringify makes', async (head, n) => {
		const items = Array.from({ length: n }, (_, i) => ({ id: i, name: `員工${i}`, note: i % 2 ? null : '"\\' }));
		const toJson = (item: (typeof items)[number]) => ({ ...item, shown: true });
		const response = jsonListResponse(head, 'people', items, toJson);
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(await response.text()).toBe(JSON.stringify({ ...head, people: items.map(toJson) }));
	});
});
