/**
 * Builds the chapter → section → clause tree from source lines. Markers are
 * accepted only where the sequence expects them and the text around them
 * allows a break, so `2025年3月1日`, `(如銷售額…等)` or `Excel、SPSS` inside a
 * sentence stay text, while run-together text (sources that lost their line
 * breaks) still splits at its real markers.
 */
import type { Chapter, Clause, Section } from '../content/clause-tree.ts';
import { textToParts } from '../content/clause-tree.ts';
import type { NumberingScheme } from '../content/schema.ts';
import { detectScheme, levels, schemePatterns, type Level } from './schemes.ts';
import type { SourceLine } from './source-lines.ts';

export interface ImportReport {
	scheme: NumberingScheme;
	title: string;
	chapters: number;
	sections: number;
	clauses: number;
	unnumbered: number;
	items: number;
	blanks: string[];
	/** Titles split off run-together text by heuristics: worth a look. */
	guessedTitles: { id: string; title: string; rest: string }[];
	/** Text the importer could not place in the tree (printed, never dropped silently). */
	unplaced: string[];
	/** Lines before the first chapter other than the title (title block, adoption and amendment notes). */
	sourceNotes: string[];
	/** Lines whose numbers Word drew automatically; placed by list level. */
	autoNumbered: number;
	/** The incomplete last clause left out, if the source breaks off mid-sentence. */
	sourceEnds?: { after: string; omitted: string };
	notes: string[];
}

export interface ImportResult {
	title: string;
	scheme: NumberingScheme;
	chapters: Chapter[];
	report: ImportReport;
}

interface Node {
	level: Level | 'doc';
	marker: string;
	/** Paragraphs of the node's own text; the first is on the marker's line. */
	paragraphs: string[];
	/** True once a line break followed the marker line. */
	lineBroken: boolean;
	children: Node[];
	explicitTitle?: boolean;
	/** A statute paragraph (款) after a run of items: an unnumbered sub-clause of the article. */
	unnumbered?: boolean;
}

const boundaryCharacters = new Set('。；;：:！!？?」』)）');
/** Whether `a + b` ends with sentence punctuation and blanks: read from the end, never the whole paragraph. */
function endsAtBoundary(a: string, b: string): boolean {
	for (const text of [b, a])
		for (let i = text.length - 1; i >= 0; i--) {
			const ch = text[i]!;
			if (/\s/.test(ch)) continue;
			return boundaryCharacters.has(ch);
		}
	return false;
}
const MAX_TITLE = 200;
/** Every character a marker of any scheme can begin with (see schemes.ts). */
const markerStarts = new Set('0123456789一二三四五六七八九十百零〇两兩第(（CSA');
const terminal = /[。.!?！？;；」』)）:：]$/;
const sentencePunctuation = /[。；;！!？?，,：:]/;
const openers = [
	'本制度',
	'本辦法',
	'本办法',
	'本規定',
	'本规定',
	'本政策',
	'本準則',
	'本准则',
	'公司',
	'凡',
	'依',
	'各',
	'由',
	'對於',
	'对于',
];

const rank = (level: Level | 'doc') => (level === 'doc' ? -1 : levels.indexOf(level));

