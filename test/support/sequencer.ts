/**
 * The order test files start in: Vitest's (slowest or largest first), except
 * that the publication test, the longest, starts first and the files that
 * build (test/support/build-lock.ts: one at a time) right after it, while the
 * publication test has yet to reach its own build: their builds then overlap
 * the other files instead of running one after another at the end of the run.
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
			return file === publicationTest ? 0 : filesThatBuild.includes(file) ? 1 : 2;
		};
		return sorted
			.map((spec, i) => ({ spec, i }))
			.sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
			.map(({ spec }) => spec);
	}
}
