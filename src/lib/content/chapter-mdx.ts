/**
 * Chapter files are MDX whose policy text lives in three components:
 *
 *   <Section id="s-1-1" title="目的">
 *   <Clause id="c-1-1-1" unnumbered>
 *   本制度旨在…
 *   </Clause>
 *   </Section>
 *
 * Plain tags a person can keep intact by hand, and a tree this module reads
 * with the MDX parser, without rendering the page. Any other component (e.g.
 * training material) is allowed between clauses and is not policy text.
 */
import type { Chapter, Clause, Section, TextPart } from './clause-tree.ts';
import { chapterFrontmatterSchema, clauseIdPattern, sectionIdPattern } from './schema.ts';
import { ContentError, ContentErrors, contentErrorsFromZod } from './errors.ts';
import { parseMdx } from './mdx-parser.ts';
import { parseMemo } from './parse-memo.ts';
import { parseYaml } from './yaml.ts';

/** The components that carry policy text; everything else is commentary. */
export const policyComponents = ['Section', 'Clause', 'Blank'] as const;

interface MdNode {
	type: string;
	name?: string | null;
	value?: string;
	attributes?: { type: string; name: string; value?: unknown }[];
	children?: MdNode[];
	position?: { start: { line: number; column: number } };
}

const frontmatterPattern = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/** Chapters parsed before, by file name and text (src/lib/content/parse-memo.ts). */
const parsedChapters = parseMemo<Chapter>(256);

export function parseChapterMdx(source: string, file: string): Chapter {
	return parsedChapters(`${file}\0${source}`, () => parseChapterSource(source, file));
}

function parseChapterSource(source: string, file: string): Chapter {
	const fm = frontmatterPattern.exec(source);
	if (!fm) throw new ContentError(file, 'frontmatter', 'a chapter starts with YAML frontmatter (--- id, title ---)');
	let data: unknown;
	try {
		data = parseYaml(fm[1]!);
	} catch (error) {
		throw new ContentError(file, 'frontmatter', `invalid YAML: ${(error as Error).message}`);
	}
	const meta = chapterFrontmatterSchema.safeParse(data ?? {});
	if (!meta.success) throw new ContentErrors(contentErrorsFromZod(file, meta.error));
	const lineOffset = fm[0].split('\n').length - 1;
	const body = source.slice(fm[0].length);
	let tree: MdNode;
	try {
		tree = parseMdx(body) as MdNode;
	} catch (error) {
		const e = error as { line?: number; reason?: string; message: string };
		const line = e.line ? `line ${e.line + lineOffset}: ` : '';
		throw new ContentError(file, 'body', `${line}${e.reason ?? e.message}`);
	}
	const where = (node: MdNode) => (node.position ? `line ${node.position.start.line + lineOffset}` : 'body');
	const fail = (node: MdNode, message: string): never => {
		throw new ContentError(file, where(node), message);
	};

	const attr = (node: MdNode, name: string): string | true | undefined => {
		const a = node.attributes?.find((at) => at.type === 'mdxJsxAttribute' && at.name === name);
		if (!a) return undefined;
		if (a.value === null || a.value === undefined) return true;
		if (typeof a.value !== 'string') fail(node, `<${node.name}> attribute "${name}" must be a plain string`);
		return a.value as string;
	};
	const stringAttr = (node: MdNode, name: string, pattern?: RegExp, hint?: string): string => {
		const value = attr(node, name);
		if (typeof value !== 'string' || value === '') fail(node, `<${node.name}> needs ${name}="…"`);
		if (pattern && !pattern.test(value as string)) fail(node, `<${node.name}> ${name}="${value}": ${hint}`);
		return value as string;
	};
	const optionalString = (node: MdNode, name: string): string | undefined => {
		const value = attr(node, name);
		if (value === true) fail(node, `<${node.name}> attribute "${name}" needs a value`);
		return value as string | undefined;
	};
	const isElement = (node: MdNode) => node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement';
	const isCommentary = (node: MdNode) =>
		(isElement(node) && !policyComponents.includes(node.name as never)) ||
		node.type === 'mdxjsEsm' ||
		node.type === 'mdxFlowExpression';

	const inline = (nodes: MdNode[], parts: TextPart[]) => {
		for (const node of nodes) {
			if (node.type === 'text') parts.push({ kind: 'text', value: node.value ?? '' });
			else if (node.type === 'emphasis' || node.type === 'strong') inline(node.children ?? [], parts);
			else if (isElement(node) && node.name === 'Blank') parts.push({ kind: 'blank', label: stringAttr(node, 'label') });
			else if (node.type === 'break') parts.push({ kind: 'text', value: '\n' });
			else fail(node, `unsupported markup "${node.type}${node.name ? ` ${node.name}` : ''}" inside a clause`);
		}
	};
	const mergeParts = (parts: TextPart[]): TextPart[] => {
		const out: TextPart[] = [];
		for (const part of parts) {
			const last = out.at(-1);
			if (part.kind === 'text' && last?.kind === 'text') last.value += part.value;
			else out.push({ ...part });
		}
		return out;
	};

	const readClause = (node: MdNode): Clause => {
		const id = stringAttr(node, 'id', clauseIdPattern, 'clause ids look like c-1-2-3');
		const parts: TextPart[] = [];
		const items: Clause[] = [];
		let paragraphs = 0;
		for (const child of node.children ?? []) {
			if (child.type === 'paragraph') {
				if (items.length > 0) fail(child, `clause ${id}: text after its items; start a new <Clause>`);
				if (paragraphs++ > 0) parts.push({ kind: 'text', value: '\n' });
				inline(child.children ?? [], parts);
			} else if (isElement(child) && child.name === 'Clause') items.push(readClause(child));
			else if (isCommentary(child)) continue;
			else fail(child, `clause ${id}: unexpected ${child.type}${child.name ? ` <${child.name}>` : ''}`);
		}
		const title = optionalString(node, 'title');
		const clause: Clause = { id, unnumbered: attr(node, 'unnumbered') === true, parts: mergeParts(parts), items };
		if (title) clause.title = title;
		const separator = optionalString(node, 'separator');
		if (separator !== undefined) clause.titleSeparator = separator;
		if (clause.parts.length === 0 && items.length === 0) fail(node, `clause ${id} has no text`);
		return clause;
	};

	const readSection = (node: MdNode): Section => {
		const id = stringAttr(node, 'id', sectionIdPattern, 'section ids look like s-1-2');
		const title = stringAttr(node, 'title');
		const clauses: Clause[] = [];
		for (const child of node.children ?? []) {
			if (isElement(child) && child.name === 'Clause') clauses.push(readClause(child));
			else if (isCommentary(child)) continue;
			else fail(child, `section ${id}: policy text must be inside <Clause id="…">, found ${child.type}`);
		}
		return { id, title, clauses };
	};

	const chapter: Chapter = { ...meta.data, clauses: [], sections: [] };
	for (const node of tree.children ?? []) {
		if (isElement(node) && node.name === 'Section') chapter.sections.push(readSection(node));
		else if (isElement(node) && node.name === 'Clause') {
			if (chapter.sections.length > 0) fail(node, 'a clause directly in the chapter must come before its sections');
			chapter.clauses.push(readClause(node));
		} else if (isCommentary(node)) continue;
		else fail(node, `policy text must be inside <Section> and <Clause id="…">, found ${node.type}`);
	}
	return chapter;
}

