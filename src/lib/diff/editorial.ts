/**
 * Whether a change of wording is editorial, as a reader would judge it: the
 * text reads the same once whitespace, punctuation, full/half-width forms,
 * reviewed character-form fixes and the version's declared term
 * substitutions are set aside. Anything else is substantive.
 *
 * Each rule is a canonical form applied to both texts (substitutions only to
 * the old text, so `人事部 → 人事部門` cannot match twice). The verdict names
 * the rules the change needed, so the redline can say why it is editorial.
 */
import { applyReviewedFixes } from '../lint/character-forms.ts';

export const editorialRules = ['whitespace', 'width', 'punctuation', 'character-form', 'substitution'] as const;
export type EditorialRule = (typeof editorialRules)[number];

export interface Substitution {
	from: string;
	to: string;
	reason: string;
}

export interface EditorialVerdict {
	/** The rules this change needed (each one, left out, leaves a difference). */
	rules: EditorialRule[];
	/** The declared substitutions the old text uses. */
	substitutions: Substitution[];
}

/** Enumeration and ordinary commas (、，,): adding, dropping or swapping them changes no meaning. */
const commas = /[、，,﹐﹑]/g;
/** Quotation marks of either width and style read the same. */
const quotes = /[「」『』“”„‟"＂‘’'＇]/g;
/** A hyphen inside a word (socio-economic, e-mail). */
const innerHyphen = /(?<=\p{L})[-‐‑](?=\p{L})/gu;

function canonical(
	text: string,
	rules: ReadonlySet<EditorialRule>,
	substitutions: readonly Substitution[],
	old: boolean,
) {
	let t = text;
	if (old && rules.has('substitution')) for (const s of substitutions) t = t.split(s.from).join(s.to);
	// Width: full-width Latin letters and digits (Ａ１ → A1); punctuation has its own rule.
	if (rules.has('width')) t = t.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (ch) => ch.normalize('NFKC'));
	if (rules.has('character-form')) t = applyReviewedFixes(t);
	if (rules.has('punctuation'))
		t = t
			.replace(/[\p{P}\p{S}]/gu, (ch) => ch.normalize('NFKC'))
			.replace(commas, '')
			.replace(quotes, '"')
			.replace(innerHyphen, '');
	if (rules.has('whitespace')) t = t.replace(/[\s\u3000]+/g, '');
	return t;
}

const same = (
	before: readonly string[],
	after: readonly string[],
	rules: ReadonlySet<EditorialRule>,
	substitutions: readonly Substitution[],
) =>
	before.every(
		(b, i) => canonical(b, rules, substitutions, true) === canonical(after[i]!, rules, substitutions, false),
	);

/**
 * The editorial verdict for texts that changed (pairs of old and new text,
 * e.g. the clause text and its title), or undefined when the change is
 * substantive. Identical pairs give an empty rule list.
 */
export function editorialVerdict(
	pairs: readonly (readonly [string, string])[],
	substitutions: readonly Substitution[] = [],
): EditorialVerdict | undefined {
	const before = pairs.map(([b]) => b);
	const after = pairs.map(([, a]) => a);
	const all = new Set<EditorialRule>(editorialRules);
	if (!same(before, after, all, substitutions)) return undefined;
	const rules = editorialRules.filter((rule) => {
		const without = new Set(all);
		without.delete(rule);
		return !same(before, after, without, substitutions);
	});
	const used = substitutions.filter(
		(s) => before.some((b) => b.includes(s.from)) && after.some((a) => a.includes(s.to)),
	);
	const neededSubstitutions = rules.includes('substitution')
		? used.filter((s) => {
				const others = substitutions.filter((o) => o !== s);
				return !same(before, after, all, others);
			})
		: [];
	return {
		rules,
		substitutions: neededSubstitutions.length ? neededSubstitutions : rules.includes('substitution') ? used : [],
	};
}

const ruleText: Record<EditorialRule, string> = {
	whitespace: 'whitespace',
	width: 'full/half-width forms',
	punctuation: 'punctuation',
	'character-form': 'reviewed character-form fixes',
	substitution: 'declared substitution',
};

/** A short English reason for the redline and the CLI, e.g. `editorial: punctuation; 人事部→人力資源部 (部門更名)`. */
export function editorialReason(verdict: EditorialVerdict): string {
	const parts = verdict.rules
		.filter((r) => r !== 'substitution')
		.map((r) => ruleText[r])
		.concat(verdict.substitutions.map((s) => `${s.from}→${s.to} (${s.reason})`));
	return parts.length ? `only ${parts.join('; ')}` : 'no difference a reader sees';
}

/** Headings compare as a reader reads them: whitespace and full/half-width forms do not count. */
export function sameHeading(a: string, b: string): boolean {
	const norm = (t: string) => t.normalize('NFKC').replace(/[\s\u3000]+/g, '');
	return norm(a) === norm(b);
}
