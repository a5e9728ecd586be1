/**
 * The MDX parser that reads chapter files without rendering them (chapters, knowledge checks, the clause editor):
 * remark with its MDX syntax, loaded on first use (src/lib/on-first-use.ts), since a start that finds every chapter in
 * the parse memo never needs it.
 */
import { onFirstUse } from '../on-first-use.ts';

const unifiedPackage = onFirstUse<typeof import('unified')>('unified');
const remarkParse = onFirstUse<typeof import('remark-parse')>('remark-parse');
const remarkMdx = onFirstUse<typeof import('remark-mdx')>('remark-mdx');

let processor: { parse(body: string): unknown } | undefined;

/** The MDX tree of a chapter's body (frontmatter removed), as remark's nodes. */
export function parseMdx(body: string): unknown {
	processor ??= unifiedPackage().unified().use(remarkParse().default).use(remarkMdx().default);
	return processor.parse(body);
}
