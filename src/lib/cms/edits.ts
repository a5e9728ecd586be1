/**
 * The clause editor's changes, applied to a draft's files. Each change splices the chapter MDX source
 * (the element it concerns and nothing else), so training material between clauses (knowledge checks,
 * scenarios), comments and the layout of everything untouched stay exactly as written. The result is
 * parsed again before anything is written: a change that would leave text outside a clause, a duplicate
 * id or a file the loader refuses is refused instead.
 *
 * Ids are the system's business: kept on edits and moves, fresh (never used by any version of the policy)
 * on inserts and splits, never taken from the browser for new material.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { chapterToMdx, clauseToMdx, parseChapterMdx } from '../content/chapter-mdx.ts';
import { textToParts, walkClauses, type Chapter, type Clause, type TextPart } from '../content/clause-tree.ts';
import { ContentError, ContentErrors } from '../content/errors.ts';
import { parseMdx } from '../content/mdx-parser.ts';
import { yaml } from '../content/yaml.ts';
import { chapterFilePattern } from '../content/loader.ts';
import { chapterSlug } from '../importer/write-version.ts';

export class EditError extends Error {
	override name = 'EditError';
	readonly field: string;
	constructor(field: string, message: string) {
		super(message);
		this.field = field;
	}
}

const text = z.string().max(20_000);
const title = z.string().trim().max(200);
const position = z.enum(['before', 'after']);
const direction = z.enum(['up', 'down']);
const clauseRef = z.string().regex(/^c-[0-9a-z-]+$/);
const sectionRef = z.string().regex(/^s-[0-9a-z-]+$/);
const chapterRef = z.string().regex(/^ch-[0-9a-z-]+$/);

/** One change of the clause editor (the API's body schema too). */
export const draftEditSchema = z.discriminatedUnion('op', [
	z.object({ op: z.literal('set-clause'), clause: clauseRef, title: title.optional(), text }).strict(),
	z
		.object({
			op: z.literal('insert-clause'),
			relativeTo: clauseRef,
			position,
			title: title.optional(),
			text: text.min(1),
		})
		.strict(),
	z.object({ op: z.literal('delete-clause'), clause: clauseRef }).strict(),
	z.object({ op: z.literal('move-clause'), clause: clauseRef, direction }).strict(),
	z.object({ op: z.literal('move-clause-to'), clause: clauseRef, relativeTo: clauseRef, position }).strict(),
	z.object({ op: z.literal('split-clause'), clause: clauseRef, at: z.number().int().positive() }).strict(),
	z.object({ op: z.literal('merge-clause'), clause: clauseRef }).strict(),
	z
		.object({
			op: z.literal('add-section'),
			chapter: chapterRef,
			after: sectionRef.optional(),
			title: title.min(1),
			text: text.min(1),
		})
		.strict(),
	z.object({ op: z.literal('rename-section'), section: sectionRef, title: title.min(1) }).strict(),
	z.object({ op: z.literal('move-section'), section: sectionRef, direction }).strict(),
	z
		.object({ op: z.literal('add-chapter'), after: chapterRef.optional(), title: title.min(1), text: text.min(1) })
		.strict(),
	z.object({ op: z.literal('rename-chapter'), chapter: chapterRef, title: title.min(1) }).strict(),
	z.object({ op: z.literal('move-chapter'), chapter: chapterRef, direction }).strict(),
	z
		.object({
			op: z.literal('set-summary'),
			changeSummary: z.array(z.string().trim().min(1).max(2000)).min(1).max(100),
			substitutions: z
				.array(
					z
						.object({ from: z.string().trim().min(1), to: z.string().trim().min(1), reason: z.string().trim().min(1) })
						.strict(),
				)
				.max(100)
				.default([]),
		})
		.strict(),
]);
export type DraftEdit = z.infer<typeof draftEditSchema>;

// ---------------------------------------------------------------------------
// Where each section and clause stands in a chapter's source

interface MdNode {
	type: string;
	name?: string | null;
	attributes?: { type: string; name: string; value?: unknown }[];
	children?: MdNode[];
	position?: { start: { offset?: number }; end: { offset?: number } };
}

