/** Reading every chapter of a version before acknowledging (issue 15): in the store, or over HTTP as a chapter page does. */
import { expect } from 'vitest';
import type { LoadedPolicy } from '#lib/content/loader.ts';
import type { Store } from '#lib/store/database.ts';
import { recordReadingReceipt } from '#lib/tracking/reading.ts';
import type { Client } from './http-client.ts';

export async function readEveryChapter(
	store: Store,
	policy: LoadedPolicy,
	version: string,
	personId: string,
): Promise<void> {
	const loaded = policy.versions.find((v) => v.meta.version === version)!;
	for (const { chapter } of loaded.chapters)
		await recordReadingReceipt(store, { personId, policy, version, chapter: chapter.id });
}

/** Sends a receipt for each chapter of the version (default: in force), as the chapter pages do. */
export async function readEveryChapterOverHttp(client: Client, policy: string, version?: string): Promise<void> {
	const query = `policy=${encodeURIComponent(policy)}${version ? `&version=${version}` : ''}`;
	const state = (await (await client.request(`/api/v1/reading-receipts?${query}`)).json()) as {
		version: string;
		chapters: { chapter: string }[];
	};
	for (const { chapter } of state.chapters) {
		const response = await client.write('/api/v1/reading-receipts', 'POST', {
			policy,
			version: state.version,
			chapter,
		});
		expect([200, 201], await response.clone().text()).toContain(response.status);
	}
}
