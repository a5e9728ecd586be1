/**
 * The order test files start in: Vitest's (slowest or largest first), except
 * that of the files that build (test/support/build-lock.ts: one at a time) the
 * publication test, the longest, starts first and the others last, so by the
 * time they start it has usually finished and no worker sits waiting.
 */
import { relative, resolve } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { filesThatBuild, publicationTest } from './build-lock.ts';

const root = resolve(import.meta.dirname, '../..');

export default class BuildsApartSequencer extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const sorted = await super.sort(files);
		const rank = (spec: TestSpecification) => {
			const file = relative(root, spec.moduleId);
			return file === publicationTest ? 0 : filesThatBuild.includes(file) ? 2 : 1;
		};
		return sorted
			.map((spec, i) => ({ spec, i }))
			.sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
			.map(({ spec }) => spec);
	}
}
