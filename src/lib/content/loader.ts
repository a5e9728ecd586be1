/**
 * Reads `content/policies/**` into validated policies, versions and clause
 * trees. The Astro content config, the CLI and the tests all load content
 * through here, so a malformed file fails every one of them the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareVersions } from './version-number.ts';

export { compareVersions };
import { z } from 'zod';
import { parseChapterMdx } from './chapter-mdx.ts';
import type { Chapter } from './clause-tree.ts';
import { walkClauses } from './clause-tree.ts';
import { cachedPolicy } from './content-cache.ts';
import { parseYaml } from './yaml.ts';
import { ContentError, ContentErrors, contentErrorsFromZod } from './errors.ts';
import { deriveNumbers, type Numbers } from './numbering.ts';
import { policyId, policySchema, versionSchema, type PolicyMeta, type VersionMeta } from './schema.ts';

export interface LoadedChapter {
	/** Path relative to the project root, for messages. */
	file: string;
	/** File name without extension, e.g. `01-總則`. */
	slug: string;
	/** The NN prefix that orders chapters. */
	order: number;
	chapter: Chapter;
}

export interface LoadedVersion {
	policyId: string;
	dir: string;
	meta: VersionMeta;
	chapters: LoadedChapter[];
	numbers: Numbers;
}

export interface LoadedPolicy {
	id: string;
	dir: string;
	meta: PolicyMeta;
	/** Ordered by version number, oldest first. */
	versions: LoadedVersion[];
}

export interface LoadResult {
	policies: LoadedPolicy[];
	errors: ContentError[];
}

export const chapterFilePattern = /^(\d{2,3})-([^/]+)\.mdx$/;

function readYaml<T extends z.ZodType>(
	file: string,
	schema: T,
	errors: ContentError[],
	display: string,
): z.infer<T> | undefined {
	let data: unknown;
	try {
		data = parseYaml(readFileSync(file, 'utf8'));
	} catch (error) {
		errors.push(new ContentError(display, '(yaml)', (error as Error).message.split('\n')[0]!));
		return undefined;
	}
	const parsed = schema.safeParse(data ?? {});
	if (!parsed.success) {
		errors.push(...contentErrorsFromZod(display, parsed.error));
		return undefined;
	}
	return parsed.data;
}

const isDir = (path: string) => statSync(path).isDirectory();

export function loadVersion(
	policyIdValue: string,
	meta: PolicyMeta,
	dir: string,
	rootForMessages: string,
	errors: ContentError[],
): LoadedVersion | undefined {
	const display = (path: string) => relative(rootForMessages, path) || path;
	const folder = dir.split(/[\\/]/).pop()!;
	const versionFile = join(dir, 'version.yaml');
	if (!existsSync(versionFile)) {
		errors.push(new ContentError(display(dir), 'version.yaml', 'a version folder needs a version.yaml'));
		return undefined;
	}
	const versionMeta = readYaml(versionFile, versionSchema, errors, display(versionFile));
	if (!versionMeta) return undefined;
	if (versionMeta.version !== folder) {
		errors.push(
			new ContentError(
				display(versionFile),
				'version',
				`"${versionMeta.version}" does not match its folder name "${folder}"`,
			),
		);
		return undefined;
	}
	const chapters: LoadedChapter[] = [];
	const orders = new Map<number, string>();
	for (const name of readdirSync(dir).sort()) {
		if (!name.endsWith('.mdx')) continue;
		const file = join(dir, name);
		const match = chapterFilePattern.exec(name);
		if (!match) {
			errors.push(new ContentError(display(file), '(file name)', 'chapter files are named NN-<slug>.mdx'));
			continue;
		}
		const order = Number(match[1]);
		if (orders.has(order)) {
			errors.push(
				new ContentError(display(file), '(file name)', `chapter number ${match[1]} is also used by ${orders.get(order)}`),
			);
			continue;
		}
		orders.set(order, name);
		try {
			const chapter = parseChapterMdx(readFileSync(file, 'utf8'), display(file));
			chapters.push({ file: display(file), slug: name.slice(0, -'.mdx'.length), order, chapter });
		} catch (error) {
			if (error instanceof ContentErrors) errors.push(...error.errors);
			else if (error instanceof ContentError) errors.push(error);
			else throw error;
		}
	}
	if (chapters.length === 0 && !errors.some((e) => e.file.startsWith(display(dir)))) {
		errors.push(new ContentError(display(dir), '(chapters)', 'a version needs at least one NN-<slug>.mdx chapter'));
	}
	chapters.sort((a, b) => a.order - b.order);

	// Ids are unique within a version: chapter, section and clause ids alike.
	const seen = new Map<string, string>();
	const claim = (id: string, file: string) => {
		const first = seen.get(id);
		if (first) errors.push(new ContentError(file, id, `duplicate id "${id}" (also in ${first})`));
		else seen.set(id, file);
	};
	for (const { file, chapter } of chapters) {
		claim(chapter.id, file);
		for (const section of chapter.sections) claim(section.id, file);
		for (const { clause } of walkClauses(chapter)) claim(clause.id, file);
	}
	if (versionMeta.sourceEnds && !seen.has(versionMeta.sourceEnds.after)) {
		errors.push(
			new ContentError(
				display(versionFile),
				'sourceEnds.after',
				`"${versionMeta.sourceEnds.after}" is not a section or clause of ${folder}`,
			),
		);
	}
	return {
		policyId: policyIdValue,
		dir,
		meta: versionMeta,
		chapters,
		numbers: deriveNumbers(
			meta.numbering,
			chapters.map((c) => c.chapter),
			meta.language,
		),
	};
}

