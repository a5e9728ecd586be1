/**
 * `zhidu lint`: checks loaded content beyond what the loader rejects.
 *
 * Errors: every loader error, dangling ids (audience.clause,
 * classificationOverrides[].clause, sourceEnds.after) and ids that come back
 * after being removed (ids are never reused). Warnings: template blanks still
 * to be filled in, and Simplified forms in zh-Hant text (character-forms.ts).
 */
import { join, relative } from 'node:path';
import { partsToText, walkClauses, type Chapter, type Clause } from '../content/clause-tree.ts';
import type { LoadedPolicy, LoadedVersion, LoadResult } from '../content/loader.ts';
import { findCharacterForms } from './character-forms.ts';

export type LintSeverity = 'error' | 'warning';

export interface LintFinding {
	severity: LintSeverity;
	/** Path relative to the root, for messages. */
	file: string;
	/** A clause, section or chapter id (`c-1-1-1`, `ch-1.title`) or a YAML field (`audience.clause`). */
	field: string;
	message: string;
	/** The replacement, for character forms. */
	suggestion?: string;
	/** Which check found it, e.g. `loader`, `dangling-id`, `fix:范→範`. */
	rule?: string;
	/** UTF-16 offset in the checked text, for character forms. */
	offset?: number;
}

export interface LintReport {
	findings: LintFinding[];
	errors: number;
	warnings: number;
}

export interface LintOptions {
	/** Paths in findings are relative to this; use the root given to loadContent (default: the current directory). */
	root?: string;
}

/** Languages whose text is checked for Simplified character forms. */
export const isTraditionalChinese = (language: string) => /^zh-Hant(-|$)/i.test(language);

function clauseIds(version: LoadedVersion): Set<string> {
	const ids = new Set<string>();
	for (const { chapter } of version.chapters) for (const { clause } of walkClauses(chapter)) ids.add(clause.id);
	return ids;
}

/** Every chapter, section and clause id of a version, with the chapter file it is in. */
function allIds(version: LoadedVersion): Map<string, string> {
	const ids = new Map<string, string>();
	for (const { file, chapter } of version.chapters) {
		ids.set(chapter.id, file);
		for (const section of chapter.sections) ids.set(section.id, file);
		for (const { clause } of walkClauses(chapter)) ids.set(clause.id, file);
	}
	return ids;
}

function blankFindings(file: string, clause: Clause): LintFinding[] {
	return clause.parts.flatMap((part) =>
		part.kind === 'blank'
			? [
					{
						severity: 'warning' as const,
						file,
						field: clause.id,
						message: `template blank [${part.label}] in ${clause.id}: 待填寫`,
						rule: 'template-blank',
					},
				]
			: [],
	);
}

function characterFormFindings(file: string, field: string, text: string): LintFinding[] {
	return findCharacterForms(text).map((finding) => ({
		severity: 'warning' as const,
		file,
		field,
		message: finding.reviewed
			? `${finding.rule.startsWith('phrase:') ? 'conversion error' : 'Simplified form'} "${finding.found}" at ${finding.offset} in "${finding.context}": use "${finding.suggested}" (${finding.rule})`
			: `possible Simplified form, not reviewed: "${finding.found}" at ${finding.offset} in "${finding.context}": opencc suggests "${finding.suggested}"`,
		suggestion: finding.suggested,
		rule: finding.rule,
		offset: finding.offset,
	}));
}

function chapterCharacterForms(file: string, chapter: Chapter): LintFinding[] {
	const findings = characterFormFindings(file, `${chapter.id}.title`, chapter.title);
	const clauses = (list: Clause[]) => {
		for (const clause of list) {
			if (clause.title) findings.push(...characterFormFindings(file, `${clause.id}.title`, clause.title));
			findings.push(...characterFormFindings(file, clause.id, partsToText(clause.parts)));
			clauses(clause.items);
		}
	};
	clauses(chapter.clauses);
	for (const section of chapter.sections) {
		findings.push(...characterFormFindings(file, `${section.id}.title`, section.title));
		clauses(section.clauses);
	}
	return findings;
}