interface Located {
	type: 'section' | 'clause';
	id: string;
	start: number;
	end: number;
	/** Section id, parent clause id, or undefined for a clause standing in the chapter. */
	container: string | undefined;
	/** Training material or other components inside the element. */
	hasCommentary: boolean;
}

const frontmatter = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/;

function locate(source: string): Map<string, Located> {
	const fm = frontmatter.exec(source);
	const bodyStart = fm ? fm[0].length : 0;
	const tree = parseMdx(source.slice(bodyStart)) as MdNode;
	const found = new Map<string, Located>();
	const idOf = (node: MdNode) => node.attributes?.find((a) => a.name === 'id')?.value as string | undefined;
	const visit = (nodes: MdNode[], container: string | undefined) => {
		for (const node of nodes) {
			const element = node.type === 'mdxJsxFlowElement';
			if (element && (node.name === 'Section' || node.name === 'Clause')) {
				const id = idOf(node);
				if (!id) continue;
				found.set(id, {
					type: node.name === 'Section' ? 'section' : 'clause',
					id,
					start: bodyStart + node.position!.start.offset!,
					end: bodyStart + node.position!.end.offset!,
					container,
					hasCommentary: (node.children ?? []).some(
						(c) =>
							(c.type === 'mdxJsxFlowElement' && c.name !== 'Clause') ||
							c.type === 'mdxjsEsm' ||
							c.type === 'mdxFlowExpression',
					),
				});
				visit(node.children ?? [], id);
			}
		}
	};
	visit(tree.children ?? [], undefined);
	return found;
}

/** Removes [start, end) and the blank lines it leaves. */
function cut(source: string, start: number, end: number): string {
	const before = source.slice(0, start).replace(/[ \t]*$/, '');
	const after = source.slice(end).replace(/^[ \t]*\r?\n?/, '');
	return `${before.replace(/\n+$/, '\n')}\n${after.replace(/^\n+/, '')}`;
}

/** Swaps two elements of the source (two neighbours: what stands between them stays between them). */
function swapped(source: string, one: Located, other: Located): string {
	const [a, b] = one.start < other.start ? [one, other] : [other, one];
	return (
		source.slice(0, a.start) +
		source.slice(b.start, b.end) +
		source.slice(a.end, b.start) +
		source.slice(a.start, a.end) +
		source.slice(b.end)
	);
}

