/**
 * Request and response schemas of the server routes: the routes validate with
 * these, and the OpenAPI document is generated from the same objects.
 */
import { z } from 'zod';
import { webhookEventType } from '../notify/event-types.ts';

import { calendarDate } from '../calendar-date.ts';
import { csvEncodings, encodingNamed } from '../csv/encoding.ts';
import { rosterHeaderLanguages } from '../auth/roster-columns.ts';

export { calendarDate };

export const errorSchema = z.object({
	error: z.string(),
	fields: z.record(z.string(), z.string()).optional(),
	/** When a cool-down ends (429 on starting an attempt). */
	retryAt: z.string().optional(),
});

export const healthSchema = z.object({
	status: z.enum(['ok', 'degraded']),
	version: z.string(),
	database: z.object({ dialect: z.enum(['sqlite', 'postgres']), ok: z.boolean() }),
});

export const loginBody = z.object({ email: z.string().min(1, 'required'), password: z.string().min(1, 'required') });
export const loginResponse = z.object({
	person: z.object({ name: z.string(), email: z.string(), role: z.enum(['staff', 'hr']) }),
	csrfToken: z.string(),
	expiresAt: z.string(),
});

export const personSchema = z.object({
	id: z.string(),
	employeeId: z.string(),
	name: z.string(),
	email: z.string(),
	hireDate: z.string().nullable(),
	disabledOn: z.string().nullable(),
	department: z.string(),
	role: z.enum(['staff', 'hr']),
	hasPassword: z.boolean(),
});

export const meResponse = z.union([
	z.object({
		person: personSchema.pick({ id: true, employeeId: true, name: true, email: true, department: true, role: true }),
		csrfToken: z.string().nullable(),
	}),
	z.object({ token: z.object({ id: z.string(), scope: z.enum(['read', 'read-write', 'admin']) }) }),
]);

export const addPersonBody = z.object({
	employeeId: z.string(),
	name: z.string(),
	email: z.string(),
	department: z.string(),
	role: z.enum(['staff', 'hr']),
	hireDate: z.string().optional(),
});

export const changePersonBody = z
	.object({
		name: z.string().trim().min(1, 'required').optional().describe('a corrected name (kept in history)'),
		email: z.string().trim().optional().describe('a corrected email (kept in history; the new sign-in name)'),
		department: z.string().min(1).optional(),
		role: z.enum(['staff', 'hr']).optional(),
		effectiveFrom: calendarDate.optional(),
		disabledOn: calendarDate.optional(),
	})
	.refine((b) => b.name || b.email || b.department || b.role || b.disabledOn, 'nothing to change');

/** A roster file's encoding as the API and the HR page take it (`big5`, `GBK`, `UTF-16LE`, `utf-8` …). */
export const csvEncodingParam = z
	.string()
	.transform((name, ctx) => {
		const encoding = encodingNamed(name);
		if (!encoding) ctx.addIssue({ code: 'custom', message: `unknown encoding; one of ${csvEncodings.join(', ')}` });
		return encoding ?? z.NEVER;
	})
	.describe(`the file's encoding (${csvEncodings.join(', ')}); detected when absent`);

export const rosterImportQuery = z
	.object({
		encoding: csvEncodingParam.optional(),
		preview: z.enum(['1', 'true']).optional().describe('only read the first rows and say which encoding was used'),
	})
	.strict();

export const rosterExportQuery = z
	.object({
		asOf: calendarDate.optional().describe('YYYY-MM-DD: the roster as it was that day (default today)'),
		headers: z.enum(rosterHeaderLanguages).optional().describe('zh (default) or en: the language of the header row'),
	})
	.strict();

const encodingFields = {
	encoding: z
		.enum(csvEncodings)
		.nullable()
		.describe('the encoding read with; null when Big5 and GBK are equally plausible'),
	encodingBy: z.enum(['bom', 'detected', 'chosen', 'ambiguous']),
	candidates: z.array(z.enum(csvEncodings)).describe('the plausible encodings, most likely first'),
};
export const rosterPreviewSchema = z.object({
	preview: z.literal(true),
	...encodingFields,
	rows: z.array(z.array(z.string())).describe('the first records as read (header first)'),
	alternatives: z
		.array(z.object({ encoding: z.enum(csvEncodings), rows: z.array(z.array(z.string())) }))
		.describe('when ambiguous: the first records in each candidate encoding'),
	problem: z
		.object({ row: z.number(), column: z.string(), message: z.string(), byte: z.number().optional() })
		.nullable(),
});

