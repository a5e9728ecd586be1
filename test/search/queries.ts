/** The committed search query set, shared by the lunr test and the browser search test. */
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

export const searchQueries: SearchQuery[] = z
	.array(searchQuerySchema)
	.parse(parse(readFileSync(new URL('./queries.yaml', import.meta.url), 'utf8')));
