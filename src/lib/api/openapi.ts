/**
 * The OpenAPI 3.1 document (/api/v1/openapi.json): the build-time JSON files
 * and the server routes, with every schema generated from the zod schemas
 * the documents are built with and the routes validate with.
 */
import { z } from 'zod';
import { clauseSchema, documentSchemas } from './documents.ts';
import * as routes from './route-schemas.ts';

type Schema = z.ZodType;

interface Operation {
	method: 'get' | 'post' | 'put' | 'patch' | 'delete';
	path: string;
	summary: string;
	/** Who may call it. */
	access: 'anyone' | 'reader' | 'signed-in' | 'hr';
	body?: string;
	bodyType?: string;
	query?: { name: string; description: string; required?: boolean }[];
	pathParams?: string[];
	responses: Record<number, { description: string; schema?: string; type?: string }>;
}

/** Named schemas: the components every operation refers to. */
const components: Record<string, Schema> = {
	DraftEditBody: routes.draftEditBody,
	DraftEditResult: routes.draftEditResponse,
	DraftConflict: routes.draftConflict,
	DraftDocument: routes.draftDocument,
	Clause: clauseSchema,
	PoliciesDocument: documentSchemas.policies,
	PolicyDocument: documentSchemas.policy,
	VersionDocument: documentSchemas.version,
	ChangesDocument: documentSchemas.changes,
	QuizzesDocument: documentSchemas.quizzes,
	TrainingDocument: documentSchemas.training,
	Error: routes.errorSchema,
	Health: routes.healthSchema,
	LoginBody: routes.loginBody,
	LoginResponse: routes.loginResponse,
	Me: routes.meResponse,
	Person: routes.personSchema,
	AddPersonBody: routes.addPersonBody,
	ChangePersonBody: routes.changePersonBody,
	CreateTokenBody: routes.createTokenBody,
	TokenInfo: routes.tokenInfoSchema,
	StartAttemptBody: routes.startAttemptBody,
	SubmitAttemptBody: routes.submitAttemptBody,
	SaveAnswerBody: routes.saveAnswerBody,
	SavedAnswer: routes.savedAnswerSchema,
	Attempt: routes.attemptSchema,
	QuizStatus: routes.quizStatusSchema,
	RetryLater: routes.retryLaterSchema,
	PeopleList: z.object({ people: z.array(routes.personSchema) }),
	TokenList: z.object({ tokens: z.array(routes.tokenInfoSchema) }),
	CreatedToken: routes.tokenInfoSchema.extend({ token: z.string().describe('shown once; only its hash is kept') }),
	AttemptEnvelope: z.object({ attempt: routes.attemptSchema, resumed: z.boolean().optional() }),
	AlreadyGraded: z.object({ error: z.string(), attempt: routes.attemptSchema }),
	ImportResult: z.object({
		added: z.number(),
		unchanged: z.number(),
		differs: z.array(z.object({ row: z.number(), email: z.string(), columns: z.array(z.string()) })),
		skipped: z.array(z.string()),
		total: z.number(),
		encoding: z.string().describe('the encoding the file was read in'),
		encodingBy: z.enum(['bom', 'detected', 'chosen']),
	}),
	RosterPreview: routes.rosterPreviewSchema,
	Ok: z.object({}).catchall(z.unknown()),
	AcknowledgeBody: routes.acknowledgeBody,
	ReadingReceiptBody: routes.readingReceiptBody,
	ExemptionBody: routes.exemptionBody,
	CertificationRow: routes.certificationRowSchema,
	TrainingRow: routes.trainingRowSchema,
	SearchResponse: routes.searchResponse,
	SearchStates: routes.searchStatesResponse,
	SearchRecords: routes.searchRecordsResponse,
	CreateWebhookBody: routes.createWebhookBody,
	WebhookEndpoint: routes.webhookEndpointSchema,
	CreatedWebhook: routes.createdWebhookSchema,
	WebhookList: z.object({ endpoints: z.array(routes.webhookEndpointSchema) }),
	OutboxList: routes.outboxListSchema,
};

const errors = {
	400: { description: 'invalid request: the reason and field errors', schema: 'Error' },
	401: { description: 'not signed in, or a bad token', schema: 'Error' },
	403: { description: 'not allowed (HR only, read-only token, CSRF)', schema: 'Error' },
};

