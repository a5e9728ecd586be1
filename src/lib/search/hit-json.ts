/**
 * A search hit as JSON: one shape for GET /api/v1/search (which validates it
 * with searchHitSchema) and `zhidu search --json`. Only a type comes from the
 * schema module, so the CLI does not load zod to print a hit.
 */
import type { z } from 'zod';
import type { searchHitSchema } from '../api/route-schemas.ts';
import type { SearchHit } from './clause-index.ts';

export type SearchHitJson = z.infer<typeof searchHitSchema>;

export function searchHitJson(hit: SearchHit): SearchHitJson {
	const d = hit.document;
	return {
		url: d.ref,
		clauseId: d.clauseId,
		number: d.number ?? null,
		policy: d.policyId,
		policyTitle: d.policyTitle,
		version: d.version,
		state: hit.state,
		chapter: { id: d.chapterId, number: d.chapterNumber ?? null, title: d.chapterTitle },
		section: d.sectionId ? { id: d.sectionId, number: d.sectionNumber ?? null, title: d.sectionTitle ?? '' } : null,
		score: Number(hit.score.toFixed(4)),
		exactPhrase: hit.exactPhrase,
		snippet: hit.snippet,
		text: d.text,
	};
}
