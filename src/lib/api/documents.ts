/**
 * The JSON documents of the headless API, built at build time: their zod
 * schemas (the source of the published JSON Schemas and of the OpenAPI
 * components) and the functions that make them from the loaded content.
 * Quizzes appear only as metadata: never questions or answers.
 */
import { z } from 'zod';
import { calendarDate } from '../calendar-date.ts';
import { partsToText, type Clause, type TextPart } from '../content/clause-tree.ts';
import type { LoadedPolicy, LoadedVersion } from '../content/loader.ts';
import { compareVersionTrees, isRealChange } from '../diff/redline.ts';
import type { Quiz } from '../quiz/schema.ts';
import type { TrainingPath } from '../training/loader.ts';
import { chapterUrl, compareUrl, policyUrl, versionUrl } from '../urls.ts';
import { resolveVersions, type VersionState } from '../versions.ts';

export const apiBase = '/api/v1';
export const apiUrls = {
	policies: () => `${apiBase}/policies.json`,
	policy: (p: string) => `${apiBase}/policies/${p}.json`,
	version: (p: string, v: string) => `${apiBase}/policies/${p}/versions/${v}.json`,
	current: (p: string) => `${apiBase}/policies/${p}/current.json`,
	changes: (p: string, from: string, to: string) => `${apiBase}/policies/${p}/changes/${from}...${to}.json`,
	quizzes: () => `${apiBase}/quizzes.json`,
	training: () => `${apiBase}/training.json`,
	search: () => `${apiBase}/search`,
};

const date = calendarDate.describe('a calendar date, YYYY-MM-DD');
const versionState = z.enum(['in-force', 'scheduled', 'superseded', 'draft', 'in-review']);

const approval = z
	.object({ by: z.string(), on: date, meaning: z.string() })
	.nullable()
	.describe('null when the source does not state it (未載明)');

export const versionSummarySchema = z.object({
	version: z.string(),
	status: z.enum(['draft', 'in-review', 'approved']),
	state: versionState,
	effective: date.nullable(),
	supersededOn: date.nullable(),
	approval,
	changeSummary: z.array(z.string()),
	url: z.string().describe('the version’s page'),
	json: z.string().describe('this version as JSON'),
});

export const policySummarySchema = z.object({
	id: z.string(),
	title: z.string(),
	documentNumber: z.string().nullable(),
	owner: z.string().nullable(),
	language: z.string(),
	versionInForce: z.string().nullable(),
	url: z.string(),
	json: z.string(),
	current: z.string().describe('stable alias: the version in force, as JSON'),
});

export const policiesDocumentSchema = z.object({ asOf: date, policies: z.array(policySummarySchema) });

export const policyDocumentSchema = policySummarySchema.extend({
	audience: z.string().nullable(),
	reviewCycleMonths: z.number().nullable(),
	asOf: date,
	versions: z.array(versionSummarySchema),
	changes: z.array(z.object({ from: z.string(), to: z.string(), json: z.string(), url: z.string() })),
});

export interface ClauseJson {
	id: string;
	number: string | null;
	title: string | null;
	text: string;
	html: string;
	url: string;
	items: ClauseJson[];
}
export const clauseSchema: z.ZodType<ClauseJson> = z.lazy(() =>
	z.object({
		id: z.string(),
		number: z.string().nullable(),
		title: z.string().nullable(),
		text: z.string().describe('plain text; template blanks in their bracketed source form'),
		html: z.string(),
		url: z.string().describe('the clause’s page URL with its anchor'),
		items: z.array(clauseSchema),
	}),
);

/** A chapter or a section: its id, displayed number, title, page and the clauses standing in it. */
const partSchema = z.object({
	id: z.string(),
	number: z.string().nullable(),
	title: z.string(),
	url: z.string(),
	clauses: z.array(clauseSchema),
});

export const versionDocumentSchema = z.object({
	policy: z.string(),
	policyTitle: z.string(),
	language: z.string(),
	version: versionSummarySchema,
	chapters: z.array(partSchema.extend({ sections: z.array(partSchema) })),
	sourceEnds: z.object({ after: z.string() }).nullable().describe('where an incomplete source breaks off'),
});

export const changesDocumentSchema = z.object({
	policy: z.string(),
	from: z.string(),
	to: z.string(),
	url: z.string(),
	summary: z.object({ total: z.number(), substantive: z.number(), editorial: z.number() }),
	changes: z.array(
		z.object({
			clause: z.string(),
			kind: z.enum(['added', 'removed', 'reworded', 'moved', 'renumbered']),
			reworded: z.boolean(),
			moved: z.boolean(),
			renumbered: z.boolean(),
			classification: z.enum(['editorial', 'substantive']),
			classificationSource: z.enum(['override', 'character-form', 'editorial', 'rule']),
			/** Why: the override's reason, the editorial rules and substitutions, or the rule applied. */
			reason: z.string().nullable(),
			before: z.object({ number: z.string().nullable(), text: z.string() }).nullable(),
			after: z.object({ number: z.string().nullable(), text: z.string() }).nullable(),
		}),
	),
});

