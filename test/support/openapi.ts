/**
 * Checks a real response against the OpenAPI document the build published:
 * the schema declared for that path, method and status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

interface Doc {
	paths: Record<
		string,
		Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
	>;
}

export function openApiChecker(clientDir: string) {
	const doc = JSON.parse(readFileSync(join(clientDir, 'api/v1/openapi.json'), 'utf8')) as Doc;
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	ajv.addSchema({ ...doc, $id: 'zhidu-openapi' });
	/** `path` is the OpenAPI path template, e.g. /api/v1/attempts/{id}/submit. */
	return async (method: string, path: string, response: Response) => {
		const operation = doc.paths[path]?.[method.toLowerCase()];
		expect(operation, `${method} ${path} is not in the OpenAPI document`).toBeDefined();
		const declared = operation!.responses[String(response.status)];
		expect(declared, `${method} ${path}: status ${response.status} is not declared`).toBeDefined();
		const ref = declared!.content?.['application/json']?.schema.$ref;
		if (!ref) return;
		const validate = ajv.getSchema(`zhidu-openapi${ref}`)!;
		const body = await response.clone().json();
		expect(validate(body), `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
	};
}