export const createTokenBody = z.object({
	name: z.string().trim().min(1, 'required'),
	scope: z.enum(['read', 'read-write', 'admin']),
	expiresAt: z.iso.datetime({ error: 'expected an ISO date-time such as 2027-01-01T00:00:00Z' }),
});

export const tokenInfoSchema = z.object({
	id: z.string(),
	name: z.string(),
	scope: z.enum(['read', 'read-write', 'admin']),
	createdAt: z.string(),
	expiresAt: z.string(),
	revokedAt: z.string().nullable(),
});

export const startAttemptBody = z.object({ quiz: z.string().min(1, 'required') });
export const submitAttemptBody = z.object({
	answers: z.record(z.string(), z.union([z.array(z.string()), z.boolean()])),
});
export const saveAnswerBody = z.object({
	answer: z
		.union([z.array(z.string()), z.boolean()])
		.nullable()
		.describe('option ids (choice), true/false, or null to clear'),
	flagged: z.boolean().describe('flagged for review before submitting'),
});
export const savedAnswerSchema = z.object({ saved: z.literal(true), savedAt: z.string() });

const presentedQuestion = z.object({
	id: z.string(),
	type: z.enum(['single', 'multiple', 'true-false']),
	prompt: z.string(),
	options: z.array(z.object({ id: z.string(), text: z.string() })),
});
const attemptBase = {
	id: z.string(),
	quiz: z.string(),
	policy: z.string(),
	policyVersion: z.string(),
	startedAt: z.string(),
	deadlineAt: z.string().nullable(),
	questions: z.array(presentedQuestion),
};
const citation = z.object({ clause: z.string(), label: z.string(), url: z.string().nullable() });
export const attemptSchema = z.union([
	z.object({
		...attemptBase,
		status: z.literal('open'),
		saved: z
			.object({
				answers: z.record(z.string(), z.union([z.array(z.string()), z.boolean()])),
				flagged: z.array(z.string()),
			})
			.optional()
			.describe('the answers and review flags saved so far (resuming)'),
	}),
	z.object({
		...attemptBase,
		status: z.literal('graded'),
		gradedAt: z.string(),
		late: z.boolean(),
		score: z.number(),
		correct: z.number(),
		total: z.number(),
		passed: z.boolean(),
		passMark: z.number().nullable().describe('null for attempts graded before records were kept'),
		bankHash: z.string().nullable().describe('sha256 of the question bank the attempt was drawn from'),
		record: z
			.enum(['kept', 'legacy'])
			.describe('kept: read from the record written at grading; legacy: graded before records, score only'),
		answersWithheld: z
			.boolean()
			.describe('a failed attempt of a quiz that does not reveal answers: no feedback, only clauses to re-read'),
		feedback: z.array(
			z.object({
				id: z.string(),
				correct: z.boolean(),
				chosen: z.union([z.array(z.string()), z.boolean()]).nullable(),
				rightAnswer: z.union([z.array(z.string()), z.boolean()]).optional(),
				explanation: z.string(),
				cites: z.array(z.string()),
				citations: z.array(citation),
			}),
		),
		reread: z.array(citation).describe('clauses of the missed questions, when answers are withheld'),
	}),
]);

export const quizStatusSchema = z.object({
	quiz: z.string(),
	openAttempt: z.string().optional(),
	lastGraded: z.object({ id: z.string(), gradedAt: z.string(), passed: z.boolean() }).optional(),
	lastPass: z.object({ id: z.string(), gradedAt: z.string() }).optional(),
	cooldownUntil: z.string().optional(),
	attemptsToday: z.number(),
	maxAttemptsPerDay: z.number(),
	retryAt: z.string().optional(),
	retryReason: z.enum(['cooldown', 'daily-limit']).optional(),
	retryAtText: z.string().optional().describe('retryAt in the company time zone and UI language'),
});

export const retryLaterSchema = z.object({
	error: z.string(),
	reason: z.enum(['cooldown', 'daily-limit']),
	retryAt: z.string(),
});

