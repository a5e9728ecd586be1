/**
 * GET /api/v1/search, /api/v1/search/states and /api/v1/search/records on the
 * real server: the same index and rules as the CLI; the browser's records of
 * a result page in one request.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveSite, type ServedSite } from '../support/site-server.ts';
import { openApiChecker } from '../support/openapi.ts';
import { emptyQueries, searchQueries } from './queries.ts';

let site: ServedSite;
beforeAll(async () => {
	site = await serveSite(inject('siteDir'));
}, 120_000);
afterAll(async () => {
	await site?.close();
});

interface Answer {
	total: number;
	byPolicy: Record<string, number>;
	results: { clauseId: string; policy: string; url: string; state: string; text: string }[];
	suggestions: string[];
}
const search = async (params: Record<string, string>) => {
	const response = await fetch(`${site.url}/api/v1/search?${new URLSearchParams(params)}`);
	return { response, body: (await response.clone().json()) as Answer };
};

describe('GET /api/v1/search', () => {
	it('answers as the OpenAPI document says, a page at a time with counts per policy', async () => {
		const matchesOpenApi = openApiChecker(inject('siteDir'));
		const { response, body } = await search({ q: '數據', limit: '5' });
		expect(response.status).toBe(200);
		await matchesOpenApi('GET', '/api/v1/search', response);
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(body.results).toHaveLength(5);
		expect(body.total).toBeGreaterThan(20);
		const next = await search({ q: '數據', limit: '5', offset: '5' });
		expect(next.body.results.map((r) => r.url)).not.toContain(body.results[0]!.url);
		expect(Object.values(body.byPolicy).reduce((a, b) => a + b, 0)).toBe(body.total);
	});

	it('finds the expected clause in the top 3 for at least 95% of the query set', async () => {
		const misses: string[] = [];
		for (const q of searchQueries) {
			const { body } = await search({ q: q.query, limit: '3', ...(q.policy ? { policy: q.policy } : {}) });
			if (!body.results.some((r) => r.clauseId === q.expect)) misses.push(q.query);
		}
		console.log(`API: misses ${misses.join(', ') || 'none'}`);
		expect(1 - misses.length / searchQueries.length).toBeGreaterThanOrEqual(0.95);
	}, 120_000);

	it('finds nothing for any query of the empty set, and suggests fewer terms', async () => {
		for (const q of emptyQueries) {
			const { body } = await search({ q, state: 'all' });
			expect(body.results, q).toEqual([]);
			expect(body.total, q).toBe(0);
		}
		expect((await search({ q: '運營經理 火星' })).body.suggestions).toContain('運營 經理');
	});

	it('批准 never matches 準確 alone', async () => {
		const { body } = await search({ q: '批准', limit: '100', state: 'all' });
		expect(body.total).toBeGreaterThan(0);
		for (const r of body.results) expect(r.text).toMatch(/批[准準]/);
	});

	it('filters by policy and state; rejects bad parameters naming them', async () => {
		const one = await search({ q: '規范', policy: 'operating-model-process', state: 'superseded' });
		expect(one.body.results.length).toBeGreaterThan(0);
		expect(one.body.results.every((r) => r.policy === 'operating-model-process' && r.state === 'superseded')).toBe(
			true,
		);
		for (const [params, field] of [
			[{ q: 'x', limit: '0' }, 'limit'],
			[{ q: 'x', limit: 'many' }, 'limit'],
			[{ q: 'x', offset: '-1' }, 'offset'],
			[{ q: 'x', state: 'old' }, 'state'],
			[{ q: 'x', policy: 'nope' }, 'policy'],
			[{ q: 'x', extra: '1' }, 'extra'],
			[{}, 'q'],
		] as const) {
			const { response, body } = await search(params as Record<string, string>);
			expect(response.status, JSON.stringify(params)).toBe(400);
			expect(Object.keys((body as unknown as { fields: object }).fields), JSON.stringify(params)).toContain(field);
		}
	});

	it('GET /api/v1/search/states gives each version its state today', async () => {
		const response = await fetch(`${site.url}/api/v1/search/states`);
		expect(response.status).toBe(200);
		const body = (await response.json()) as { asOf: string; states: Record<string, string> };
		expect(body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(body.states['operating-model-process@1.1']).toBe('in-force');
		expect(body.states['operating-model-process@1.0']).toBe('superseded');
	});

	it('GET /api/v1/search/records gives a page of Pagefind records in one answer, and refuses what is not an id', async () => {
		const matchesOpenApi = openApiChecker(inject('siteDir'));
		const ids = readdirSync(join(inject('siteDir'), 'pagefind', 'fragment'))
			.filter((name) => name.endsWith('.pf_fragment'))
			.slice(0, 20)
			.map((name) => name.replace(/\.pf_fragment$/, ''));
		expect(ids).toHaveLength(20);
		const response = await fetch(`${site.url}/api/v1/search/records?ids=${[...ids, 'und_0000000'].join(',')}`);
		expect(response.status).toBe(200);
		await matchesOpenApi('GET', '/api/v1/search/records', response);
		const { records } = (await response.json()) as {
			records: Record<string, { url: string; meta: Record<string, string>; filters: Record<string, string[]> } | null>;
		};
		for (const id of ids) {
			expect(records[id]?.url, id).toMatch(/^\/policies\/[^/]+\/[^/]+\/[^/]+\/#c-/);
			expect(records[id]?.meta['text']?.length, id).toBeGreaterThan(0);
			expect(records[id]?.filters['version']?.[0], id).toMatch(/^[\w-]+@[\d.]+$/);
		}
		expect(records['und_0000000']).toBeNull();
		for (const ids of ['../search-index', 'a/b', Array.from({ length: 51 }, (_, i) => `und_${i}`).join(',')]) {
			const bad = await fetch(`${site.url}/api/v1/search/records?${new URLSearchParams({ ids })}`);
			expect(bad.status, ids).toBe(400);
		}
	});

	it('the old monolithic /api/v1/search-index.json is gone', async () => {
		expect((await fetch(`${site.url}/api/v1/search-index.json`)).status).toBe(404);
	});
});
