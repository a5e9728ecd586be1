/**
 * The in-chapter knowledge checks of a version, read from the chapter MDX with
 * the MDX parser (never rendered): what each asks, which clauses it cites and
 * which version it was last reviewed for.
 *
 *   <KnowledgeCheck question="…" options={[…]} answer={2} feedback="…"
 *     cites="c-3-1-1 c-3-1-2" reviewedFor="1.2" />
 *
 * `cites` lists clause ids separated by spaces or commas; a check that cites
 * nothing is taken to test its whole chapter. `reviewedFor` is what a
 * `reviewedFor:` is to a quiz question.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedVersion } from '../content/loader.ts';
import { parseMdx } from '../content/mdx-parser.ts';
import { parseMemo } from '../content/parse-memo.ts';

export interface KnowledgeCheckRef {
	/** Chapter file, relative to the project root (as the loader shows it). */
	file: string;
	line: number;
	chapterId: string;
	question: string;
	/** Cited clause ids; empty when the check cites none. */
	cites: string[];
	reviewedFor: string | undefined;
	/** Everything the check says but reviewedFor: two checks with the same identity are the same check unedited. */
	identity: string;
}

interface Node {
	type: string;
	name?: string | null;
	attributes?: { type: string; name: string; value?: unknown }[];
	children?: Node[];
	position?: { start: { line: number } };
}

const frontmatter = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/;

/** Checks found before, by chapter and text: HR's editor asks on every request, for every chapter of the policy. */
const foundChecks = parseMemo<KnowledgeCheckRef[]>(256);

/** Every <KnowledgeCheck> in one chapter's MDX source. */
export function knowledgeChecksIn(source: string, file: string, chapterId: string): KnowledgeCheckRef[] {
	// Most chapters hold none, and the element's name is in the text of any that does.
	if (!source.includes('KnowledgeCheck')) return [];
	return foundChecks(`${file}\0${chapterId}\0${source}`, () => findKnowledgeChecks(source, file, chapterId));
}

function findKnowledgeChecks(source: string, file: string, chapterId: string): KnowledgeCheckRef[] {
	const fm = frontmatter.exec(source);
	const offset = fm ? fm[0].split('\n').length - 1 : 0;
	const tree = parseMdx(fm ? source.slice(fm[0].length) : source) as Node;
	const checks: KnowledgeCheckRef[] = [];
	const visit = (node: Node) => {
		if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name === 'KnowledgeCheck') {
			const attrs = new Map<string, string>();
			for (const a of node.attributes ?? []) {
				if (a.type !== 'mdxJsxAttribute') continue;
				const value = a.value;
				// Plain strings as they are; expressions ({[…]}, {2}) by their source text.
				attrs.set(
					a.name,
					typeof value === 'string' ? value : ((value as { value?: string } | null)?.value ?? '').trim(),
				);
			}
			const cites = (attrs.get('cites') ?? '').split(/[\s,]+/).filter(Boolean);
			const identity = JSON.stringify(
				[...attrs.entries()].filter(([name]) => name !== 'reviewedFor').sort(([a], [b]) => a.localeCompare(b)),
			);
			checks.push({
				file,
				line: (node.position?.start.line ?? 1) + offset,
				chapterId,
				question: attrs.get('question') ?? '',
				cites,
				reviewedFor: attrs.get('reviewedFor') || undefined,
				identity,
			});
		}
		for (const child of node.children ?? []) visit(child);
	};
	visit(tree);
	return checks;
}

/** Every knowledge check of a loaded version, in reading order. */
export function knowledgeChecksOf(version: LoadedVersion): KnowledgeCheckRef[] {
	return version.chapters.flatMap(({ file, slug, chapter }) =>
		knowledgeChecksIn(readFileSync(join(version.dir, `${slug}.mdx`), 'utf8'), file, chapter.id),
	);
}
