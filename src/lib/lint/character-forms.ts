/**
 * Character forms in Traditional Chinese text: Simplified forms that slipped
 * in (規范, 適用于) and conversion errors (批準). Only character forms, never
 * vocabulary: 信息 stays 信息, it is not turned into 資訊.
 *
 * Method: opencc-js converts the text Simplified → Traditional (phrase-aware,
 * STPhrases); every character it changes is a candidate. The REVIEWED lists
 * below then decide what a candidate is:
 *
 * - a reviewed fix: a real Simplified form in Traditional text (warning, reviewed);
 * - a reviewed ignore: a legitimate Taiwan form or vocabulary (no finding);
 * - anything else: a possible Simplified form, not reviewed (warning, unreviewed).
 *
 * Reviewed phrase rules add conversion errors opencc cannot see because the
 * wrong character is itself Traditional (批準 for 批准); where the text has the
 * correct 批准, opencc's own proposal 准→準 is dropped. A reviewed fix may list
 * words that keep the character (風采, 咨文): opencc's phrases are keyed in
 * Simplified and miss them when the neighbours are already Traditional.
 *
 * `applyReviewedFixes` applies only reviewed fixes and phrase rules; redlines
 * use `isReviewedFix` to call a change editorial iff it is exactly such a fix.
 *
 * Offsets and lengths are in UTF-16 code units (string indexes), so
 * `text.slice(offset, offset + length) === found`.
 */
import { toTraditional } from '../script-conversion.ts';

export interface ReviewedPair {
	/** The character as found in the text. */
	from: string;
	/** The character opencc proposes. */
	to: string;
	/** Where it was seen, for the reader of this list. */
	examples: readonly string[];
	/**
	 * Words in which `from` is the correct Traditional character although
	 * opencc proposes `to` (it misses them in text that is already Traditional).
	 */
	keepIn?: readonly string[];
	reason: string;
}

export interface PhraseRule {
	/** Stable rule id. */
	id: string;
	/** Matches the wrong phrase; must be global. */
	pattern: RegExp;
	found: string;
	replacement: string;
	reason: string;
}

/** opencc proposals that are real Simplified forms in Traditional text: flagged and fixed. */
export const REVIEWED_FIXES: readonly ReviewedPair[] = [
	{
		from: '范',
		to: '範',
		examples: ['規范', '范圍', '規范化'],
		reason: '范 is the Simplified form of 範 (規範, 範圍); opencc keeps the surname 范 as is',
	},
	{
		from: '于',
		to: '於',
		examples: ['適用于', '對于', '便于'],
		reason: '于 is the Simplified form of the preposition 於',
	},
	{
		from: '并',
		to: '並',
		examples: ['了解并遵守', '并采取'],
		reason: '并 is the Simplified form of the conjunction 並',
	},
	{
		from: '后',
		to: '後',
		examples: ['批準后', '完成后', '售后'],
		reason: '后 (after) is the Simplified form of 後',
	},
	{
		from: '采',
		to: '採',
		examples: ['采用', '采取', '采購'],
		keepIn: ['風采', '采風'],
		reason: '采 is the Simplified form of 採 (採用, 採購); 風采 and 采風 keep 采',
	},
	{
		from: '制',
		to: '製',
		examples: ['制作'],
		reason: '制 for 製 (make) is Simplified: 製作; opencc keeps 制 in 制度, 制定',
	},
	{
		from: '咨',
		to: '諮',
		examples: ['咨詢'],
		keepIn: ['咨文'],
		reason: '咨詢 is the Simplified form of 諮詢; 咨文 (official message) keeps 咨',
	},
];

/** Conversion errors opencc does not catch: the wrong character is a Traditional one. */
export const REVIEWED_PHRASES: readonly PhraseRule[] = [
	// opencc keeps 范 before 公 (范公 is a name in its phrase list), so 規范公司 slips through: say it directly.
	{
		id: 'fix:范→範',
		pattern: /規范/g,
		found: '規范',
		replacement: '規範',
		reason: '规范 is the Simplified form of 規範',
	},
	{
		id: 'fix:范→範',
		pattern: /范圍/g,
		found: '范圍',
		replacement: '範圍',
		reason: '范围 is the Simplified form of 範圍',
	},
	{
		id: 'phrase:批準→批准',
		// Not 審批準確 / 審批準時 / 審批準則, where 準 starts the next word.
		pattern: /批準(?![確備則時點繩])/g,
		found: '批準',
		replacement: '批准',
		reason: '准 (approve) was wrongly converted to 準 (standard); Traditional writes 批准',
	},
	{
		id: 'phrase:核準→核准',
		// Not 考核準確 / 考核準則, where 準 starts the next word.
		pattern: /核準(?![確備則時點繩])/g,
		found: '核準',
		replacement: '核准',
		reason: '准 (approve) was wrongly converted to 準 (standard); Traditional writes 核准',
	},
];