export function buildTree(lines: SourceLine[], options: { scheme?: NumberingScheme } = {}): ImportResult {
	const joined = lines.map((l) => l.text).join('\n');
	const scheme = options.scheme ?? detectScheme(joined);
	const patterns = schemePatterns[scheme];
	const notes: string[] = [];
	const unplaced: string[] = [];
	let autoNumbered = 0;

	// Decimal markers say their depth: 1.2 is a clause in a two-level document, a section in a three-level one.
	// (A loop, not Math.max(...all): spreading every match of a large file overflows the stack.)
	let decimalDepth = 1;
	for (const m of joined.matchAll(/(?:^|\n)\s*(\d{1,3}(?:\.\d{1,3})+)\.?\s/g))
		decimalDepth = Math.max(decimalDepth, m[1]!.split('.').length);

	// Headings without a marker of their own, and Word's automatic numbering, get their level from depth.
	const headingDepths = [...new Set(lines.filter((l) => l.heading).map((l) => l.heading!))].sort();
	const firstIsTitle = lines[0]?.heading !== undefined && lines[0].heading === headingDepths[0];
	const structuralHeadings = firstIsTitle ? headingDepths.slice(1) : headingDepths;
	const headingLevel = (depth: number): Level | 'doc' | undefined => {
		if (firstIsTitle && depth === headingDepths[0]) return 'doc';
		const index = structuralHeadings.indexOf(depth);
		return index === 0 ? 'chapter' : index === 1 ? 'section' : index === 2 ? 'clause' : undefined;
	};
	const hasMarkers = (level: Level) =>
		patterns.some((p) => p.level === level && new RegExp(p.regexp.source, 'gm').test(joined)) ||
		structuralHeadings.some((d) => headingLevel(d) === level);
	const listBase = hasMarkers('section') ? 2 : hasMarkers('chapter') ? 1 : 0;
	const maxListDepth = lines.reduce((max, l) => Math.max(max, l.autoNumbered ?? 0), 0);
	const listLevel = (depth: number): Level => {
		const ladder: Level[] =
			listBase === 0
				? maxListDepth >= 3
					? ['chapter', 'section', 'clause', 'item', 'subitem']
					: ['chapter', 'clause', 'item', 'subitem']
				: listBase === 1
					? ['clause', 'item', 'subitem']
					: ['clause', 'item', 'subitem'];
		return ladder[Math.min(depth - 1, ladder.length - 1)]!;
	};

	const doc: Node = { level: 'doc', marker: '', paragraphs: [], lineBroken: false, children: [] };
	let stack: Node[] = [doc];
	const counters = { chapter: 0, section: 0, clause: 0, article: 0, item: 0, subitem: 0 };
	const top = () => stack.at(-1)!;
	const nearest = (level: Level) => [...stack].reverse().find((n) => n.level === level);

	const expected = (level: Level, numbers: number[]): boolean => {
		const n = numbers.at(-1)!;
		switch (level) {
			case 'chapter':
				return n === counters.chapter + 1;
			case 'section':
				return counters.chapter > 0 && n === counters.section + 1;
			case 'clause':
				if (scheme === 'zh-statute' || scheme === 'en-article') return n === counters.article + 1;
				if (scheme === 'decimal') {
					if (numbers.length === 1) return false;
					if (numbers[0] !== counters.chapter) return false;
					if (numbers.length === 3 && numbers[1] !== counters.section) return false;
				}
				return n === counters.clause + 1;
			case 'item':
				return !!nearest('clause') && n === counters.item + 1;
			case 'subitem':
				return !!nearest('item') && n === counters.subitem + 1;
		}
	};

	const open = (level: Level, marker: string, explicitTitle = false) => {
		while (rank(top().level) >= rank(level)) stack.pop();
		const node: Node = { level, marker, paragraphs: [''], lineBroken: false, children: [], explicitTitle };
		top().children.push(node);
		stack.push(node);
		if (level === 'chapter') Object.assign(counters, { chapter: counters.chapter + 1, section: 0, clause: 0 });
		if (level === 'section') Object.assign(counters, { section: counters.section + 1, clause: 0 });
		if (level === 'clause') Object.assign(counters, { clause: counters.clause + 1, article: counters.article + 1 });
		if (level === 'clause') counters.item = 0;
		if (level === 'item') Object.assign(counters, { item: counters.item + 1, subitem: 0 });
		if (level === 'subitem') counters.subitem += 1;
	};

	/** A header (document, chapter, section) still on its own first line, with nothing but a title so far. */
	const headerStillOpen = () => {
		const node = top();
		return (
			(node.level === 'doc' || node.level === 'chapter' || node.level === 'section') &&
			!node.lineBroken &&
			node.paragraphs.length <= 1 &&
			// A title is short: a long run of text is not one (and is not rescanned at every marker).
			(node.paragraphs[0] ?? '').length <= MAX_TITLE &&
			!sentencePunctuation.test(node.paragraphs[0] ?? '')
		);
	};

	/** Whether the line starts with a marker the sequence expects here. */
	const opensMarker = (text: string): boolean => {
		const start = text.search(/\S/);
		if (start < 0) return false;
		return patterns.some((p) => {
			p.regexp.lastIndex = start;
			const match = p.regexp.exec(text);
			const numbers = match ? p.numbers(match) : undefined;
			return !!numbers && expected(p.level, numbers);
		});
	};

	const append = (text: string) => {
		const node = top();
		if (node.paragraphs.length === 0) node.paragraphs.push('');
		node.paragraphs[node.paragraphs.length - 1] += text;
	};

	lines.forEach((line) => {
		// A new line ends the marker line of whatever is open.
		const node = top();
		if (node.paragraphs.length && node.paragraphs.at(-1) !== '') {
			node.lineBroken = true;
			node.paragraphs.push('');
		} else if (node.paragraphs.at(-1) === '' && node !== doc && stack.length > 1 && node.lineBroken === false) {
			// Marker line was empty apart from the marker: the next line still belongs to it.
		}
		let text = line.text;
		const explicit =
			line.heading !== undefined
				? headingLevel(line.heading)
				: line.autoNumbered
					? listLevel(line.autoNumbered)
					: undefined;
		let markerLevel: Level | undefined;
		const startsWithMarker = patterns.some((p) => {
			p.regexp.lastIndex = text.search(/\S/);
			const match = p.regexp.exec(text);
			if (match && line.heading !== undefined && explicit && explicit !== 'doc' && p.level !== explicit) {
				// A heading numbered at another level than its depth (### 1. Correction): the depth
				// decides, and the typed number is only a label (derived again from position).
				markerLevel = p.level;
				text = text.slice(match.index + match[0].length);
			}
			return match !== null;
		});
		if (explicit && (!startsWithMarker || markerLevel)) {
			if (explicit === 'doc') {
				doc.paragraphs = [text.trim()];
				doc.lineBroken = true;
				return;
			}
			if (line.autoNumbered) autoNumbered += 1;
			open(explicit, '', true);
			append(text.trim());
			top().lineBroken = true;
			if (explicit === 'chapter' || explicit === 'section') top().paragraphs.push('');
			return;
		}
		// Statutes: a paragraph after a run of items （一）（二）… is the article's next paragraph (款), not
		// more of the last item. It becomes an unnumbered sub-clause, so reading order is kept.
		if (scheme === 'zh-statute' && (top().level === 'item' || top().level === 'subitem') && !opensMarker(text)) {
			while (top().level !== 'clause') stack.pop();
			const paragraph: Node = {
				level: 'item',
				marker: '',
				paragraphs: [''],
				lineBroken: false,
				children: [],
				unnumbered: true,
			};
			top().children.push(paragraph);
			stack.push(paragraph);
		}
		let segmentStart = 0;
		// Everything before the first non-blank character is the line's start (found once, not per position).
		const firstText = text.search(/\S/);
		for (let pos = 0; pos < text.length; pos++) {
			// Most characters cannot begin a marker: skip them without trying every pattern.
			if (!markerStarts.has(text[pos]!)) continue;
			const lineStart = firstText === -1 || pos <= firstText;
			for (const pattern of patterns) {
				if (pattern.lineStartOnly && !lineStart) continue;
				pattern.regexp.lastIndex = pos;
				const match = pattern.regexp.exec(text);
				if (!match) continue;
				const numbers = pattern.numbers(match);
				if (!numbers) continue;
				let level = pattern.level;
				if (scheme === 'decimal' && level === 'clause' && numbers.length === 2 && decimalDepth >= 3) level = 'section';
				if (scheme === 'decimal' && level === 'section' && numbers[0] !== counters.chapter) continue;
				if (!expected(level, numbers)) continue;
				const before = text.slice(segmentStart, pos);
				const allowed =
					lineStart ||
					endsAtBoundary(top().paragraphs.at(-1)!, before) ||
					(numbers.at(-1) === 1 && headerStillOpen() && rank(level) > rank(top().level));
				if (!allowed) continue;
				append(before);
				open(level, match[0]);
				pos += match[0].length - 1;
				segmentStart = pos + 1;
				break;
			}
		}
		append(text.slice(segmentStart));
	});

	// ---- From nodes to the clause tree ----
	const guessedTitles: ImportReport['guessedTitles'] = [];
	let title = (doc.paragraphs[0] ?? '').trim();
	// Lines before the first chapter (title block, adoption and amendment notes) are kept as source notes.
	const sourceNotes = doc.paragraphs
		.slice(1)
		.flatMap((p) => p.split('\n'))
		.map((p) => p.trim())
		.filter((p) => p);
	if (!title && doc.children.length === 0) unplaced.push(joined);

	/** Where a run-together header ends and its body begins. */
	const splitHeader = (text: string, docTitle: string): [string, string] | undefined => {
		const limit = Math.min(text.length - 1, 16);
		const candidates: number[] = [];
		for (let k = 2; k <= limit; k++) {
			if (sentencePunctuation.test(text[k - 1]!)) break;
			candidates.push(k);
		}
		// 1. The body repeats the title's first words (績效考核周期|績效考核分為…), or
		// 2. it opens the way policy sentences do (目的|本制度旨在…); the shortest title wins.
		for (const k of candidates)
			if (text.startsWith(text.slice(0, 2), k) || openers.some((o) => text.startsWith(o, k)))
				return [text.slice(0, k), text.slice(k)];
		// 3. The body opens with a word of the document title (組織架構|運營部門設…).
		for (const k of candidates) if (docTitle.includes(text.slice(k, k + 2))) return [text.slice(0, k), text.slice(k)];
		return undefined;
	};

	let ids = { chapter: 0 };
	const counts = { sections: 0, clauses: 0, unnumbered: 0, items: 0 };
	const blanks: string[] = [];

	const clauseFrom = (node: Node, id: string): Clause => {
		const [first, ...more] = node.paragraphs.map((p) => p.trim()).filter((p, i) => i === 0 || p !== '');
		let text = first ?? '';
		const clause: Clause = { id, unnumbered: !!node.unnumbered, parts: [], items: [] };
		const titled = /^([^,，。;；:：\s]{1,12}?)([:：])(?=\S)/.exec(text);
		if (titled && node.level === 'clause' && (scheme === 'zh-outline' || scheme === 'zh-outline-fullwidth')) {
			clause.title = titled[1]!;
			if (titled[2] !== ':') clause.titleSeparator = titled[2]!;
			text = text.slice(titled[0].length);
		}
		// In statutes further paragraphs belong to the article (項); elsewhere they are new clauses.
		const continuation = scheme === 'zh-statute' ? more : [];
		clause.parts = textToParts([text, ...continuation].join('\n'));
		blanks.push(...clause.parts.flatMap((p) => (p.kind === 'blank' ? [p.label] : [])));
		let m = 0;
		for (const child of node.children) {
			m += 1;
			clause.items.push(clauseFrom(child, `${id}-${m}`));
			if (child.unnumbered) counts.unnumbered += 1;
			else counts.items += 1;
		}
		if (scheme !== 'zh-statute') {
			for (const paragraph of more) {
				m += 1;
				clause.items.push({ id: `${id}-${m}`, unnumbered: true, parts: textToParts(paragraph), items: [] });
				counts.unnumbered += 1;
			}
		}
		return clause;
	};

	/** Title and leading unnumbered paragraphs of a chapter or section. */
	const header = (node: Node, id: string): { title: string; paragraphs: string[] } => {
		const paragraphs = node.paragraphs.map((p) => p.trim()).filter((p, i) => i === 0 || p !== '');
		const first = paragraphs[0] ?? '';
		if (
			node.explicitTitle ||
			node.lineBroken ||
			(node.children.length > 0 && paragraphs.length === 1 && !sentencePunctuation.test(first) && first.length <= 24)
		) {
			return { title: first, paragraphs: paragraphs.slice(1) };
		}
		const split = splitHeader(first, title);
		if (split) {
			guessedTitles.push({ id, title: split[0], rest: split[1].slice(0, 12) });
			return { title: split[0], paragraphs: [split[1], ...paragraphs.slice(1)] };
		}
		notes.push(`${id}: could not tell where the title ends in "${first.slice(0, 30)}…"; give it a title by hand`);
		return { title: '', paragraphs };
	};

	const containerClauses = (node: Node, prefix: string, leading: string[]): Clause[] => {
		const clauses: Clause[] = [];
		let k = 0;
		for (const paragraph of leading) {
			k += 1;
			clauses.push({ id: `c-${prefix}-${k}`, unnumbered: true, parts: textToParts(paragraph), items: [] });
			blanks.push(...clauses.at(-1)!.parts.flatMap((p) => (p.kind === 'blank' ? [p.label] : [])));
			counts.unnumbered += 1;
		}
		for (const child of node.children) {
			if (child.level !== 'clause') continue;
			k += 1;
			clauses.push(clauseFrom(child, `c-${prefix}-${k}`));
			counts.clauses += 1;
		}
		return clauses;
	};

	const chapters: Chapter[] = [];
	for (const chapterNode of doc.children) {
		if (chapterNode.level !== 'chapter') {
			unplaced.push(`${chapterNode.marker}${chapterNode.paragraphs.join('\n')}`);
			continue;
		}
		ids.chapter += 1;
		const i = ids.chapter;
		const head = header(chapterNode, `ch-${i}`);
		const chapter: Chapter = {
			id: `ch-${i}`,
			title: head.title,
			clauses: containerClauses(chapterNode, `${i}-0`, head.paragraphs),
			sections: [],
		};
		let j = 0;
		for (const sectionNode of chapterNode.children) {
			if (sectionNode.level !== 'section') continue;
			j += 1;
			counts.sections += 1;
			const sectionHead = header(sectionNode, `s-${i}-${j}`);
			const section: Section = {
				id: `s-${i}-${j}`,
				title: sectionHead.title,
				clauses: containerClauses(sectionNode, `${i}-${j}`, sectionHead.paragraphs),
			};
			chapter.sections.push(section);
		}
		chapters.push(chapter);
	}

	// A source that breaks off mid-sentence: its last clause is not policy text.
	let sourceEnds: ImportReport['sourceEnds'];
	const lastChapter = chapters.at(-1);
	const lastContainer = lastChapter?.sections.at(-1) ?? lastChapter;
	const lastClause = lastContainer?.clauses.at(-1);
	if (lastContainer && lastClause && lastClause.items.length === 0) {
		const text = lastClause.parts.map((p) => (p.kind === 'text' ? p.value : `[${p.label}]`)).join('');
		// A closing web address (a reference, a link) is complete as it stands.
		if (!terminal.test(text) && !/https?:\/\/\S+$/.test(text)) {
			const lastNode = findLastClauseNode(doc);
			lastContainer.clauses.pop();
			if (lastClause.unnumbered) counts.unnumbered -= 1;
			else counts.clauses -= 1;
			sourceEnds = { after: lastContainer.id, omitted: `${lastNode?.marker ?? ''}${text}` };
			notes.push(`the source breaks off mid-sentence: left out the incomplete last clause "${sourceEnds.omitted}"`);
		}
	}
	if (autoNumbered) notes.push(`${autoNumbered} paragraphs use Word's automatic numbering; placed by their list level`);

	return {
		title,
		scheme,
		chapters,
		report: {
			scheme,
			title,
			chapters: chapters.length,
			sections: counts.sections,
			clauses: counts.clauses,
			unnumbered: counts.unnumbered,
			items: counts.items,
			blanks,
			guessedTitles,
			unplaced,
			sourceNotes,
			autoNumbered,
			...(sourceEnds ? { sourceEnds } : {}),
			notes,
		},
	};
}

function findLastClauseNode(node: Node): Node | undefined {
	const last = node.children.at(-1);
	if (!last) return node.level === 'clause' ? node : undefined;
	return findLastClauseNode(last) ?? (node.level === 'clause' ? node : undefined);
}
