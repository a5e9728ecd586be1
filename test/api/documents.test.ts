/**
 * The headless JSON: every document, prerendered (addressed by version) or
 * rendered on demand by the real server (what depends on today), validates
 * against its published JSON Schema; no quiz answers leak.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { fetchText } from '../support/on-demand.ts';
import { serveSite, type ServedSite } from '../support/site-server.ts';

const site = inject('siteDir');
const read = (path: string) => JSON.parse(readFileSync(join(site, path), 'utf8'));
let served: ServedSite;
beforeAll(async () => {
	served = await serveSite(site);
});
afterAll(async () => {
	await served?.close();
});
/** An on-demand document, from the server. */
const get = async (path: string) => JSON.parse(await fetchText(served.url, `/${path}`)) as unknown;
/** A folder's documents, without the build's Brotli and gzip copies (`*.br`, `*.gz`) of each. */
const published = (dir: string) => readdirSync(join(site, dir)).filter((f) => !/\.(br|gz)$/.test(f));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const schemas = Object.fromEntries(
	published('api/v1/schemas').map((file) => [file.replace(/\.json$/, ''), ajv.compile(read(`api/v1/schemas/${file}`))]),
);

function validate(name: string, path: string, document: unknown = read(path)) {
	const check = schemas[name]!;
	const ok = check(document);
	expect(ok, `${path}: ${ajv.errorsText(check.errors)}`).toBe(true);
}

const files = (dir: string): string[] =>
	published(dir).flatMap((f) => (statSync(join(site, dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe('/api/v1 JSON documents', () => {
	it('publishes a JSON Schema for each kind of document', () => {
		expect(Object.keys(schemas).sort()).toEqual(['changes', 'policies', 'policy', 'quizzes', 'training', 'version']);
	});

	it('every document validates against its schema', async () => {
		validate('quizzes', 'api/v1/quizzes.json');
		const all = files('api/v1/policies');
		expect(all.length).toBeGreaterThanOrEqual(6);
		for (const file of all) {
			if (/\/versions\/[^/]+\.json$/.test(file)) validate('version', file);
			else if (file.includes('/changes/')) validate('changes', file);
			else throw new Error(`${file}: depends on today, so it is rendered on demand, never prerendered`);
		}
		// Rendered on demand, as of today.
		validate('policies', 'api/v1/policies.json', await get('api/v1/policies.json'));
		validate('training', 'api/v1/training.json', await get('api/v1/training.json'));
		for (const policy of loadContentOrThrow()) {
			validate('policy', `${policy.id}.json`, await get(`api/v1/policies/${policy.id}.json`));
			validate('version', `${policy.id}/current.json`, await get(`api/v1/policies/${policy.id}/current.json`));
		}
	});

	it('lists the policies with their version in force and a stable alias for it', async () => {
		const { policies } = (await get('api/v1/policies.json')) as {
			policies: { id: string; versionInForce: string; current: string }[];
		};
		const pharma = policies.find((p) => p.id === 'pharma-operations-department')!;
		expect(pharma.versionInForce).toBe('1.1');
		expect(pharma.current).toBe('/api/v1/policies/pharma-operations-department/current.json');
		const current = await get('api/v1/policies/pharma-operations-department/current.json');
		expect(current).toEqual(read('api/v1/policies/pharma-operations-department/versions/1.1.json'));
	});

	it('a clause has its id, number, title, text, HTML and URL with anchor', () => {
		const version = read('api/v1/policies/operating-model-process/versions/1.1.json') as {
			chapters: {
				sections: {
					clauses: {
						id: string;
						number: string | null;
						text: string;
						html: string;
						url: string;
						title: string | null;
					}[];
				}[];
			}[];
		};
		const clause = version.chapters[1]!.sections[0]!.clauses[0]!;
		expect(clause).toMatchObject({
			id: 'c-2-1-1',
			number: null,
			url: '/policies/operating-model-process/1.1/ch-2/#c-2-1-1',
		});
		expect(clause.text).toContain('[具體運營模式名稱]');
		expect(clause.html).toContain('<span class="blank">待填寫：具體運營模式名稱</span>');
		const titled = version.chapters[0]!.sections[2]!.clauses[0]!;
		expect(titled).toMatchObject({ number: '1.', title: '合法合規原則' });
	});

	it('the changes between consecutive versions, by clause id with kind and classification', () => {
		const changes = read('api/v1/policies/pharma-operations-department/changes/1.0...1.1.json') as {
			summary: { total: number; substantive: number };
			changes: { clause: string; kind: string; classification: string }[];
		};
		expect(changes.summary.substantive).toBe(0);
		expect(changes.changes.find((c) => c.clause === 'c-1-1-1')).toMatchObject({
			kind: 'reworded',
			classification: 'editorial',
		});
	});

	it('quizzes are metadata only', () => {
		const text = readFileSync(join(site, 'api/v1/quizzes.json'), 'utf8');
		expect(text).not.toMatch(/"questions"|"options"|"explanation"|"correct"/);
		const { quizzes } = JSON.parse(text) as { quizzes: { id: string; questionCount: number }[] };
		expect(quizzes.find((q) => q.id === 'pharma-operations-department')!.questionCount).toBeGreaterThanOrEqual(20);
	});
});