const staticJson = (path: string, summary: string, schema: string, pathParams: string[] = []): Operation => ({
	method: 'get',
	path,
	summary,
	access: 'reader',
	pathParams,
	responses: { 200: { description: 'the document', schema }, 401: errors[401] },
});

export const operations: Operation[] = [
	staticJson('/api/v1/policies.json', 'Every policy and its version in force', 'PoliciesDocument'),
	staticJson(
		'/api/v1/policies/{policy}.json',
		'A policy with its versions, states, dates and changes',
		'PolicyDocument',
		['policy'],
	),
	staticJson('/api/v1/policies/{policy}/current.json', 'The version in force (stable alias)', 'VersionDocument', [
		'policy',
	]),
	staticJson(
		'/api/v1/policies/{policy}/versions/{version}.json',
		'A version: chapters, sections, clauses',
		'VersionDocument',
		['policy', 'version'],
	),
	staticJson(
		'/api/v1/policies/{policy}/changes/{range}.json',
		'Changes between consecutive versions; range is from...to, e.g. 1.0...1.1',
		'ChangesDocument',
		['policy', 'range'],
	),
	staticJson('/api/v1/quizzes.json', 'Quiz metadata (never questions or answers)', 'QuizzesDocument'),
	staticJson('/api/v1/training.json', 'Training paths', 'TrainingDocument'),
	{
		method: 'get',
		path: '/api/v1/search',
		summary: 'Clauses holding every term of the query, ranked, a page at a time (versions in force by default)',
		access: 'reader',
		query: [
			{ name: 'q', description: 'the query (Traditional or Simplified; "quoted phrases" exact)', required: true },
			{ name: 'policy', description: 'only this policy id' },
			{ name: 'state', description: 'in-force (default) | superseded | scheduled | all' },
			{ name: 'limit', description: 'results per page, 1–100 (default 20)' },
			{ name: 'offset', description: 'results to skip (default 0)' },
		],
		responses: {
			200: { description: 'the results', schema: 'SearchResponse' },
			400: errors[400],
			401: errors[401],
		},
	},
	{
		method: 'get',
		path: '/api/v1/search/states',
		summary: 'Each version’s state today (policy@version), for filtering search results',
		access: 'reader',
		responses: { 200: { description: 'the states', schema: 'SearchStates' }, 401: errors[401] },
	},
	{
		method: 'get',
		path: '/api/v1/search/records',
		summary: 'The records of a page of browser search results (Pagefind ids), in one request instead of a file each',
		access: 'reader',
		query: [{ name: 'ids', description: 'up to 50 Pagefind record ids, comma-separated', required: true }],
		responses: {
			200: { description: 'the records', schema: 'SearchRecords' },
			400: errors[400],
			401: errors[401],
		},
	},
	{
		method: 'get',
		path: '/api/health',
		summary: 'Version and database health',
		access: 'anyone',
		responses: {
			200: { description: 'healthy', schema: 'Health' },
			503: { description: 'the database does not answer', schema: 'Health' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/auth/login',
		summary: 'Sign in (sets the session cookie)',
		access: 'anyone',
		body: 'LoginBody',
		responses: {
			200: { description: 'signed in', schema: 'LoginResponse' },
			400: errors[400],
			401: errors[401],
			429: { description: 'too many failed sign-ins', schema: 'Error' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/auth/logout',
		summary: 'Sign out',
		access: 'signed-in',
		responses: { 200: { description: 'signed out', schema: 'Ok' } },
	},
	{
		method: 'get',
		path: '/api/v1/me',
		summary: 'Who is signed in, and the CSRF token',
		access: 'signed-in',
		responses: { 200: { description: 'the person or token', schema: 'Me' }, 401: errors[401] },
	},
	{
		method: 'get',
		path: '/api/v1/people',
		summary: 'The roster',
		access: 'hr',
		responses: { 200: { description: 'people', schema: 'PeopleList' }, 401: errors[401], 403: errors[403] },
	},
	{
		method: 'post',
		path: '/api/v1/people',
		summary: 'Add a person',
		access: 'hr',
		body: 'AddPersonBody',
		responses: { 201: { description: 'added', schema: 'Ok' }, 400: errors[400], 403: errors[403] },
	},
	{
		method: 'post',
		path: '/api/v1/people/import',
		summary:
			'Import a roster CSV (employee_id,name,email,department,role,hire_date, or the roster export headers): all rows or none',
		access: 'hr',
		bodyType: 'text/csv',
		query: [
			{ name: 'encoding', description: 'utf-8, utf-16le, utf-16be, big5 or gbk; detected when absent (a BOM decides)' },
			{ name: 'preview', description: '1: import nothing; answer with the encoding used and the first rows' },
		],
		responses: {
			200: { description: 'imported (or, with preview=1, a RosterPreview)', schema: 'ImportResult' },
			400: errors[400],
			403: errors[403],
		},
	},
	{
		method: 'patch',
		path: '/api/v1/people/{id}',
		summary: 'Change department or role (history kept) or disable',
		access: 'hr',
		pathParams: ['id'],
		body: 'ChangePersonBody',
		responses: {
			200: { description: 'changed', schema: 'Ok' },
			400: errors[400],
			403: errors[403],
			404: { description: 'no such person', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/webhooks',
		summary: 'Webhook endpoints (never their secrets)',
		access: 'hr',
		responses: { 200: { description: 'endpoints', schema: 'WebhookList' }, 403: errors[403] },
	},
	{
		method: 'post',
		path: '/api/v1/webhooks',
		summary: 'Register a webhook endpoint (URL, event types); the signing secret is shown once',
		access: 'hr',
		body: 'CreateWebhookBody',
		responses: { 201: { description: 'created', schema: 'CreatedWebhook' }, 400: errors[400], 403: errors[403] },
	},
	{
		method: 'delete',
		path: '/api/v1/webhooks/{id}',
		summary: 'Disable a webhook endpoint',
		access: 'hr',
		pathParams: ['id'],
		responses: {
			200: { description: 'disabled', schema: 'Ok' },
			403: errors[403],
			404: { description: 'no enabled endpoint', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/webhooks/{id}/deliveries',
		summary: 'The delivery log of one endpoint',
		access: 'hr',
		pathParams: ['id'],
		responses: {
			200: { description: 'deliveries', schema: 'OutboxList' },
			403: errors[403],
			404: { description: 'no such endpoint', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/outbox',
		summary: 'The outbox: emails, webhook deliveries and xAPI statements with their state',
		access: 'hr',
		query: [{ name: 'status', description: 'pending, delivered or failed' }],
		responses: {
			200: { description: 'messages, newest first (200 at most)', schema: 'OutboxList' },
			400: errors[400],
			403: errors[403],
		},
	},
	{
		method: 'post',
		path: '/api/v1/outbox/{id}/retry',
		summary: 'Send a failed message again',
		access: 'hr',
		pathParams: ['id'],
		responses: {
			200: { description: 'queued', schema: 'Ok' },
			403: errors[403],
			404: { description: 'no failed message with this id', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/tokens',
		summary: 'API tokens (never their secrets)',
		access: 'hr',
		responses: { 200: { description: 'tokens', schema: 'TokenList' }, 403: errors[403] },
	},
	{
		method: 'post',
		path: '/api/v1/tokens',
		summary: 'Create an API token (shown once)',
		access: 'hr',
		body: 'CreateTokenBody',
		responses: { 201: { description: 'created', schema: 'CreatedToken' }, 400: errors[400], 403: errors[403] },
	},
	{
		method: 'delete',
		path: '/api/v1/tokens/{id}',
		summary: 'Revoke an API token',
		access: 'hr',
		pathParams: ['id'],
		responses: {
			200: { description: 'revoked', schema: 'Ok' },
			403: errors[403],
			404: { description: 'no live token', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/drafts/{policy}/{version}',
		summary: 'A version being edited: its revision (for saves), last commit and git history',
		access: 'hr',
		pathParams: ['policy', 'version'],
		responses: {
			200: { description: 'the draft', schema: 'DraftDocument' },
			404: { description: 'no such policy or version', schema: 'Error' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/drafts/{policy}/{version}/edits',
		summary: 'One change of the clause editor, committed in the content repository with the person as author',
		access: 'hr',
		pathParams: ['policy', 'version'],
		body: 'DraftEditBody',
		responses: {
			200: { description: 'saved and committed', schema: 'DraftEditResult' },
			400: errors[400],
			404: { description: 'no such policy or version', schema: 'Error' },
			409: {
				description: 'the draft changed since `revision` (what changed, who), or it is not a draft',
				schema: 'DraftConflict',
			},
		},
	},
	{
		method: 'post',
		path: '/api/v1/attempts',
		summary: 'Start (or resume) a quiz attempt',
		access: 'signed-in',
		body: 'StartAttemptBody',
		responses: {
			200: { description: 'resumed', schema: 'AttemptEnvelope' },
			201: { description: 'started', schema: 'AttemptEnvelope' },
			400: errors[400],
			404: { description: 'no such quiz', schema: 'Error' },
			429: { description: 'cool-down after a fail, or the attempts of the day used up', schema: 'RetryLater' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/attempts/{id}',
		summary: 'An attempt (its owner or HR)',
		access: 'signed-in',
		pathParams: ['id'],
		responses: {
			200: { description: 'the attempt', schema: 'AttemptEnvelope' },
			404: { description: 'no such attempt of yours', schema: 'Error' },
		},
	},
	{
		method: 'put',
		path: '/api/v1/attempts/{id}/answers/{question}',
		summary:
			'Save one answer and its review flag as the person goes (resumed after a reload; graded when the time is up)',
		access: 'signed-in',
		pathParams: ['id', 'question'],
		body: 'SaveAnswerBody',
		responses: {
			200: { description: 'saved', schema: 'SavedAnswer' },
			400: errors[400],
			404: { description: 'no such attempt of yours, or no such question in it', schema: 'Error' },
			409: { description: 'graded already, or the time is up (graded on what was saved)', schema: 'AlreadyGraded' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/attempts/{id}/submit',
		summary: 'Submit answers: graded exactly once',
		access: 'signed-in',
		pathParams: ['id'],
		body: 'SubmitAttemptBody',
		responses: {
			200: { description: 'graded', schema: 'AttemptEnvelope' },
			400: errors[400],
			404: { description: 'no such attempt of yours', schema: 'Error' },
			409: { description: 'already graded', schema: 'AlreadyGraded' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/quizzes/{id}/status',
		summary: 'The signed-in person’s state for a quiz',
		access: 'signed-in',
		pathParams: ['id'],
		responses: {
			200: { description: 'status', schema: 'QuizStatus' },
			404: { description: 'no such quiz', schema: 'Error' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/acknowledgements',
		summary:
			'Attest having read and understood a version (default: in force) once every chapter has a reading receipt; signed when the policy asks; records the text hash and the statement',
		access: 'signed-in',
		body: 'AcknowledgeBody',
		responses: {
			200: { description: 'already acknowledged (the existing record)', schema: 'Ok' },
			201: { description: 'recorded', schema: 'Ok' },
			400: errors[400],
			403: { description: 'the password (signature) is wrong', schema: 'Error' },
			404: { description: 'no such policy', schema: 'Error' },
			409: {
				description: 'not the version in force, a chapter without a reading receipt, or no signing password set',
				schema: 'Error',
			},
			429: { description: 'too many failed signing tries', schema: 'Error' },
		},
	},
	{
		method: 'post',
		path: '/api/v1/reading-receipts',
		summary: 'The signed-in person reached the end of a chapter of a version (the first receipt is kept)',
		access: 'signed-in',
		body: 'ReadingReceiptBody',
		responses: {
			200: { description: 'already recorded (the first receipt)', schema: 'Ok' },
			201: { description: 'recorded', schema: 'Ok' },
			400: errors[400],
			401: errors[401],
			404: { description: 'no such policy, version or chapter', schema: 'Error' },
		},
	},
	{
		method: 'get',
		path: '/api/v1/reading-receipts',
		summary: 'The signed-in person’s reading receipts; with policy (and version), each chapter read or not',
		access: 'signed-in',
		query: [
			{ name: 'policy', description: 'only this policy' },
			{ name: 'version', description: 'this version (default: in force)' },
		],
		responses: { 200: { description: 'receipts', schema: 'Ok' }, 400: errors[400], 401: errors[401] },
	},
	{
		method: 'get',
		path: '/api/v1/acknowledgements',
		summary: 'The signed-in person’s acknowledgements',
		access: 'signed-in',
		query: [{ name: 'policy', description: 'only this policy (adds its state)' }],
		responses: { 200: { description: 'records', schema: 'Ok' }, 400: errors[400], 401: errors[401] },
	},
	{
		method: 'get',
		path: '/api/v1/me/training',
		summary: 'What the signed-in person must read, acknowledge and pass, with due dates',
		access: 'signed-in',
		responses: { 200: { description: 'owed policies', schema: 'Ok' }, 401: errors[401] },
	},
	{
		method: 'get',
		path: '/api/v1/certifications',
		summary: 'Certification and acknowledgement status per person and policy, as of a date',
		access: 'hr',
		query: [
			{ name: 'policy', description: 'policy id' },
			{ name: 'user', description: 'employee id or email' },
			{ name: 'department', description: 'department' },
			{ name: 'status', description: 'current | outdated | expired | none | overdue' },
			{ name: 'asOf', description: 'YYYY-MM-DD (default today)' },
		],
		responses: { 200: { description: 'rows', schema: 'Ok' }, 400: errors[400], 401: errors[401], 403: errors[403] },
	},
	{
		method: 'get',
		path: '/api/v1/certifications.csv',
		summary: 'The same as CSV (UTF-8 with BOM); audited',
		access: 'hr',
		query: [
			{ name: 'policy', description: 'policy id' },
			{ name: 'department', description: 'department' },
			{ name: 'status', description: 'status' },
			{ name: 'asOf', description: 'YYYY-MM-DD' },
		],
		responses: { 200: { description: 'CSV', type: 'text/csv' }, 400: errors[400], 403: errors[403] },
	},
	{
		method: 'get',
		path: '/api/v1/roster.csv',
		summary: 'The roster as of a date, as CSV, every column the import reads (re-imports unchanged); audited',
		access: 'hr',
		query: [
			{ name: 'asOf', description: 'YYYY-MM-DD' },
			{ name: 'headers', description: 'zh (default) | en: the language of the header row' },
		],
		responses: { 200: { description: 'CSV', type: 'text/csv' }, 400: errors[400], 403: errors[403] },
	},
	{
		method: 'post',
		path: '/api/v1/exemptions',
		summary: 'Exempt a person from a policy for a period',
		access: 'hr',
		body: 'ExemptionBody',
		responses: {
			201: { description: 'recorded', schema: 'Ok' },
			400: errors[400],
			403: errors[403],
			404: { description: 'no such person or policy', schema: 'Error' },
		},
	},
];

export type { Operation };

function componentSchemas(): Record<string, object> {
	const registry = z.registry<{ id: string }>();
	for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
	const { schemas } = z.toJSONSchema(registry, {
		io: 'output',
		target: 'draft-2020-12',
		uri: (id) => `#/components/schemas/${id}`,
	}) as {
		schemas: Record<string, Record<string, unknown>>;
	};
	// Component schemas take their identity from their place in the document.
	return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

function parameters(op: Operation): object[] {
	return [
		...(op.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
		...(op.query ?? []).map((q) => ({
			name: q.name,
			in: 'query',
			required: q.required ?? false,
			description: q.description,
			schema: { type: 'string' },
		})),
	];
}

export function openApiDocument(version: string): object {
	const paths: Record<string, Record<string, object>> = {};
	for (const op of operations) {
		const security = op.access === 'anyone' ? [] : [{ session: [] }, { bearer: [] }];
		paths[op.path] ??= {};
		paths[op.path]![op.method] = {
			summary: op.summary,
			description: `Who: ${op.access}.`,
			security,
			...(parameters(op).length ? { parameters: parameters(op) } : {}),
			...(op.body
				? {
						requestBody: {
							required: true,
							content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } },
						},
					}
				: op.bodyType
					? { requestBody: { required: true, content: { [op.bodyType]: { schema: { type: 'string' } } } } }
					: {}),
			responses: Object.fromEntries(
				Object.entries(op.responses).map(([status, r]) => [
					status,
					{
						description: r.description,
						...(r.schema
							? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.schema}` } } } }
							: r.type
								? { content: { [r.type]: { schema: { type: 'string' } } } }
								: {}),
					},
				]),
			),
		};
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'Zhidu (制度) API',
			version,
			description:
				'Policies, versions, clauses and quizzes as JSON (generated at build time), and the server routes for sign-in, accounts, attempts and tracking. Sign in (session cookie; writes need X-CSRF-Token) or send Authorization: Bearer <token>.',
		},
		jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
		servers: [{ url: '/' }],
		components: {
			securitySchemes: {
				bearer: { type: 'http', scheme: 'bearer', description: 'An API token created by HR' },
				session: { type: 'apiKey', in: 'cookie', name: 'zhidu_session' },
			},
			schemas: componentSchemas(),
		},
		paths,
	};
}