export const quizzesDocumentSchema = z.object({
	quizzes: z.array(
		z.object({
			id: z.string(),
			title: z.string(),
			policy: z.string(),
			versions: z.array(z.string()),
			questionCount: z.number().describe('questions in the bank'),
			questionsPerAttempt: z.number(),
			passMark: z.number(),
			timeLimitMinutes: z.number().nullable(),
			cooldownMinutes: z.number().describe('minutes to wait after a failed attempt'),
			maxAttemptsPerDay: z.number().describe('attempts per company calendar day'),
			validityMonths: z.number(),
			url: z.string(),
		}),
	),
});

export const trainingDocumentSchema = z.object({
	paths: z.array(
		z.object({
			id: z.string(),
			title: z.string(),
			description: z.string(),
			url: z.string(),
			steps: z.array(
				z.union([
					z.object({
						kind: z.literal('read'),
						policy: z.string(),
						version: z.string(),
						chapters: z.array(z.object({ id: z.string(), url: z.string() })),
						note: z.string().nullable(),
					}),
					z.object({ kind: z.literal('quiz'), quiz: z.string(), url: z.string(), note: z.string().nullable() }),
				]),
			),
		}),
	),
});

/** Every published schema, by the file name it is served under (/api/v1/schemas/<name>.json). */
export const documentSchemas = {
	policies: policiesDocumentSchema,
	policy: policyDocumentSchema,
	version: versionDocumentSchema,
	changes: changesDocumentSchema,
	quizzes: quizzesDocumentSchema,
	training: trainingDocumentSchema,
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export function partsToHtml(parts: readonly TextPart[], blankLabel = (label: string) => `待填寫：${label}`): string {
	return parts
		.map((p) =>
			p.kind === 'text'
				? escapeHtml(p.value).replace(/\n/g, '<br>')
				: `<span class="blank">${escapeHtml(blankLabel(p.label))}</span>`,
		)
		.join('');
}

function versionStates(policy: LoadedPolicy, asOf: string) {
	return resolveVersions(
		policy.versions.map((v) => ({ ...v.meta, loaded: v })),
		asOf,
	);
}

function versionSummary(
	policy: LoadedPolicy,
	v: LoadedVersion,
	state: VersionState,
	supersededOn: string | undefined,
): z.infer<typeof versionSummarySchema> {
	return {
		version: v.meta.version,
		status: v.meta.status,
		state,
		effective: v.meta.effective ?? null,
		supersededOn: supersededOn ?? null,
		approval: v.meta.approval ?? null,
		changeSummary: v.meta.changeSummary,
		url: versionUrl(policy.id, v.meta.version),
		json: apiUrls.version(policy.id, v.meta.version),
	};
}

export function shownVersions(policy: LoadedPolicy, asOf: string, preview: boolean) {
	return versionStates(policy, asOf).filter((r) => preview || r.version.status === 'approved');
}

function policySummary(policy: LoadedPolicy, asOf: string): z.infer<typeof policySummarySchema> {
	const inForce = versionStates(policy, asOf).find((r) => r.state === 'in-force');
	return {
		id: policy.id,
		title: policy.meta.title,
		documentNumber: policy.meta.documentNumber ?? null,
		owner: policy.meta.owner ?? null,
		language: policy.meta.language,
		versionInForce: inForce?.version.version ?? null,
		url: policyUrl(policy.id),
		json: apiUrls.policy(policy.id),
		current: apiUrls.current(policy.id),
	};
}

export function policiesDocument(
	policies: readonly LoadedPolicy[],
	asOf: string,
): z.infer<typeof policiesDocumentSchema> {
	return { asOf, policies: policies.map((p) => policySummary(p, asOf)) };
}

export function policyDocument(
	policy: LoadedPolicy,
	asOf: string,
	preview: boolean,
): z.infer<typeof policyDocumentSchema> {
	const shown = shownVersions(policy, asOf, preview);
	return {
		...policySummary(policy, asOf),
		audience: policy.meta.audience?.text ?? null,
		reviewCycleMonths: policy.meta.reviewCycleMonths ?? null,
		asOf,
		versions: shown.map((r) => versionSummary(policy, r.version.loaded, r.state, r.supersededOn)),
		changes: shown.slice(1).map((r, i) => ({
			from: shown[i]!.version.version,
			to: r.version.version,
			json: apiUrls.changes(policy.id, shown[i]!.version.version, r.version.version),
			url: compareUrl(policy.id, shown[i]!.version.version, r.version.version),
		})),
	};
}

export function versionDocument(
	policy: LoadedPolicy,
	version: LoadedVersion,
	asOf: string,
): z.infer<typeof versionDocumentSchema> {
	const resolved = versionStates(policy, asOf).find((r) => r.version.version === version.meta.version)!;
	const n = version.numbers;
	const clauseJson = (clause: Clause, chapterId: string): ClauseJson => ({
		id: clause.id,
		number: n.clauses.get(clause.id) ?? null,
		title: clause.title ?? null,
		text: partsToText(clause.parts),
		html: partsToHtml(clause.parts),
		url: `${chapterUrl(policy.id, version.meta.version, chapterId)}#${clause.id}`,
		items: clause.items.map((item) => clauseJson(item, chapterId)),
	});
	return {
		policy: policy.id,
		policyTitle: policy.meta.title,
		language: policy.meta.language,
		version: versionSummary(policy, version, resolved.state, resolved.supersededOn),
		chapters: version.chapters.map(({ chapter }) => ({
			id: chapter.id,
			number: n.chapters.get(chapter.id) ?? null,
			title: chapter.title,
			url: chapterUrl(policy.id, version.meta.version, chapter.id),
			clauses: chapter.clauses.map((c) => clauseJson(c, chapter.id)),
			sections: chapter.sections.map((s) => ({
				id: s.id,
				number: n.sections.get(s.id) ?? null,
				title: s.title,
				url: `${chapterUrl(policy.id, version.meta.version, chapter.id)}#${s.id}`,
				clauses: s.clauses.map((c) => clauseJson(c, chapter.id)),
			})),
		})),
		sourceEnds: version.meta.sourceEnds ? { after: version.meta.sourceEnds.after } : null,
	};
}

export function changesDocument(
	policy: LoadedPolicy,
	from: LoadedVersion,
	to: LoadedVersion,
): z.infer<typeof changesDocumentSchema> {
	const redline = compareVersionTrees(from, to);
	// Renumbering alone is no change: numbers derive from position.
	const changed = redline.changes.filter(isRealChange);
	return {
		policy: policy.id,
		from: from.meta.version,
		to: to.meta.version,
		url: compareUrl(policy.id, from.meta.version, to.meta.version),
		summary: {
			total: changed.length,
			substantive: changed.filter((c) => c.classification === 'substantive').length,
			editorial: changed.filter((c) => c.classification === 'editorial').length,
		},
		changes: changed.map((c) => ({
			clause: c.id,
			kind: c.kind as Exclude<typeof c.kind, 'unchanged'>,
			reworded: c.reworded,
			moved: c.moved,
			renumbered: c.renumbered,
			classification: c.classification!,
			classificationSource: c.classificationSource!,
			reason: c.reason ?? null,
			before: c.before ? { number: c.before.number ?? null, text: c.before.text } : null,
			after: c.after ? { number: c.after.number ?? null, text: c.after.text } : null,
		})),
	};
}

export function quizzesDocument(quizzes: readonly Quiz[]): z.infer<typeof quizzesDocumentSchema> {
	return {
		quizzes: quizzes.map((q) => ({
			id: q.id,
			title: q.title,
			policy: q.policy,
			versions: q.versions,
			questionCount: q.questions.length,
			questionsPerAttempt: q.questionsPerAttempt,
			passMark: q.passMark,
			timeLimitMinutes: q.timeLimitMinutes ?? null,
			cooldownMinutes: q.cooldownMinutes,
			maxAttemptsPerDay: q.maxAttemptsPerDay,
			validityMonths: q.validityMonths,
			url: `/quizzes/${q.id}/`,
		})),
	};
}

export function trainingDocument(paths: readonly TrainingPath[]): z.infer<typeof trainingDocumentSchema> {
	return {
		paths: paths.map((path) => ({
			id: path.id,
			title: path.title,
			description: path.description,
			url: `/training/${path.id}/`,
			steps: path.steps.map((step) =>
				step.kind === 'read'
					? {
							kind: 'read' as const,
							policy: step.policy,
							version: step.version,
							chapters: step.chapters.map((id) => ({ id, url: chapterUrl(step.policy, step.version, id) })),
							note: step.note ?? null,
						}
					: { kind: 'quiz' as const, quiz: step.quiz, url: `/quizzes/${step.quiz}/`, note: step.note ?? null },
			),
		})),
	};
}

/** JSON Schema (draft 2020-12) of a document, from its zod schema: the output shape, dates as strings. */
export function jsonSchemaOf(name: keyof typeof documentSchemas): object {
	return {
		$id: `${apiBase}/schemas/${name}.json`,
		...(z.toJSONSchema(documentSchemas[name], { io: 'output', target: 'draft-2020-12' }) as object),
	};
}
