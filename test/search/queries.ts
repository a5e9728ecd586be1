/** The committed search query sets, shared by the index, API, CLI and browser search tests. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

export const searchQuerySchema = z.object({
	query: z.string().min(1),
	policy: z.string().optional(),
	expect: z.string().regex(/^c-/),
	kind: z.enum(['traditional', 'simplified', 'variant', 'phrase', 'question', 'latin', 'multi-word', 'reordered']),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

const read = (name: string) => parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

export const searchQueries: SearchQuery[] = z.array(searchQuerySchema).parse(read('./queries.yaml'));

/** Queries that must find nothing (words in no policy). */
export const emptyQueries: string[] = z.array(z.string().min(1)).min(20).parse(read('./empty-queries.yaml'));