export function loadPolicy(dir: string, rootForMessages: string, errors: ContentError[]): LoadedPolicy | undefined {
	const display = (path: string) => relative(rootForMessages, path) || path;
	const id = dir.split(/[\\/]/).pop()!;
	const idCheck = policyId.safeParse(id);
	if (!idCheck.success) {
		errors.push(new ContentError(display(dir), '(folder name)', idCheck.error.issues[0]!.message));
		return undefined;
	}
	const policyFile = join(dir, 'policy.yaml');
	if (!existsSync(policyFile)) {
		errors.push(new ContentError(display(dir), 'policy.yaml', 'a policy folder needs a policy.yaml'));
		return undefined;
	}
	const meta = readYaml(policyFile, policySchema, errors, display(policyFile));
	if (!meta) return undefined;
	const versions: LoadedVersion[] = [];
	for (const name of readdirSync(dir).sort()) {
		const path = join(dir, name);
		if (!isDir(path)) continue;
		if (!/^\d+\.\d+$/.test(name)) {
			errors.push(new ContentError(display(path), '(folder name)', 'version folders are named MAJOR.MINOR, such as 1.0'));
			continue;
		}
		const version = loadVersion(id, meta, path, rootForMessages, errors);
		if (version) versions.push(version);
	}
	versions.sort((a, b) => compareVersions(a.meta.version, b.meta.version));
	return { id, dir, meta, versions };
}

export interface LoadOptions {
	/** Folder holding one folder per policy (default `content/policies`). */
	policiesDir?: string;
	/** Paths in messages are relative to this (default: the current directory). */
	root?: string;
}

/** Loads every policy; collects every problem instead of stopping at the first. */
export function loadContent(options: LoadOptions = {}): LoadResult {
	const root = options.root ?? process.cwd();
	const policiesDir = options.policiesDir ?? join(root, 'content', 'policies');
	const errors: ContentError[] = [];
	const policies: LoadedPolicy[] = [];
	if (!existsSync(policiesDir)) {
		errors.push(new ContentError(relative(root, policiesDir) || policiesDir, '(folder)', 'no policies folder'));
		return { policies, errors };
	}
	for (const name of readdirSync(policiesDir).sort()) {
		const path = join(policiesDir, name);
		if (!isDir(path)) continue;
		const policy = cachedPolicy(path, root, errors, (found) => loadPolicy(path, root, found));
		if (policy) policies.push(policy);
	}
	return { policies, errors };
}

/** Like loadContent, but throws every problem at once; what the build uses. */
export function loadContentOrThrow(options: LoadOptions = {}): LoadedPolicy[] {
	const { policies, errors } = loadContent(options);
	if (errors.length) throw new ContentErrors(errors);
	return policies;
}
