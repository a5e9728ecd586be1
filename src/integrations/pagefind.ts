/**
 * Site search: a Pagefind index written into the build output by the
 * `astro:build:done` hook, through Pagefind's Node API (version pinned in
 * package.json: its CJK segmentation changes between minor versions).
 *
 * The index holds one custom record per clause (items included), built from
 * the same clause documents as the lunr index, so every result is a clause
 * (its URL is the chapter page with the clause anchor) and navigation,
 * footers and training material are never indexed. Each record's meta holds
 * what a result shows and may be found by (the clause number, the chapter ›
 * section headings); its filters hold the policy, version and state (the
 * search shows versions in force unless asked for superseded ones). See
 * src/scripts/search/record.ts for the shape and src/scripts/search/engine.ts
 * for how the browser searches it.
 *
 * Indexing errors fail the build.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import { readBuildConfig } from '../lib/config.ts';
import { catalog } from '../lib/catalog/index.ts';
import { clauseDocuments, type ClauseDocument } from '../lib/search/clause-index.ts';
import { indexableVersions } from '../lib/search/from-content.ts';
import { numbered } from '../lib/content/numbering.ts';
import { companyToday } from '../lib/calendar.ts';
import { headingSeparator, pagefindBundlePath, type ClauseFilters, type ClauseMeta } from '../scripts/search/record.ts';

/**
 * One language for the whole index. Pagefind segments a record's text by its
 * language (Chinese into words) and writes one index
 * per language, of which a page loads only the one matching its own `lang`
 * (else the largest): with several, some clauses could never be found. So
 * every record gets the policies' language if they share one, else the UI
 * language: the same rule that sets the search page's `lang` (commonLanguage
 * in src/site/model.ts), which is also what the browser segments the query by.
 */
export function indexLanguage(policyLanguages: readonly string[], uiLanguage: string): string {
	const languages = new Set(policyLanguages);
	return languages.size === 1 ? [...languages][0]! : uiLanguage;
}

export function clauseRecord(doc: ClauseDocument, language: string): pagefind.CustomRecord {
	const chapter = numbered(doc.chapterNumber, doc.chapterTitle);
	const section = doc.sectionTitle ? numbered(doc.sectionNumber, doc.sectionTitle) : '';
	const meta: ClauseMeta = {
		title: [chapter, section].filter(Boolean).join(headingSeparator),
		number: doc.number ?? '',
	};
	const filters: ClauseFilters = { policy: [doc.policyId], version: [doc.version], state: [doc.state] };
	return {
		url: doc.ref,
		content: doc.text,
		language,
		meta: { ...meta },
		filters: { ...filters },
	};
}

const fail = (what: string, errors: readonly string[]) => {
	if (errors.length) throw new Error(`Pagefind ${what} failed:\n  ${errors.join('\n  ')}`);
};

/**
 * Pagefind's Node API never settles a call when its binary dies (it panics on
 * some I/O errors, e.g. an output path under a file), and with nothing else
 * pending Node would then exit quietly mid-build. A timer keeps the build
 * alive and turns that into an error.
 */
function answered<T>(what: string, call: Promise<T>, seconds: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new Error(`Pagefind ${what}: no answer in ${seconds} s (did the pagefind binary exit?)`)),
			seconds * 1000,
		);
	});
	return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/** Builds the clause index from content/policies (the build's configuration) and writes it to `outDir`/pagefind. */
export async function writeClauseIndex(
	outDir: string,
): Promise<{ records: number; language: string; outputPath: string }> {
	const config = readBuildConfig();
	// The catalog the build's pages read (one load of the content per build).
	const { policies } = catalog();
	const language = indexLanguage(
		policies.map((p) => p.meta.language),
		config.uiLanguage,
	);
	const documents = clauseDocuments(indexableVersions(policies, companyToday(), { includeUnapproved: config.preview }));
	if (documents.length === 0) throw new Error('Pagefind: no clauses to index');
	try {
		const { index, errors } = await answered('createIndex', pagefind.createIndex({}), 60);
		fail('createIndex', errors);
		if (!index) throw new Error('Pagefind createIndex returned no index');
		for (const doc of documents) {
			const record = clauseRecord(doc, language);
			const added = await answered(`indexing ${doc.ref}`, index.addCustomRecord(record), 60);
			fail(`indexing ${doc.ref}`, added.errors);
		}
		const outputPath = resolve(outDir, pagefindBundlePath.replace(/^\/|\/$/g, ''));
		// Fails here, with a message, where the binary would panic.
		mkdirSync(outputPath, { recursive: true });
		const written = await answered('writeFiles', index.writeFiles({ outputPath }), 120);
		fail('writeFiles', written.errors);
		return { records: documents.length, language, outputPath };
	} finally {
		await pagefind.close();
	}
}

export default function pagefindIntegration(): AstroIntegration {
	return {
		name: 'zhidu-pagefind',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const started = performance.now();
				const { records, language, outputPath } = await writeClauseIndex(fileURLToPath(dir));
				logger.info(
					`indexed ${records} clauses (${language}) into ${outputPath} in ${Math.round(performance.now() - started)} ms`,
				);
			},
		},
	};
}
