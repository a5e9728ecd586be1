/** The OpenAPI 3.1 document: valid per the 3.1 schema, and covering every generated JSON file and server route. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, inject, it } from 'vitest';

const site = inject('siteDir');
const document = JSON.parse(readFileSync(join(site, 'api/v1/openapi.json'), 'utf8')) as {
	openapi: string;
	paths: Record<string, Record<string, unknown>>;
};

describe('/api/v1/openapi.json', () => {
	it('is a valid OpenAPI 3.1 document', async () => {
		const validator = new Validator();
		const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
		expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
		expect(result.valid).toBe(true);
		expect(document.openapi).toBe('3.1.0');
	});

	it('covers the JSON files and the server routes', () => {
		for (const path of [
			'/api/v1/policies.json',
			'/api/v1/policies/{policy}.json',
			'/api/v1/policies/{policy}/current.json',
			'/api/v1/policies/{policy}/versions/{version}.json',
			'/api/v1/policies/{policy}/changes/{range}.json',
			'/api/v1/quizzes.json',
			'/api/v1/training.json',
			'/api/v1/search',
			'/api/health',
			'/api/v1/me',
			'/api/v1/auth/login',
			'/api/v1/attempts',
			'/api/v1/attempts/{id}/submit',
			'/api/v1/tokens',
		]) {
			expect(Object.keys(document.paths), path).toContain(path);
		}
	});
});