function lintPolicy(
	policy: LoadedPolicy,
	display: (path: string) => string,
	loaderErrors: LintFinding[],
): LintFinding[] {
	const findings: LintFinding[] = [];
	const error = (file: string, field: string, message: string, rule: string) =>
		findings.push({ severity: 'error', file, field, message, rule });
	const policyFile = display(join(policy.dir, 'policy.yaml'));
	const versions = policy.versions;

	// audience.clause names a clause of the current (latest) version.
	const audienceClause = policy.meta.audience?.clause;
	if (audienceClause) {
		const latest = versions.at(-1);
		if (!latest) {
			error(
				policyFile,
				'audience.clause',
				`"${audienceClause}": the policy has no version to look it up in`,
				'dangling-id',
			);
		} else if (!clauseIds(latest).has(audienceClause)) {
			const earlier = versions.filter((v) => clauseIds(v).has(audienceClause)).map((v) => v.meta.version);
			error(
				policyFile,
				'audience.clause',
				`"${audienceClause}" is not a clause of the latest version ${latest.meta.version}` +
					(earlier.length ? ` (it was in ${earlier.join(', ')})` : ''),
				'dangling-id',
			);
		}
	}

	const removedIn = new Map<string, string>();
	const seen = new Set<string>();
	versions.forEach((version, index) => {
		const versionFile = display(join(version.dir, 'version.yaml'));
		const folder = version.meta.version;
		const previous = index > 0 ? versions[index - 1] : undefined;
		const current = clauseIds(version);
		const before = previous ? clauseIds(previous) : new Set<string>();

		// Overrides may name a clause of this version or a clause the previous version had (a removed clause).
		version.meta.classificationOverrides.forEach((override, i) => {
			if (current.has(override.clause) || before.has(override.clause)) return;
			error(
				versionFile,
				`classificationOverrides.${i}.clause`,
				`"${override.clause}" is not a clause of ${folder}` +
					(previous ? ` or of the previous version ${previous.meta.version}` : ''),
				'dangling-id',
			);
		});

		// The loader checks sourceEnds.after already; report it once.
		const sourceEnds = version.meta.sourceEnds;
		const ids = allIds(version);
		if (
			sourceEnds &&
			!ids.has(sourceEnds.after) &&
			!loaderErrors.some((e) => e.file === versionFile && e.field === 'sourceEnds.after')
		) {
			error(
				versionFile,
				'sourceEnds.after',
				`"${sourceEnds.after}" is not a section or clause of ${folder}`,
				'dangling-id',
			);
		}

		// Ids are never reused: once removed, an id does not come back.
		for (const [id, file] of ids) {
			const gone = removedIn.get(id);
			if (gone !== undefined) {
				error(
					file,
					id,
					`id "${id}" was removed in ${gone} and is used again in ${folder}; ids are never reused, give it a new id`,
					'reused-id',
				);
				removedIn.delete(id);
			}
		}
		for (const id of seen) if (!ids.has(id) && !removedIn.has(id)) removedIn.set(id, folder);
		for (const id of ids.keys()) seen.add(id);
	});

	const checkForms = isTraditionalChinese(policy.meta.language);
	for (const version of versions) {
		for (const { file, chapter } of version.chapters) {
			for (const { clause } of walkClauses(chapter)) findings.push(...blankFindings(file, clause));
			if (checkForms) findings.push(...chapterCharacterForms(file, chapter));
		}
	}
	return findings;
}

export function lintContent(result: LoadResult, options: LintOptions = {}): LintReport {
	const root = options.root ?? process.cwd();
	const display = (path: string) => relative(root, path) || path;
	const loaderErrors: LintFinding[] = result.errors.map((e) => ({
		severity: 'error',
		file: e.file,
		field: e.field,
		message: e.reason,
		rule: 'loader',
	}));
	const findings = [...loaderErrors];
	for (const policy of result.policies) findings.push(...lintPolicy(policy, display, loaderErrors));
	return {
		findings,
		errors: findings.filter((f) => f.severity === 'error').length,
		warnings: findings.filter((f) => f.severity === 'warning').length,
	};
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line per finding, `path:field: severity: message`, then `N errors, M warnings`. */
export function formatReport(report: LintReport): string {
	const lines = report.findings.map((f) => `${f.file}:${f.field}: ${f.severity}: ${f.message}`);
	lines.push(`${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}`);
	return lines.join('\n');
}
