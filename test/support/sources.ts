import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The source policies sit beside the project (../shared), on every developer machine and in CI. */
export const sourcesDir = resolve(import.meta.dirname, '../../../shared/policies-source');

if (!existsSync(sourcesDir)) {
	throw new Error(`${sourcesDir} not found: the source policies must sit beside the project in ../shared/`);
}

export const sourceFile = (name: 'pharma-operations-department' | 'operating-model-process') =>
	resolve(sourcesDir, `${name}.txt`);