export const trackingStatuses = ['current', 'outdated', 'expired', 'none', 'overdue'] as const;
export type TrackingStatus = (typeof trackingStatuses)[number];

/** Filters of /api/v1/certifications (and its CSV). */
export const trackingQuerySchema = z
	.object({
		policy: z.string().optional(),
		user: z.string().optional(),
		department: z.string().optional(),
		status: z.enum(trackingStatuses, { error: `expected one of ${trackingStatuses.join(', ')}` }).optional(),
		asOf: calendarDate.optional(),
	})
	.strict();

export const acknowledgeBody = z.object({
	policy: z.string().min(1, 'required'),
	version: z
		.string()
		.regex(/^\d+\.\d+$/, 'expected a version such as 1.2')
		.optional(),
	/** The signer's password, re-entered, when the policy requires a signature (proxy mode: the signing password). */
	password: z.string().min(1, 'required').max(1024).optional(),
});

export const readingReceiptBody = z
	.object({
		policy: z.string().min(1, 'required'),
		version: z.string().regex(/^\d+\.\d+$/, 'expected a version such as 1.2'),
		chapter: z.string().regex(/^ch-[0-9a-z-]+$/, 'expected a chapter id such as ch-1'),
	})
	.strict();

export const exemptionBody = z
	.object({
		user: z.string().trim().min(1, 'required'),
		policy: z.string().trim().min(1, 'required'),
		reason: z.string().trim().min(1, 'required'),
		from: calendarDate,
		until: calendarDate.optional(),
	})
	.refine((b) => !b.until || b.until >= b.from, { path: ['until'], message: 'must not be before from' });

const outdating = z
	.object({
		version: z.string(),
		effective: z.string(),
		clauses: z.array(z.object({ id: z.string(), label: z.string() }).or(z.string())),
	})
	.nullable();

/** One owed policy for one person: what /api/v1/me/training lists. */
export const trainingRowSchema = z.object({
	policy: z.string(),
	title: z.string(),
	versionInForce: z.string().nullable(),
	quiz: z.string().nullable(),
	certification: z.object({
		state: z.enum(['current', 'outdated', 'expired', 'none']),
		passedOn: z.string().nullable(),
		passedVersion: z.string().nullable(),
		score: z.number().nullable(),
		attempt: z.string().nullable(),
		validUntil: z.string().nullable(),
		due: z.string().nullable(),
		overdue: z.boolean(),
		outdatedBy: outdating,
	}),
	acknowledgement: z.object({
		state: z.enum(['current', 'outdated', 'none']),
		acknowledgedOn: z.string().nullable(),
		acknowledgedVersion: z.string().nullable(),
		due: z.string().nullable(),
		overdue: z.boolean(),
		outdatedBy: outdating,
	}),
});

export const certificationRowSchema = trainingRowSchema.extend({
	person: z.object({
		id: z.string(),
		employeeId: z.string(),
		name: z.string(),
		email: z.string(),
		department: z.string(),
		role: z.enum(['staff', 'hr']),
	}),
});

/** GET /api/v1/search: the parameters (unknown ones refused). */
export const searchParams = z.strictObject({
	q: z.string().min(1, 'required').max(200, 'at most 200 characters'),
	policy: z.string().optional(),
	state: z
		.enum(['in-force', 'superseded', 'scheduled', 'all'])
		.default('in-force')
		.describe('which versions: in force (default), superseded, scheduled, or all three'),
	limit: z.coerce.number().int().min(1).max(100).default(20),
	offset: z.coerce.number().int().min(0).default(0),
});

const excerptPart = z.object({ text: z.string(), match: z.boolean() });

export const searchHitSchema = z.object({
	url: z.string().describe('the chapter page with the clause anchor'),
	clauseId: z.string(),
	number: z.string().nullable(),
	policy: z.string(),
	policyTitle: z.string(),
	version: z.string(),
	state: z.enum(['in-force', 'scheduled', 'superseded', 'draft', 'in-review']),
	chapter: z.object({ id: z.string(), number: z.string().nullable(), title: z.string() }),
	section: z.object({ id: z.string(), number: z.string().nullable(), title: z.string() }).nullable(),
	score: z.number(),
	exactPhrase: z.boolean(),
	snippet: z.array(excerptPart),
	text: z.string(),
});