// Characters that Markdown or MDX would otherwise read as markup.
const escapeInline = (text: string) => text.replace(/[\\`*_[\]<>{}&~|#]/g, (ch) => `\\${ch}`);
const escapeLineStart = (line: string) =>
	line.replace(/^(\s*)([-+=>]|\d+(?=[.)]))/, (_, space: string, mark: string) =>
		/^\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`,
	);
const escapeAttr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function partsToMdx(parts: readonly TextPart[]): string {
	const text = parts
		.map((part) => (part.kind === 'text' ? escapeInline(part.value) : `<Blank label="${escapeAttr(part.label)}" />`))
		.join('');
	return text
		.split('\n')
		.map((line) => escapeLineStart(line))
		.join('\n\n');
}

/** One clause (with its items) as MDX, as chapterToMdx writes it. */
export function clauseToMdx(clause: Clause): string {
	const attrs = [`id="${clause.id}"`];
	if (clause.title) attrs.push(`title="${escapeAttr(clause.title)}"`);
	if (clause.titleSeparator !== undefined) attrs.push(`separator="${escapeAttr(clause.titleSeparator)}"`);
	if (clause.unnumbered) attrs.push('unnumbered');
	const body = [clause.parts.length ? partsToMdx(clause.parts) : '', ...clause.items.map(clauseToMdx)].filter(Boolean);
	return `<Clause ${attrs.join(' ')}>\n${body.join('\n')}\n</Clause>`;
}

/** Writes a chapter back as MDX; parseChapterMdx(chapterToMdx(c)) equals c. */
export function chapterToMdx(chapter: Chapter): string {
	const blocks = [`---\nid: ${chapter.id}\ntitle: ${JSON.stringify(chapter.title)}\n---`];
	blocks.push(...chapter.clauses.map(clauseToMdx));
	for (const section of chapter.sections) {
		blocks.push(
			`<Section id="${section.id}" title="${escapeAttr(section.title)}">\n\n${section.clauses
				.map(clauseToMdx)
				.join('\n\n')}\n\n</Section>`,
		);
	}
	return blocks.join('\n\n') + '\n';
}
