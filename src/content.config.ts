/**
 * Content collections. The source of truth is src/lib/content/: the chapter
 * frontmatter schema and the loader that validates every policy, version and
 * chapter. The `policies` collection runs that loader, so any invalid content
 * fails `astro build` (and `astro dev`) with its file, field and reason; the
 * `chapters` collection lets Astro render the chapter MDX.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCollection } from 'astro:content';
import { AstroError } from 'astro/errors';
import { glob, type Loader } from 'astro/loaders';
import { z } from 'astro/zod';
import { readBuildConfig } from './lib/config.ts';
import { chapterFrontmatterSchema } from './lib/content/schema.ts';
import { ContentErrors } from './lib/content/errors.ts';
import { parseYaml } from './lib/content/yaml.ts';
import { reloadCatalog } from './lib/catalog/index.ts';

const config = readBuildConfig();
const policiesDir = (root: URL) => resolve(fileURLToPath(root), config.contentDir);

/** Approved versions are always built; drafts and in-review only when previewing. */
const isBuilt = (status: unknown) => config.preview || status === 'approved';

/** `<policy>/<version>` folders left out of this build (a quick look; the policies loader validates). */
function unbuiltVersionFolders(dir: string): string[] {
	if (config.preview || !existsSync(dir)) return [];
	const out: string[] = [];
	for (const policy of readdirSync(dir, { withFileTypes: true })) {
		if (!policy.isDirectory()) continue;
		for (const version of readdirSync(join(dir, policy.name), { withFileTypes: true })) {
			if (!version.isDirectory()) continue;
			let status: unknown;
			try {
				const file = join(dir, policy.name, version.name, 'version.yaml');
				status = (parseYaml(readFileSync(file, 'utf8')) as { status?: unknown } | null)?.status;
			} catch {
				status = undefined;
			}
			if (!isBuilt(status)) out.push(`${policy.name}/${version.name}`);
		}
	}
	return out;
}

/**
 * Chapter MDX files. Ids keep the path verbatim, `<policy>/<version>/<file name
 * without .mdx>`: never slugified, so `1.0` stays `1.0` and `01-總則` stays.
 */
const chapterLoader: Loader = {
	name: 'zhidu-chapters',
	load: async (context) => {
		const base = policiesDir(context.config.root);
		// Astro keeps an unchanged chapter's stored entry, file path included, from the last build even when
		// that build read another content folder (ZHIDU_CONTENT_DIR changed): once that folder is gone, the
		// build fails resolving it. Another folder than last time starts from an empty store.
		if (context.meta.get('base') !== base) {
			context.store.clear();
			context.meta.set('base', base);
		}
		const excluded = unbuiltVersionFolders(base);
		await glob({
			base,
			pattern: ['*/*/*.mdx', ...excluded.map((folder) => `!${folder}/*.mdx`)],
			generateId: ({ entry }) => entry.replace(/\.mdx$/, ''),
		}).load(context);
	},
};

/** One entry per policy from the validating loader; throws (failing the build) on any content problem. */
const policyLoader: Loader = {
	name: 'zhidu-policies',
	load: async ({ store, logger, parseData, config: astroConfig }) => {
		let policies;
		try {
			// The one catalog (quiz banks validated too: every citation must exist), read afresh: the pages, the
			// Pagefind integration and, in `astro dev`, later requests share this load.
			policies = reloadCatalog({ root: fileURLToPath(astroConfig.root) }).policies;
		} catch (error) {
			// Astro prints only the first of an error's `errors`: list them all in one message.
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
			const versions = policy.versions.filter((v) => isBuilt(v.meta.status)).map((v) => v.meta.version);
			store.set({
				id: policy.id,
				data: await parseData({ id: policy.id, data: { title: policy.meta.title, versions } }),
			});
		}
		logger.info(
			`${policies.length} policies from ${config.contentDir} (${config.timeZone})${
				config.preview ? ', preview: drafts included' : ''
			}`,
		);
	},
};

export const collections = {
	chapters: defineCollection({ loader: chapterLoader, schema: chapterFrontmatterSchema }),
	policies: defineCollection({
		loader: policyLoader,
		schema: z.object({ title: z.string(), versions: z.array(z.string()) }),
	}),
};