export const searchResponse = z.object({
	query: z.string(),
	asOf: calendarDate.describe('the date version states were resolved for'),
	total: z.number().int().describe('clauses matching (all pages)'),
	offset: z.number().int(),
	limit: z.number().int(),
	byPolicy: z.record(z.string(), z.number().int()).describe('matching clauses per policy, before the policy filter'),
	results: z.array(searchHitSchema),
	suggestions: z.array(z.string()).describe('when nothing matched: queries with fewer terms that find something'),
});

/** GET /api/v1/search/records?ids=…: the Pagefind records of a page of browser search results, in one request. */
export const searchRecordsParams = z
	.object({
		ids: z.string().regex(/^[\w-]{1,64}(,[\w-]{1,64}){0,49}$/, {
			error: 'expected up to 50 Pagefind record ids separated by commas',
		}),
	})
	.strict();

/** What a result shows of a record: its page (with the clause anchor), its meta and its filters (policy@version). */
export const searchRecord = z.object({
	url: z.string(),
	meta: z.record(z.string(), z.string()),
	filters: z.record(z.string(), z.array(z.string())),
});

export const searchRecordsResponse = z.object({
	records: z.record(z.string(), searchRecord.nullable()).describe('by id; null: no such record in the served build'),
});

/** GET /api/v1/search/states: each version's state today, keyed policy@version (what the browser search filters by). */
export const searchStatesResponse = z.object({
	asOf: calendarDate,
	states: z.record(z.string(), z.enum(['in-force', 'scheduled', 'superseded', 'draft', 'in-review'])),
});

// ---------------------------------------------------------------------------
// Drafts (issue 17): the clause editor's changes over JSON

export { draftEditSchema } from '../cms/edits.ts';
import { draftEditSchema as editSchema } from '../cms/edits.ts';

export const draftEditBody = z
	.object({
		/** The draft revision the change was made on (from GET /api/v1/drafts/{policy}/{version}). */
		revision: z.string().min(1),
		/** The last commit the editor saw: a conflict lists the commits after it. */
		since: z.string().optional(),
		edit: editSchema,
	})
	.strict();

const commitSchema = z.object({
	id: z.string(),
	author: z.string(),
	email: z.string(),
	date: z.string(),
	message: z.string(),
});

export const draftEditResponse = z.object({
	revision: z.string(),
	since: z.string().nullable(),
	action: z.string(),
	/** Ids of the clauses, sections or chapters the change concerns (new ones included). */
	ids: z.array(z.string()),
});

export const draftConflict = z.object({
	error: z.string(),
	revision: z.string(),
	commits: z.array(commitSchema),
	clauses: z.array(z.object({ id: z.string(), label: z.string(), text: z.string() })),
});

export const draftDocument = z.object({
	policy: z.string(),
	version: z.string(),
	status: z.string(),
	revision: z.string(),
	since: z.string().nullable(),
	history: z.array(commitSchema),
});
// Notifications (issue 16).
export { newEndpointSchema as createWebhookBody } from '../notify/webhooks.ts';
export const webhookEndpointSchema = z.object({
	id: z.string(),
	url: z.string(),
	events: z.array(webhookEventType),
	createdAt: z.string(),
	disabledAt: z.string().nullable(),
});
export const createdWebhookSchema = webhookEndpointSchema.extend({
	secret: z.string().describe('the Standard Webhooks signing secret (whsec_…); shown once'),
});
export const outboxStatus = z.enum(['pending', 'delivered', 'failed']);
export const outboxEntrySchema = z.object({
	id: z.string(),
	channel: z.enum(['email', 'webhook', 'xapi']),
	event: z.string(),
	recipient: z.string(),
	status: outboxStatus,
	attempts: z.number(),
	nextAttemptAt: z.string(),
	lastError: z.string().nullable(),
	createdAt: z.string(),
	deliveredAt: z.string().nullable(),
	endpointId: z.string().nullable(),
});
export const outboxListSchema = z.object({
	counts: z.object({ pending: z.number(), delivered: z.number(), failed: z.number() }),
	entries: z.array(outboxEntrySchema),
});
export const outboxQuery = z.object({ status: outboxStatus.optional() });
