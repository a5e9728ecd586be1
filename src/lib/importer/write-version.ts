/**
 * Writes an imported tree as a new version folder: chapter MDX files, a
 * draft version.yaml and, for a new policy, a policy.yaml with only what the
 * source states.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chapterToMdx } from '../content/chapter-mdx.ts';
import { partsToText, walkClauses } from '../content/clause-tree.ts';
import { yaml } from '../content/yaml.ts';
import { toSimplified, toTraditional } from '../script-conversion.ts';
import {
	policySchema,
	versionNumber,
	policyId as policyIdSchema,
	type PolicyMeta,
	type VersionMeta,
} from '../content/schema.ts';
import type { ImportResult } from './build-tree.ts';

export interface WriteOptions {
	policiesDir: string;
	policyId: string;
	version: string;
	source: string;
	force?: boolean;
	/** Term substitutions to declare in version.yaml (carried over by an aligning import). */
	substitutions?: VersionMeta['substitutions'];
	/** Extra change-summary lines (an aligning import's counts). */
	changeSummary?: string[];
}

export interface WrittenVersion {
	dir: string;
	files: string[];
	createdPolicy: boolean;
}

/** File-name slug: keeps CJK and Latin letters, so HR recognises the chapter. */
export function chapterSlug(title: string): string {
	const slug = title
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return slug || 'chapter';
}

/** Counts characters a conversion changes: how much of the text is in the other script. */
function changedBy(convert: (text: string) => string, text: string): number {
	const a = Array.from(text);
	const b = Array.from(convert(text));
	if (a.length !== b.length) return 0;
	return a.reduce((n, ch, i) => n + (ch !== b[i] ? 1 : 0), 0);
}

/** Enough text to tell the script apart: thousands of characters one conversion changes (a 20 MB import took seconds). */
const LANGUAGE_SAMPLE = 20_000;

function languageOf(whole: string): string {
	const start = whole.search(/\p{Script=Han}/u);
	if (start < 0) return 'en';
	// From the first Han character; cut at a code point, not inside a surrogate pair.
	const end = Math.min(whole.length, start + LANGUAGE_SAMPLE);
	const text = whole.slice(start, /[\uD800-\uDBFF]/.test(whole[end - 1] ?? '') ? end - 1 : end);
	// Characters that exist only in one script decide: those a Simplified → Traditional conversion changes
	// are Simplified, those the reverse changes are Traditional.
	const simplified = changedBy(toTraditional, text);
	const traditional = changedBy(toSimplified, text);
	return simplified > traditional ? 'zh-Hans-CN' : 'zh-Hant-TW';
}

/** The scope clause (適用範圍 / Scope) says who must follow the policy. */
function findAudience(result: ImportResult): PolicyMeta['audience'] | undefined {
	for (const chapter of result.chapters) {
		for (const section of chapter.sections) {
			if (/適用[范範]圍|适用范围|^scope$/i.test(section.title) && section.clauses[0]) {
				const text = partsToText(section.clauses[0].parts);
				const who = /適用[于於]|适用于/.exec(text);
				return {
					text: who ? text.slice(who.index + who[0].length).replace(/。$/, '') : text,
					clause: section.clauses[0].id,
				};
			}
		}
	}
	return undefined;
}

const chapterText = (chapter: ImportResult['chapters'][number]): string =>
	[
		chapter.title,
		...[...walkClauses(chapter)].map(({ clause }) => partsToText(clause.parts)),
		...chapter.sections.map((s) => s.title),
	].join('');

export function writeImportedVersion(result: ImportResult, options: WriteOptions): WrittenVersion {
	const idCheck = policyIdSchema.safeParse(options.policyId);
	if (!idCheck.success) throw new Error(`--policy "${options.policyId}": ${idCheck.error.issues[0]!.message}`);
	const versionCheck = versionNumber.safeParse(options.version);
	if (!versionCheck.success)
		throw new Error(`--version "${options.version}": ${versionCheck.error.issues[0]!.message}`);
	if (result.chapters.length === 0) throw new Error(`${options.source}: found no chapters; nothing was written`);

	const policyDir = join(options.policiesDir, options.policyId);
	const dir = join(policyDir, options.version);
	if (existsSync(dir)) {
		if (!options.force) throw new Error(`${dir} already exists; pass --force to overwrite version ${options.version}`);
		for (const name of readdirSync(dir)) if (name.endsWith('.mdx') || name === 'version.yaml') rmSync(join(dir, name));
	}
	mkdirSync(dir, { recursive: true });
	const files: string[] = [];

	let createdPolicy = false;
	const policyFile = join(policyDir, 'policy.yaml');
	if (!existsSync(policyFile)) {
		const audience = findAudience(result);
		const policy = policySchema.parse({
			title: result.title || options.policyId,
			...(audience ? { audience } : {}),
			language: languageOf(result.title + result.chapters.map(chapterText).join('')),
			numbering: result.scheme,
		});
		writeFileSync(policyFile, yaml().stringify(policy));
		files.push(policyFile);
		createdPolicy = true;
	}

	const version: VersionMeta = {
		version: options.version,
		status: 'draft',
		changeSummary: [`Imported from ${options.source.split(/[\\/]/).pop()}`, ...(options.changeSummary ?? [])],
		classificationOverrides: [],
		substitutions: options.substitutions ?? [],
		...(result.report.sourceNotes.length ? { sourceNotes: result.report.sourceNotes } : {}),
		...(result.report.sourceEnds ? { sourceEnds: result.report.sourceEnds } : {}),
	};
	const { classificationOverrides: _unused, substitutions, ...rest } = version;
	const versionYaml = substitutions.length ? { ...rest, substitutions } : rest;
	writeFileSync(join(dir, 'version.yaml'), yaml().stringify(versionYaml));
	files.push(join(dir, 'version.yaml'));

	const width = result.chapters.length >= 100 ? 3 : 2;
	result.chapters.forEach((chapter, index) => {
		const file = join(dir, `${String(index + 1).padStart(width, '0')}-${chapterSlug(chapter.title)}.mdx`);
		writeFileSync(file, chapterToMdx(chapter));
		files.push(file);
	});
	return { dir, files, createdPolicy };
}
