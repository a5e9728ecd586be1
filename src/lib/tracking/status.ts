/**
 * Certification and acknowledgement status, derived from the append-only
 * records as of any calendar date D (never a stored flag):
 *
 * - certification `current`: the latest pass on or before D is within its
 *   validity, and no version in force by D changed substantively a clause the
 *   quiz's bank cites, nor added a clause to a chapter the bank covers;
 *   `outdated`: such a change happened (the clauses are listed); `expired`:
 *   past the validity; `none`: no pass.
 * - acknowledgement `current`: the latest acknowledgement is of the version in
 *   force or of one that only editorial revisions separate from it;
 *   `outdated`: a substantive change since; `none`.
 *
 * Editorial revisions keep both current and start no new due date.
 */
import { walkClauses } from '../content/clause-tree.ts';
import { versionsInForceBy } from '../catalog/index.ts';
import { compareVersions, type LoadedPolicy, type LoadedVersion } from '../content/loader.ts';
import { compareVersionTrees } from '../diff/redline.ts';
import type { Quiz } from '../quiz/schema.ts';
import { addDays, addMonths } from '../versions.ts';

export type CertificationState = 'current' | 'outdated' | 'expired' | 'none';
export type AcknowledgementState = 'current' | 'outdated' | 'none';

export interface PassRecord {
	attemptId: string;
	/** When it was graded (ISO timestamp): orders two passes on one day. */
	at: string;
	/** Calendar date of the grade, in the company's time zone. */
	passedOn: string;
	score: number;
	policyVersion: string;
}

export interface AcknowledgementRecord {
	/** The acknowledgement's id (for its signature), where the caller has it. */
	id?: string;
	/** When (ISO timestamp): orders two acknowledgements on one day. */
	at: string;
	acknowledgedOn: string;
	policyVersion: string;
}

export interface Outdating {
	/** The first version in force after the passed one that made the change. */
	version: string;
	/** Its effective date: due dates count from here. */
	effective: string;
	/** The cited or newly added clauses that changed substantively. */
	clauses: string[];
}

export interface CertificationStatus {
	state: CertificationState;
	pass: PassRecord | undefined;
	validUntil: string | undefined;
	outdatedBy: Outdating | undefined;
}

export interface AcknowledgementStatus {
	state: AcknowledgementState;
	acknowledgement: AcknowledgementRecord | undefined;
	outdatedBy: Outdating | undefined;
}

// Redlines depend only on the two versions: computed once per pair, not once per person.
const redlines = new WeakMap<LoadedVersion, WeakMap<LoadedVersion, ReturnType<typeof compareVersionTrees>>>();
function redlineBetween(from: LoadedVersion, to: LoadedVersion) {
	let byTarget = redlines.get(from);
	if (!byTarget) redlines.set(from, (byTarget = new WeakMap()));
	let redline = byTarget.get(to);
	if (!redline) byTarget.set(to, (redline = compareVersionTrees(from, to)));
	return redline;
}

// What a quiz cites and covers depends only on the quiz (and the version): worked out once, not once per person.
const cites = new WeakMap<Quiz, Set<string>>();
const covered = new WeakMap<Quiz, WeakMap<LoadedVersion, Set<string>>>();

/** The clauses a quiz's questions cite. */
function citedClauses(quiz: Quiz): Set<string> {
	let cited = cites.get(quiz);
	if (!cited) cites.set(quiz, (cited = new Set(quiz.questions.flatMap((q) => q.cites))));
	return cited;
}

/** The chapters a quiz covers: those its questions cite clauses in. */
function coveredChapters(quiz: Quiz, version: LoadedVersion): Set<string> {
	let byVersion = covered.get(quiz);
	if (!byVersion) covered.set(quiz, (byVersion = new WeakMap()));
	let chapters = byVersion.get(version);
	if (chapters) return chapters;
	const chapterOf = new Map<string, string>();
	for (const { chapter } of version.chapters)
		for (const { clause } of walkClauses(chapter)) chapterOf.set(clause.id, chapter.id);
	chapters = new Set(
		quiz.questions.flatMap((q) => q.cites.map((c) => chapterOf.get(c)).filter((c): c is string => !!c)),
	);
	byVersion.set(version, chapters);
	return chapters;
}