/** opencc proposals that are not errors in Taiwan usage: never flagged. */
export const REVIEWED_IGNORES: readonly ReviewedPair[] = [
	{
		from: '了',
		to: '瞭',
		examples: ['了解'],
		reason: '了解 is in standard use in Taiwan alongside 瞭解; vocabulary, not a character form',
	},
	{
		from: '核',
		to: '覈',
		examples: ['考核', '審核'],
		reason: '考核, 審核 are the usual Taiwan forms; 覈 is literary',
	},
	{
		from: '占',
		to: '佔',
		examples: ['市場占有率', '占有'],
		reason: '占有 (市場占有率) is a standard form; 佔 is a variant, not a correction',
	},
	{
		from: '周',
		to: '週',
		examples: ['周期'],
		reason: '周期 is an accepted form; 週期 is a variant, not a correction',
	},
	{
		from: '泄',
		to: '洩',
		examples: ['泄露'],
		reason: '泄 and 洩 are both standard (泄露, 洩露)',
	},
];

export const UNREVIEWED_RULE = 'unreviewed';

export interface CharacterFormFinding {
	/** UTF-16 offset of the found character in the text. */
	offset: number;
	/** UTF-16 length of the found character (1 for ordinary CJK characters). */
	length: number;
	found: string;
	suggested: string;
	/** A few characters around the finding, e.g. `在規范醫藥`. */
	context: string;
	/** True for a reviewed fix or phrase rule; false for "possible Simplified form, not reviewed". */
	reviewed: boolean;
	/** `fix:范→範`, `phrase:批準→批准` or `unreviewed`. */
	rule: string;
	/** Why the rule exists (reviewed) or what it means (unreviewed). */
	reason: string;
}

/** One character opencc would change. */
export interface OpenccDifference {
	offset: number;
	length: number;
	found: string;
	proposed: string;
}

const han = /\p{Script=Han}/u;
const hanRun = /\p{Script=Han}+/gu;

/** Converts a run, one code point per input code point, or falls back to single characters. */
function convertAligned(run: string): string[] {
	const chars = Array.from(run);
	const whole = Array.from(toTraditional(run));
	if (whole.length === chars.length) return whole;
	return chars.map((ch) => {
		const one = Array.from(toTraditional(ch));
		return one.length === 1 ? one[0]! : ch;
	});
}

/** Every Han character opencc (Simplified → Traditional) would change, before any review. */
export function openccDifferences(text: string): OpenccDifference[] {
	const chars = Array.from(text);
	let proposed = Array.from(toTraditional(text));
	if (proposed.length !== chars.length) {
		// Not length-preserving somewhere: convert Han runs separately, and mismatching runs per character.
		proposed = [...chars];
		let index = 0;
		let offset = 0;
		const indexAt = new Map<number, number>();
		for (const ch of chars) {
			indexAt.set(offset, index++);
			offset += ch.length;
		}
		for (const match of text.matchAll(hanRun)) {
			const start = indexAt.get(match.index)!;
			convertAligned(match[0]).forEach((ch, i) => (proposed[start + i] = ch));
		}
	}
	const differences: OpenccDifference[] = [];
	let offset = 0;
	chars.forEach((ch, i) => {
		const to = proposed[i]!;
		if (to !== ch && han.test(ch) && han.test(to)) {
			differences.push({ offset, length: ch.length, found: ch, proposed: to });
		}
		offset += ch.length;
	});
	return differences;
}

const pairKey = (from: string, to: string) => `${from}\u0000${to}`;
const fixes = new Map(REVIEWED_FIXES.map((pair) => [pairKey(pair.from, pair.to), pair]));
const ignores = new Map(REVIEWED_IGNORES.map((pair) => [pairKey(pair.from, pair.to), pair]));

