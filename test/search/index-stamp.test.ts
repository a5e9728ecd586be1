/**
 * The persisted index is used only while the content is as it was built: the
 * stamp written with it (each folder's and file's time and size) lets a
 * reader check that with stats alone, and an edit in place, an added or a
 * removed file makes the reader build the index from the content instead, so
 * `zhidu search` and the API never answer from stale text.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { buildSearchIndex } from '#lib/search/build-index.ts';
import {
	contentState,
	loadSearchIndex,
	stateLookup,
	versionStates,
	writeSearchIndex,
} from '#lib/search/from-content.ts';
import { projectRoot } from '../support/build-site.ts';

const work = mkdtempSync(join(tmpdir(), 'zhidu-stamp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the repository's content (and a note beside the policies) and an index built from it, as the build writes it. */
function built(name: string) {
	const policiesDir = join(work, name, 'policies');
	const distDir = join(work, name, 'dist');
	cpSync(join(projectRoot, 'content', 'policies'), policiesDir, { recursive: true });
	writeFileSync(join(policiesDir, 'operating-model-process', 'notes.txt'), 'not content');
	mkdirSync(distDir);
	const content = contentState(policiesDir);
	writeSearchIndex(distDir, buildSearchIndex(loadContentOrThrow({ policiesDir }), content.fingerprint), content.stamp);
	let rebuilt = 0;
	const load = () =>
		loadSearchIndex(distDir, policiesDir, () => (rebuilt++, loadContentOrThrow({ policiesDir })), { lazy: true });
	const find = async (query: string) => {
		const index = await load();
		return index.search(query, stateLookup(versionStates(index.versions, '2026-11-22'))).total;
	};
	return { policiesDir, load, find, rebuilt: () => rebuilt };
}

/** Moves a file's time on, as an editor saving it a little later would. */
const later = (path: string) => utimesSync(path, new Date(), new Date(Date.now() + 60_000));

const chapter = join('operating-model-process', '1.1', '05-流程優化與改進.mdx');

describe('the persisted search index and the content', () => {
	it('is used as written while nothing changed', async () => {
		const site = built('unchanged');
		expect(await site.find('流程評估')).toBeGreaterThan(0);
		expect(site.rebuilt()).toBe(0);
	});

	it('is built afresh when a chapter is edited in place', async () => {
		const site = built('edited');
		expect(await site.find('鯨魚守則')).toBe(0);
		const path = join(site.policiesDir, chapter);
		writeFileSync(path, readFileSync(path, 'utf8').replace('適時對運營模式流程進行優化', '適時依鯨魚守則進行優化'));
		later(path);
		expect(await site.find('鯨魚守則')).toBeGreaterThan(0);
		expect(site.rebuilt()).toBe(1);
	});

	it('is built afresh when a file is added or removed', async () => {
		const added = built('added');
		writeFileSync(join(added.policiesDir, 'pharma-operations-department', 'notes.txt'), 'not content');
		await added.load();
		expect(added.rebuilt()).toBe(1);

		const removed = built('removed');
		rmSync(join(removed.policiesDir, 'operating-model-process', 'notes.txt'));
		await removed.load();
		expect(removed.rebuilt()).toBe(1);
	});
});
