/**
 * Content collections. The source of truth is src/lib/content/: the chapter
 * frontmatter schema and the loader that validates every policy, version and
 * chapter. The `policies` collection runs that loader, so any invalid content
 * fails `astro build` with its file, field and reason.
 *
 * Environment:
 * - ZHIDU_CONTENT_DIR: the folder holding one folder per policy (default `content/policies`).
 * - ZHIDU_PREVIEW=1: also build draft and in-review versions.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCollection } from 'astro:content';
import { AstroError } from 'astro/errors';
import { glob, type Loader } from 'astro/loaders';
import { z } from 'astro/zod';
import { parse as parseYaml } from 'yaml';
import { chapterFrontmatterSchema, policySchema, versionSchema } from './lib/content/schema.ts';
import { ContentErrors } from './lib/content/errors.ts';
import { loadContentOrThrow, type LoadedPolicy } from './lib/content/loader.ts';
import type { Numbers } from './lib/content/numbering.ts';

const contentDir = process.env.ZHIDU_CONTENT_DIR || 'content/policies';
const preview = process.env.ZHIDU_PREVIEW === '1';

const policiesDir = (root: URL) => resolve(fileURLToPath(root), contentDir);

/** Whether a version folder is built: approved versions always, drafts and in-review only in preview. */
const isBuilt = (status: unknown) => preview || status === 'approved';

/**
 * `<policy>/<version>` folders whose version.yaml does not say `approved`.
 * Only a quick look at the status: the `policies` loader validates everything
 * and fails the build on any problem.
 */
function unbuiltVersionFolders(dir: string): string[] {
	if (preview || !existsSync(dir)) return [];
	const out: string[] = [];
	for (const policy of readdirSync(dir, { withFileTypes: true })) {
		if (!policy.isDirectory()) continue;
		for (const version of readdirSync(join(dir, policy.name), { withFileTypes: true })) {
			if (!version.isDirectory()) continue;
			let status: unknown;
			try {
				status = (parseYaml(readFileSync(join(dir, policy.name, version.name, 'version.yaml'), 'utf8')) as any)?.status;
			} catch {
				status = undefined;
			}
			if (!isBuilt(status)) out.push(`${policy.name}/${version.name}`);
		}
	}
	return out;
}

/**
 * Chapter MDX files. Ids are the path kept verbatim, `<policy>/<version>/<file
 * name without .mdx>` (never slugified: `1.0` stays `1.0`, `01-總則` stays).
 * Versions that are not built are left out of the glob altogether.
 */
const chapterLoader: Loader = {
	name: 'zhidu-chapters',
	load: async (context) => {
		const base = policiesDir(context.config.root);
		const excluded = unbuiltVersionFolders(base);
		const inner = glob({
			base,
			pattern: ['*/*/*.mdx', ...excluded.map((folder) => `!${folder}/*.mdx`)],
			generateId: ({ entry }) => entry.replace(/\.mdx$/, ''),
		});
		await inner.load(context);
	},
};

const chapters = defineCollection({
	loader: chapterLoader,
	schema: chapterFrontmatterSchema,
});

const record = z.record(z.string(), z.string());

const chapterSummary = z.object({
	/** File name without `.mdx`, e.g. `01-總則`; the chapters collection id is `<policy>/<version>/<slug>`. */
	slug: z.string(),
	/** Chapter id from the frontmatter (`ch-1`): the URL segment. */
	id: z.string(),
	title: z.string(),
	/** Path of the file relative to the project root. */
	file: z.string(),
	sections: z.array(z.object({ id: z.string(), title: z.string() })),
});

const versionEntry = z.object({
	meta: versionSchema,
	chapters: z.array(chapterSummary),
	/** Displayed numbers by id, derived from position across the whole version. */
	numbers: z.object({ chapters: record, sections: record, clauses: record }),
	/** The chapter holding `meta.sourceEnds.after`, when the source breaks off. */
	sourceEndsChapter: z.string().optional(),
});

const policyEntry = z.object({
	meta: policySchema,
	/** Built versions only, oldest first. */
	versions: z.array(versionEntry),
});

export type PolicyEntryData = z.infer<typeof policyEntry>;
export type VersionEntryData = z.infer<typeof versionEntry>;

const plainNumbers = (numbers: Numbers) => ({
	chapters: Object.fromEntries(numbers.chapters),
	sections: Object.fromEntries(numbers.sections),
	clauses: Object.fromEntries(numbers.clauses),
});

function toEntryData(policy: LoadedPolicy) {
	return {
		meta: policy.meta,
		versions: policy.versions
			.filter((version) => isBuilt(version.meta.status))
			.map((version) => {
				const after = version.meta.sourceEnds?.after;
				const holder = after
					? version.chapters.find(
							({ chapter }) =>
								chapter.id === after ||
								chapter.sections.some((s) => s.id === after || s.clauses.some((c) => containsClause(c, after))) ||
								chapter.clauses.some((c) => containsClause(c, after)),
						)
					: undefined;
				return {
					meta: version.meta,
					chapters: version.chapters.map(({ slug, file, chapter }) => ({
						slug,
						id: chapter.id,
						title: chapter.title,
						file,
						sections: chapter.sections.map(({ id, title }) => ({ id, title })),
					})),
					numbers: plainNumbers(version.numbers),
					...(holder ? { sourceEndsChapter: holder.chapter.id } : {}),
				};
			}),
	};
}

interface ClauseLike {
	id: string;
	items: ClauseLike[];
}
const containsClause = (clause: ClauseLike, id: string): boolean =>
	clause.id === id || clause.items.some((item) => containsClause(item, id));

/** One entry per policy, from the validating loader; throws (and so fails the build) on any content problem. */
const policyLoader: Loader = {
	name: 'zhidu-policies',
	load: async ({ store, logger, parseData, config }) => {
		const root = fileURLToPath(config.root);
		let policies: LoadedPolicy[];
		try {
			policies = loadContentOrThrow({ policiesDir: policiesDir(config.root), root });
		} catch (error) {
			// Astro prints only the first of an error's `errors`: list them all in one message instead.
			if (error instanceof ContentErrors) {
				throw new AstroError(
					`Invalid content (${error.errors.length} problem${error.errors.length === 1 ? '' : 's'}):\n${error.errors
						.map((e) => `  ${e.message}`)
						.join('\n')}`,
					'Each line is <file>: <field or line>: <reason>. Fix the content and build again.',
				);
			}
			throw error;
		}
		store.clear();
		for (const policy of policies) {
			const data = await parseData({ id: policy.id, data: toEntryData(policy) });
			store.set({ id: policy.id, data });
		}
		const versions = policies.reduce((n, p) => n + p.versions.filter((v) => isBuilt(v.meta.status)).length, 0);
		logger.info(
			`${policies.length} policies, ${versions} versions from ${contentDir}${preview ? ' (preview: drafts included)' : ''}`,
		);
	},
};

const policies = defineCollection({
	loader: policyLoader,
	schema: policyEntry,
});

export const collections = { chapters, policies };