function contextAround(text: string, offset: number, length: number, radius = 3): string {
	const before = Array.from(text.slice(0, offset)).slice(-radius).join('');
	const after = Array.from(text.slice(offset + length))
		.slice(0, radius)
		.join('');
	return `${before}${text.slice(offset, offset + length)}${after}`;
}

/** Whether `word` occurs in `text` with its `char` at `offset`. */
function occursAt(text: string, word: string, offset: number, char: string): boolean {
	for (let i = word.indexOf(char); i !== -1; i = word.indexOf(char, i + 1)) {
		if (offset - i >= 0 && text.startsWith(word, offset - i)) return true;
	}
	return false;
}

/**
 * opencc makes the phrase rules' error itself in some contexts (審核批准後 →
 * 審核批準後). Where the text already has a phrase rule's correct form,
 * a proposal to turn it back into the wrong form is not a finding.
 */
function protectedOffsets(text: string): Set<string> {
	const keys = new Set<string>();
	for (const rule of REVIEWED_PHRASES) {
		const found = Array.from(rule.found);
		const replacement = Array.from(rule.replacement);
		let start = text.indexOf(rule.replacement);
		while (start !== -1) {
			let offset = start;
			replacement.forEach((ch, i) => {
				if (ch !== found[i]) keys.add(pairKey(ch, found[i]!) + offset);
				offset += ch.length;
			});
			start = text.indexOf(rule.replacement, start + 1);
		}
	}
	return keys;
}

/** Simplified forms and conversion errors in Traditional Chinese text, in text order. */
export function findCharacterForms(text: string): CharacterFormFinding[] {
	const byOffset = new Map<number, CharacterFormFinding>();
	for (const rule of REVIEWED_PHRASES) {
		for (const match of text.matchAll(rule.pattern)) {
			const found = Array.from(match[0]);
			const replacement = Array.from(rule.replacement);
			let offset = match.index;
			found.forEach((ch, i) => {
				const to = replacement[i]!;
				if (ch !== to && !byOffset.has(offset)) {
					byOffset.set(offset, {
						offset,
						length: ch.length,
						found: ch,
						suggested: to,
						context: contextAround(text, offset, ch.length),
						reviewed: true,
						rule: rule.id,
						reason: rule.reason,
					});
				}
				offset += ch.length;
			});
		}
	}
	const kept = protectedOffsets(text);
	for (const diff of openccDifferences(text)) {
		if (byOffset.has(diff.offset)) continue;
		const key = pairKey(diff.found, diff.proposed);
		if (ignores.has(key) || kept.has(key + diff.offset)) continue;
		const fix = fixes.get(key);
		if (fix?.keepIn?.some((word) => occursAt(text, word, diff.offset, fix.from))) continue;
		byOffset.set(diff.offset, {
			offset: diff.offset,
			length: diff.length,
			found: diff.found,
			suggested: diff.proposed,
			context: contextAround(text, diff.offset, diff.length),
			reviewed: fix !== undefined,
			rule: fix ? `fix:${fix.from}→${fix.to}` : UNREVIEWED_RULE,
			reason: fix ? fix.reason : 'possible Simplified form, not reviewed',
		});
	}
	return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
}

/** The text with every reviewed fix and phrase rule applied; unreviewed findings stay as they are. */
export function applyReviewedFixes(text: string): string {
	const findings = findCharacterForms(text).filter((finding) => finding.reviewed);
	let out = '';
	let last = 0;
	for (const finding of findings) {
		out += text.slice(last, finding.offset) + finding.suggested;
		last = finding.offset + finding.length;
	}
	return out + text.slice(last);
}

/**
 * True when every character that differs between `before` and `after` is a
 * reviewed fix at that position (some reviewed fixes may be left out). Texts
 * of different lengths, or with any other change, are not. Identical texts are
 * trivially true: the caller decides whether "no change" is a change at all.
 */
export function isReviewedFix(before: string, after: string): boolean {
	if (before === after) return true;
	const a = Array.from(before);
	const b = Array.from(after);
	if (a.length !== b.length) return false;
	const fixed = Array.from(applyReviewedFixes(before));
	if (fixed.length !== a.length) return false;
	return a.every((ch, i) => b[i] === ch || b[i] === fixed[i]);
}