/**
 * The first version after `from` (in force by D) whose changes touch what
 * `relevant` selects; walking version by version so the outdating date is the
 * one a person could have known about.
 */
function firstOutdating(
	policy: LoadedPolicy,
	from: string,
	asOf: string,
	relevant: (redline: ReturnType<typeof compareVersionTrees>, base: LoadedVersion) => string[],
): Outdating | undefined {
	const inForce = versionsInForceBy(policy, asOf);
	const start = inForce.findIndex((v) => v.meta.version === from);
	const base = policy.versions.find((v) => v.meta.version === from);
	if (!base) return undefined;
	const later =
		start >= 0 ? inForce.slice(start + 1) : inForce.filter((v) => compareVersions(v.meta.version, from) > 0);
	for (const version of later) {
		const clauses = relevant(redlineBetween(base, version), base);
		if (clauses.length) return { version: version.meta.version, effective: version.meta.effective ?? asOf, clauses };
	}
	return undefined;
}

export function certificationStatus(
	policy: LoadedPolicy,
	quiz: Quiz,
	passes: readonly PassRecord[],
	asOf: string,
): CertificationStatus {
	const pass = passes
		.filter((p) => p.passedOn <= asOf)
		.sort((a, b) => a.at.localeCompare(b.at))
		.at(-1);
	if (!pass) return { state: 'none', pass: undefined, validUntil: undefined, outdatedBy: undefined };
	const validUntil = addMonths(pass.passedOn, quiz.validityMonths);
	const outdatedBy = firstOutdating(policy, pass.policyVersion, asOf, (redline, base) => {
		const cited = citedClauses(quiz);
		const chapters = coveredChapters(quiz, base);
		const changed = redline.substantiveClauseIds.filter((id) => cited.has(id));
		const added = Object.entries(redline.gainedClausesByChapter)
			.filter(([chapter]) => chapters.has(chapter))
			.flatMap(([, ids]) => ids)
			.filter((id) => redline.substantiveClauseIds.includes(id));
		return [...new Set([...changed, ...added])];
	});
	const state: CertificationState = outdatedBy ? 'outdated' : asOf > validUntil ? 'expired' : 'current';
	return { state, pass, validUntil, outdatedBy };
}

export function acknowledgementStatus(
	policy: LoadedPolicy,
	acks: readonly AcknowledgementRecord[],
	asOf: string,
): AcknowledgementStatus {
	const ack = acks
		.filter((a) => a.acknowledgedOn <= asOf)
		.sort((a, b) => a.at.localeCompare(b.at))
		.at(-1);
	if (!ack) return { state: 'none', acknowledgement: undefined, outdatedBy: undefined };
	const outdatedBy = firstOutdating(policy, ack.policyVersion, asOf, (redline) => redline.substantiveClauseIds);
	return { state: outdatedBy ? 'outdated' : 'current', acknowledgement: ack, outdatedBy };
}

export interface Duty {
	/** The day the duty arose (tracking.ts dutySince). */
	since: string;
	dueDays: number;
	recertifyDays: number;
}

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * When something is due: `dueDays` after the duty arose for a first time; after a substantive
 * revision, `recertifyDays` after the outdating version's effective date; on the expiry date for an
 * expired pass. Never before `dueDays` after the duty arose (someone who came back into an assigned
 * department gets that long). Nothing is due while current.
 */
export function dueDate(
	state: CertificationState | AcknowledgementState,
	outdatedBy: Outdating | undefined,
	validUntil: string | undefined,
	duty: Duty,
): string | undefined {
	if (state === 'current') return undefined;
	const first = addDays(duty.since, duty.dueDays);
	if (state === 'outdated' && outdatedBy) return later(addDays(outdatedBy.effective, duty.recertifyDays), first);
	if (state === 'expired' && validUntil) return later(validUntil, first);
	return first;
}