/** A title as an MDX attribute value. */
const titleAttribute = (value: string) => `title="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;

/** Why a chapter's source does not load: its first problem, or the error's message. */
function firstProblem(error: unknown): string {
	const first = error instanceof ContentErrors ? error.errors[0] : error instanceof ContentError ? error : undefined;
	return first ? `${first.field}: ${first.reason}` : (error as Error).message;
}

const insertAt = (source: string, at: number, block: string, where: 'before' | 'after') =>
	where === 'before'
		? `${source.slice(0, at)}${block}\n\n${source.slice(at)}`
		: `${source.slice(0, at)}\n\n${block}${source.slice(at)}`;

// ---------------------------------------------------------------------------
// A draft's files

interface ChapterFile {
	name: string;
	source: string;
	chapter: Chapter;
}

export interface DraftFiles {
	dir: string;
	chapters: ChapterFile[];
}

export function readDraftFiles(dir: string): DraftFiles {
	const chapters = readdirSync(dir)
		.filter((n) => chapterFilePattern.test(n))
		.sort((a, b) => Number(chapterFilePattern.exec(a)![1]) - Number(chapterFilePattern.exec(b)![1]))
		.map((name) => {
			const source = readFileSync(join(dir, name), 'utf8');
			try {
				return { name, source, chapter: parseChapterMdx(source, name) };
			} catch (error) {
				// A chapter that does not load is fixed in its file first: the editor never guesses.
				throw new EditError('file', `${name} does not load (${firstProblem(error)}); fix the file before editing here`);
			}
		});
	return { dir, chapters };
}

function findClause(chapter: Chapter, id: string): Clause | undefined {
	for (const { clause } of walkClauses(chapter)) if (clause.id === id) return clause;
	return undefined;
}

/** The siblings a clause stands among (its section's, its chapter's or its parent clause's). */
function siblingsOf(chapter: Chapter, id: string): Clause[] | undefined {
	const search = (clauses: Clause[]): Clause[] | undefined => {
		if (clauses.some((c) => c.id === id)) return clauses;
		for (const c of clauses) {
			const found = search(c.items);
			if (found) return found;
		}
		return undefined;
	};
	return search(chapter.clauses) ?? chapter.sections.map((s) => search(s.clauses)).find(Boolean);
}

export interface EditOutcome {
	/** What the commit message says, e.g. `edit clause 三、(一) 1.` (filled in by the caller's numbering). */
	action: string;
	/** Clause, section or chapter ids the change concerns (new ones included). */
	ids: string[];
	/** Files written, renamed or created (names in the version folder). */
	files: string[];
}

export interface EditContext {
	/** Every id any version of the policy has used: fresh ids avoid them all. */
	usedIds: Set<string>;
}

function freshId(base: string, taken: Set<string>): string {
	let id = base;
	for (let k = 0; taken.has(id); k++)
		id = `${base}${String.fromCharCode(97 + (k % 26))}${k >= 26 ? Math.floor(k / 26) : ''}`;
	taken.add(id);
	return id;
}

const parts = (value: string): TextPart[] =>
	textToParts(
		value
			.replace(/\r\n?/g, '\n')
			.replace(/\n{2,}/g, '\n')
			.trim(),
	);

function newClause(id: string, value: string, titleValue?: string): Clause {
	const clause: Clause = { id, unnumbered: false, parts: parts(value), items: [] };
	if (titleValue) clause.title = titleValue;
	if (!clause.parts.length) throw new EditError('text', 'a clause needs text');
	return clause;
}

/** Applies one change to a draft's files and writes them; refuses (EditError) anything the loader would. */
export function applyDraftEdit(dir: string, edit: DraftEdit, context: EditContext): EditOutcome {
	if (edit.op === 'set-summary') return setSummary(dir, edit);
	const files = readDraftFiles(dir);
	const taken = new Set([...context.usedIds]);
	for (const c of files.chapters) {
		taken.add(c.chapter.id);
		for (const s of c.chapter.sections) taken.add(s.id);
		for (const { clause } of walkClauses(c.chapter)) taken.add(clause.id);
	}
	const fileOf = (id: string) => {
		const file = files.chapters.find(
			(c) => c.chapter.id === id || c.chapter.sections.some((s) => s.id === id) || findClause(c.chapter, id),
		);
		if (!file) throw new EditError('clause', `no clause, section or chapter ${id} in this draft (reload the draft)`);
		return file;
	};
	const located = (file: ChapterFile, id: string) => locate(file.source).get(id)!;
	const changed = new Map<string, string>();
	const renames: [string, string][] = [];
	const write = (file: ChapterFile, source: string) => {
		file.source = source;
		changed.set(file.name, source);
	};
	const clauseOf = (file: ChapterFile, id: string) => {
		const clause = findClause(file.chapter, id);
		if (!clause) throw new EditError('clause', `no clause ${id} in this draft`);
		return clause;
	};
	const noCommentary = (file: ChapterFile, id: string) => {
		if (located(file, id).hasCommentary)
			throw new EditError('clause', `clause ${id} holds training material inside it; edit its file by hand`);
	};
	let outcome: Omit<EditOutcome, 'files'>;

	switch (edit.op) {
		case 'set-clause': {
			const file = fileOf(edit.clause);
			noCommentary(file, edit.clause);
			const clause = clauseOf(file, edit.clause);
			const updated: Clause = { ...clause, parts: parts(edit.text) };
			if (edit.title !== undefined) {
				if (edit.title) updated.title = edit.title;
				else delete updated.title;
			}
			if (!updated.parts.length && !updated.items.length) throw new EditError('text', 'a clause needs text');
			const at = located(file, edit.clause);
			write(file, file.source.slice(0, at.start) + clauseToMdx(updated) + file.source.slice(at.end));
			outcome = { action: 'edit clause', ids: [edit.clause] };
			break;
		}
		case 'insert-clause': {
			const file = fileOf(edit.relativeTo);
			const at = located(file, edit.relativeTo);
			const base = edit.relativeTo.replace(/-[0-9a-z]+$/, '');
			const siblings = siblingsOf(file.chapter, edit.relativeTo)!;
			const id = freshId(`${base}-${siblings.length + 1}`, taken);
			const clause = newClause(id, edit.text, edit.title);
			write(
				file,
				insertAt(file.source, edit.position === 'before' ? at.start : at.end, clauseToMdx(clause), edit.position),
			);
			outcome = { action: 'insert clause', ids: [id] };
			break;
		}
		case 'delete-clause': {
			const file = fileOf(edit.clause);
			const siblings = siblingsOf(file.chapter, edit.clause)!;
			const total = [...walkClauses(file.chapter)].length;
			if (total <= 1) throw new EditError('clause', 'a chapter keeps at least one clause; delete the chapter instead');
			if (siblings.length <= 1 && file.chapter.sections.some((s) => s.clauses === siblings))
				throw new EditError('clause', 'a section keeps at least one clause');
			const at = located(file, edit.clause);
			write(file, cut(file.source, at.start, at.end));
			outcome = { action: 'delete clause', ids: [edit.clause] };
			break;
		}
		case 'move-clause': {
			const file = fileOf(edit.clause);
			const siblings = siblingsOf(file.chapter, edit.clause)!;
			const index = siblings.findIndex((c) => c.id === edit.clause);
			const other = siblings[edit.direction === 'up' ? index - 1 : index + 1];
			if (!other)
				throw new EditError('direction', `the clause is already ${edit.direction === 'up' ? 'first' : 'last'} here`);
			write(file, swapped(file.source, located(file, edit.clause), located(file, other.id)));
			outcome = { action: 'move clause', ids: [edit.clause] };
			break;
		}
		case 'move-clause-to': {
			if (edit.clause === edit.relativeTo) throw new EditError('relativeTo', 'a clause cannot move next to itself');
			const from = fileOf(edit.clause);
			noCommentary(from, edit.clause);
			const moving = clauseOf(from, edit.clause);
			if (findClause({ id: 'x', title: 'x', clauses: [moving], sections: [] }, edit.relativeTo))
				throw new EditError('relativeTo', 'a clause cannot move inside itself');
			const at = located(from, edit.clause);
			const block = from.source.slice(at.start, at.end);
			write(from, cut(from.source, at.start, at.end));
			const to = fileOf(edit.relativeTo);
			const target = located(to, edit.relativeTo);
			write(to, insertAt(to.source, edit.position === 'before' ? target.start : target.end, block, edit.position));
			outcome = { action: 'move clause', ids: [edit.clause] };
			break;
		}
		case 'split-clause': {
			const file = fileOf(edit.clause);
			noCommentary(file, edit.clause);
			const clause = clauseOf(file, edit.clause);
			const whole = clause.parts.map((p) => (p.kind === 'text' ? p.value : `[${p.label}]`)).join('');
			if (edit.at >= whole.length) throw new EditError('at', 'split inside the text, not at its end');
			const head = whole.slice(0, edit.at);
			const tail = whole.slice(edit.at);
			if (/\[[^\]]*$/.test(head)) throw new EditError('at', 'a split cannot cut a template blank in two');
			const first: Clause = { ...clause, parts: parts(head), items: [] };
			const siblings = siblingsOf(file.chapter, edit.clause)!;
			const id = freshId(`${edit.clause.replace(/-[0-9a-z]+$/, '')}-${siblings.length + 1}`, taken);
			const second: Clause = { id, unnumbered: clause.unnumbered, parts: parts(tail), items: clause.items };
			if (!first.parts.length || !second.parts.length) throw new EditError('at', 'both halves need text');
			const at = located(file, edit.clause);
			write(
				file,
				file.source.slice(0, at.start) + clauseToMdx(first) + '\n\n' + clauseToMdx(second) + file.source.slice(at.end),
			);
			outcome = { action: 'split clause', ids: [edit.clause, id] };
			break;
		}
		case 'merge-clause': {
			const file = fileOf(edit.clause);
			const siblings = siblingsOf(file.chapter, edit.clause)!;
			const index = siblings.findIndex((c) => c.id === edit.clause);
			const next = siblings[index + 1];
			if (!next) throw new EditError('clause', 'there is no next clause here to merge with');
			noCommentary(file, edit.clause);
			noCommentary(file, next.id);
			const clause = siblings[index]!;
			const merged: Clause = {
				...clause,
				parts: [...clause.parts, { kind: 'text', value: '\n' }, ...next.parts],
				items: [...clause.items, ...next.items],
			};
			const a = located(file, clause.id);
			const b = located(file, next.id);
			write(file, file.source.slice(0, a.start) + clauseToMdx(merged) + file.source.slice(b.end));
			outcome = { action: 'merge clauses', ids: [clause.id, next.id] };
			break;
		}
		case 'add-section': {
			const file = fileOf(edit.chapter);
			const number = file.chapter.id.replace(/^ch-/, '');
			const sectionId = freshId(`s-${number}-${file.chapter.sections.length + 1}`, taken);
			const clauseId = freshId(`c-${sectionId.slice(2)}-1`, taken);
			const block = `<Section id="${sectionId}" ${titleAttribute(edit.title)}>\n\n${clauseToMdx(newClause(clauseId, edit.text))}\n\n</Section>`;
			if (edit.after) {
				const after = located(file, edit.after);
				if (!after || after.type !== 'section')
					throw new EditError('after', `no section ${edit.after} in this chapter`);
				write(file, insertAt(file.source, after.end, block, 'after'));
			} else if (file.chapter.sections[0]) {
				write(file, insertAt(file.source, located(file, file.chapter.sections[0].id).start, block, 'before'));
			} else write(file, `${file.source.replace(/\s*$/, '')}\n\n${block}\n`);
			outcome = { action: 'add section', ids: [sectionId, clauseId] };
			break;
		}
		case 'rename-section': {
			const file = fileOf(edit.section);
			const at = located(file, edit.section);
			const open = /^<Section\b[^>]*?>/.exec(file.source.slice(at.start))?.[0];
			if (!open) throw new EditError('section', `cannot read the opening tag of ${edit.section}`);
			const attr = titleAttribute(edit.title);
			const renamed = /\stitle="[^"]*"/.test(open)
				? open.replace(/\stitle="[^"]*"/, ` ${attr}`)
				: open.replace(/>$/, ` ${attr}>`);
			write(file, file.source.slice(0, at.start) + renamed + file.source.slice(at.start + open.length));
			outcome = { action: 'rename section', ids: [edit.section] };
			break;
		}
		case 'move-section': {
			const file = fileOf(edit.section);
			const sections = file.chapter.sections;
			const index = sections.findIndex((s) => s.id === edit.section);
			const other = sections[edit.direction === 'up' ? index - 1 : index + 1];
			if (!other)
				throw new EditError(
					'direction',
					`the section is already ${edit.direction === 'up' ? 'first' : 'last'} in its chapter`,
				);
			write(file, swapped(file.source, located(file, edit.section), located(file, other.id)));
			outcome = { action: 'move section', ids: [edit.section] };
			break;
		}
		case 'add-chapter': {
			const index = edit.after ? files.chapters.findIndex((c) => c.chapter.id === edit.after) : -1;
			if (edit.after && index < 0) throw new EditError('after', `no chapter ${edit.after} in this draft`);
			const chapterId = freshId(`ch-${files.chapters.length + 1}`, taken);
			const clauseId = freshId(`c-${chapterId.slice(3)}-1`, taken);
			const chapter: Chapter = {
				id: chapterId,
				title: edit.title,
				clauses: [newClause(clauseId, edit.text)],
				sections: [],
			};
			const order = [...files.chapters];
			const created: ChapterFile = {
				name: `00-${chapterSlug(edit.title)}.mdx`,
				source: chapterToMdx(chapter),
				chapter,
			};
			order.splice(index + 1, 0, created);
			renumberFiles(order, renames, created);
			changed.set(created.name, created.source);
			files.chapters = order;
			outcome = { action: 'add chapter', ids: [chapterId, clauseId] };
			break;
		}
		case 'rename-chapter': {
			const file = fileOf(edit.chapter);
			const fm = frontmatter.exec(file.source)!;
			const doc = yaml().parseDocument(fm[0].replace(/^---\r?\n/, '').replace(/\r?\n---\r?\n?$/, ''));
			doc.set('title', edit.title);
			write(file, `---\n${doc.toString().trimEnd()}\n---\n${file.source.slice(fm[0].length)}`);
			outcome = { action: 'rename chapter', ids: [edit.chapter] };
			break;
		}
		case 'move-chapter': {
			const index = files.chapters.findIndex((c) => c.chapter.id === edit.chapter);
			if (index < 0) throw new EditError('chapter', `no chapter ${edit.chapter} in this draft`);
			const other = edit.direction === 'up' ? index - 1 : index + 1;
			if (other < 0 || other >= files.chapters.length)
				throw new EditError('direction', `the chapter is already ${edit.direction === 'up' ? 'first' : 'last'}`);
			const order = [...files.chapters];
			[order[index], order[other]] = [order[other]!, order[index]!];
			renumberFiles(order, renames);
			files.chapters = order;
			outcome = { action: 'move chapter', ids: [edit.chapter] };
			break;
		}
	}

	// Everything written must read back as a chapter, with unique ids across the version.
	const seen = new Map<string, string>();
	for (const file of files.chapters) {
		let chapter: Chapter;
		try {
			chapter = parseChapterMdx(changed.get(file.name) ?? file.source, file.name);
		} catch (error) {
			throw new EditError('text', `the change was not saved: ${firstProblem(error)}`);
		}
		for (const id of [
			chapter.id,
			...chapter.sections.map((s) => s.id),
			...[...walkClauses(chapter)].map((v) => v.clause.id),
		]) {
			if (seen.has(id)) throw new EditError('text', `the change was not saved: id ${id} would appear twice`);
			seen.set(id, file.name);
		}
	}
	// Renamed files in two steps, so swapping two names never overwrites one; then the written files.
	const moved = renames.filter(([from, to]) => from !== to);
	for (const [from, to] of moved) renameSync(join(dir, from), join(dir, `${to}.renaming`));
	for (const [, to] of moved) renameSync(join(dir, `${to}.renaming`), join(dir, to));
	for (const [name, source] of changed) {
		writeFileSync(join(dir, `${name}.tmp`), source);
		renameSync(join(dir, `${name}.tmp`), join(dir, name));
	}
	return { ...outcome, files: [...new Set([...changed.keys(), ...moved.flatMap(([a, b]) => [a, b])])] };
}

/** Gives the files NN prefixes in `order` (01, 02, …), recording each rename. */
function renumberFiles(order: ChapterFile[], renames: [string, string][], created?: ChapterFile): void {
	const width = Math.max(2, String(order.length).length);
	order.forEach((file, i) => {
		const slug = chapterFilePattern.exec(file.name)![2]!;
		const name = `${String(i + 1).padStart(width, '0')}-${slug}.mdx`;
		if (file !== created) renames.push([file.name, name]);
		file.name = name;
	});
}

function setSummary(dir: string, edit: Extract<DraftEdit, { op: 'set-summary' }>): EditOutcome {
	const file = join(dir, 'version.yaml');
	const doc = yaml().parseDocument(readFileSync(file, 'utf8'));
	doc.set('changeSummary', edit.changeSummary);
	doc.set('substitutions', edit.substitutions);
	writeFileSync(file, doc.toString());
	return { action: 'edit change summary', ids: [], files: ['version.yaml'] };
}
