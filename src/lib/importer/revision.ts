/**
 * `zhidu import … --policy <existing> --version <next>`: the imported text is
 * aligned with the latest version of that policy so every clause keeps its id
 * (see align.ts), then written as a draft like any import.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { walkClauses } from '../content/clause-tree.ts';
import { compareVersions, loadContent, type LoadedPolicy } from '../content/loader.ts';
import { versionSchema, type NumberingScheme } from '../content/schema.ts';
import { parseYaml } from '../content/yaml.ts';
import type { Substitution } from '../diff/editorial.ts';
import { alignWithPrevious, type AlignmentReport } from './align.ts';
import type { ImportResult } from './build-tree.ts';

/** The existing policy, when there is one with at least one version other than `version`. */
export function existingPolicy(
	policiesDir: string,
	policyId: string,
	version: string,
): { policy: LoadedPolicy; previous: LoadedPolicy['versions'][number] } | undefined {
	const { policies } = loadContent({ policiesDir, root: policiesDir });
	const policy = policies.find((p) => p.id === policyId);
	if (!policy) return undefined;
	const earlier = policy.versions.filter((v) => compareVersions(v.meta.version, version) < 0);
	const previous = earlier.at(-1);
	return previous ? { policy, previous } : undefined;
}

/** Every chapter, section and clause id any version of the policy has used. */
export function usedIds(policy: LoadedPolicy): Set<string> {
	const ids = new Set<string>();
	for (const version of policy.versions)
		for (const { chapter } of version.chapters) {
			ids.add(chapter.id);
			for (const s of chapter.sections) ids.add(s.id);
			for (const { clause } of walkClauses(chapter)) ids.add(clause.id);
		}
	return ids;
}

/** Gives the imported tree the ids of the previous version; returns the alignment report. */
export function alignImport(
	result: ImportResult,
	existing: { policy: LoadedPolicy; previous: LoadedPolicy['versions'][number] },
	substitutions: readonly Substitution[] = [],
): AlignmentReport {
	const aligned = alignWithPrevious({
		previous: existing.previous.chapters.map((c) => c.chapter),
		previousVersion: existing.previous.meta.version,
		usedIds: usedIds(existing.policy),
		incoming: result.chapters,
		substitutions,
	});
	result.chapters = aligned.chapters;
	return aligned.report;
}

/** The policy's own scheme, so the revision is read the way the previous version was. */
export const schemeOf = (existing: { policy: LoadedPolicy }): NumberingScheme => existing.policy.meta.numbering;

const substitutionsFile = z.union([
	versionSchema.shape.substitutions.unwrap(),
	z.object({ substitutions: versionSchema.shape.substitutions.unwrap() }).transform((o) => o.substitutions),
]);

/** Reads `--substitutions <file.yaml>`: a list of { from, to, reason } (or { substitutions: [...] }). */
export function readSubstitutions(file: string): Substitution[] {
	const parsed = substitutionsFile.safeParse(parseYaml(readFileSync(file, 'utf8')));
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new Error(
			`${file}: ${issue.path.join('.') || '(file)'}: ${issue.message}; expected a list of { from, to, reason }`,
		);
	}
	return parsed.data;
}
