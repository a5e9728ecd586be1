/**
 * The tables, as Kysely sees them. One schema for SQLite and PostgreSQL:
 * ids are UUID text, timestamps ISO-8601 UTC text (sortable), calendar dates
 * YYYY-MM-DD text, flags 0/1 integers, details JSON text.
 */
import type { Generated } from 'kysely';

export type Role = 'staff' | 'hr';

export interface PeopleTable {
	id: string;
	employee_id: string;
	name: string;
	/** Lower-cased; the sign-in name. */
	email: string;
	hire_date: string | null;
	password_hash: string | null;
	/** The calendar day the person left; null while active. */
	disabled_on: string | null;
	created_at: string;
	/** Proxy mode (0008): the scrypt hash of the password the person signs with; null until set. */
	signing_password_hash?: string | null;
	/** The manager's employee id, from the roster's optional manager column (0009). */
	manager_employee_id?: string | null;
}

/** Department and role as history: a change appends a row, the latest effective one applies. */
export interface PersonHistoryTable {
	id: string;
	person_id: string;
	department: string;
	role: Role;
	/** Calendar date from which this applies. */
	effective_from: string;
	recorded_at: string;
	recorded_by: string | null;
}

/** Corrections of a person's name or email (a typo, a new surname): what it was, what it became, who and when. */
export interface PersonIdentityHistoryTable {
	id: string;
	person_id: string;
	previous_name: string;
	previous_email: string;
	name: string;
	email: string;
	recorded_at: string;
	recorded_by: string | null;
}

export interface SessionsTable {
	/** sha256 of the session token; the token itself is only in the cookie. */
	id_hash: string;
	person_id: string;
	/** The CSRF token bound to this session. */
	csrf_token: string;
	created_at: string;
	expires_at: string;
	revoked_at: string | null;
}

export interface LoginFailuresTable {
	id: Generated<number>;
	/** `account:<email>` or `address:<ip>`. */
	key: string;
	at: string;
}

export interface ApiTokensTable {
	id: string;
	name: string;
	token_hash: string;
	/** `admin` is read-write plus creating and promoting HR people. */
	scope: 'read' | 'read-write' | 'admin';
	created_by: string;
	created_at: string;
	expires_at: string;
	revoked_at: string | null;
}

export interface SetupTokensTable {
	token_hash: string;
	created_at: string;
	used_at: string | null;
}

export interface AuditLogTable {
	id: string;
	at: string;
	/** The person who acted, if a person did (also inside `actor`). */
	actor_id: string | null;
	/** JSON Actor: person, API token (id, name, creator), CLI (OS user, named person) or anonymous. Null only on entries older than 0005. */
	actor: string | null;
	event: string;
	subject: string | null;
	address: string | null;
	/** JSON. */
	detail: string;
}

/** One attempt at a quiz: the drawn questions (ids and option order) and when it started. Append-only. */
export interface AttemptsTable {
	id: string;
	person_id: string;
	quiz_id: string;
	policy_id: string;
	/** The version in force when the attempt started: what a pass certifies. */
	policy_version: string;
	seed: number;
	/** JSON DrawnQuestion[]. */
	questions: string;
	started_at: string;
	deadline_at: string | null;
	/** JSON AttemptSnapshot: the questions as shown with their key (0004; null before). */
	snapshot: string | null;
}

/** A person's open attempt at a quiz: the primary key allows one. Removed when the attempt is graded. */
export interface OpenAttemptsTable {
	person_id: string;
	quiz_id: string;
	attempt_id: string;
}

/** The grade of an attempt; one row at most per attempt (primary key), never changed. */
export interface AttemptGradesTable {
	attempt_id: string;
	graded_at: string;
	/** JSON Answers as submitted. */
	answers: string;
	correct: number;
	total: number;
	score: number;
	passed: number;
	/** 1 when closed after the time limit: graded on the answers saved in time (before 0006: on none). */
	late: number;
	/** JSON GradedRecord: the permanent record of the attempt (0004; null before). */
	record: string | null;
}

/** A draft answer and review flag of an open attempt (0006), upserted as the person goes; not a record. */
export interface AttemptProgressTable {
	attempt_id: string;
	question_id: string;
	/** JSON Answer, or null when cleared. */
	answer: string | null;
	flagged: number;
	saved_at: string;
}

/** The verification code of a passed attempt's certificate (0006): 160 random bits. Append-only. */
export interface CertificateCodesTable {
	code: string;
	attempt_id: string;
	created_at: string;
}

/** A read-and-understood acknowledgement of a policy version. Append-only. */
export interface AcknowledgementsTable {
	id: string;
	person_id: string;
	policy_id: string;
	policy_version: string;
	text_hash: string;
	acknowledged_at: string;
	/** The attestation as shown (0008); null on acknowledgements from before. */
	statement: string | null;
}

/** The person reached the end of a chapter of a version (0008). The first receipt is kept; append-only. */
export interface ReadingReceiptsTable {
	person_id: string;
	policy_id: string;
	policy_version: string;
	chapter_id: string;
	read_at: string;
}

/** An electronic signature (0008, src/lib/signature/): append-only. */
export interface SignaturesTable {
	id: string;
	person_id: string;
	/** What was signed: e.g. `acknowledgement` (its id), `policy-version` (`<policy>@<version>`). */
	subject_kind: string;
	subject_id: string;
	/** sha256 of the text signed. */
	text_hash: string;
	/** The signer's name as printed when signing. */
	printed_name: string;
	/** What the signature means, as shown to the signer (e.g. 閱讀確認, 核准). */
	meaning: string;
	signed_at: string;
	/** The company time zone the date and time are shown in. */
	time_zone: string;
	/** `account-password` or `signing-password`. */
	method: string;
}

/** HR exempts a person from a policy for a period. Append-only: ending one is a new row with an end date. */
export interface ExemptionsTable {
	id: string;
	person_id: string;
	policy_id: string;
	reason: string;
	from_date: string;
	until_date: string | null;
	recorded_by: string | null;
	recorded_at: string;
}

/** Sign-in attempt counters, one row per key, counted and checked in one statement (see sessions.ts). */
export interface LoginLimitsTable {
	/** `account:<email>|address:<ip>` or `address:<ip>`. */
	key: string;
	window_start: string;
	count: number;
}

/** One row per acknowledged text: the primary key is what makes a second, concurrent acknowledgement impossible. */
export interface AcknowledgementKeysTable {
	person_id: string;
	policy_id: string;
	policy_version: string;
	text_hash: string;
	acknowledgement_id: string;
}

/** A reviewer's comment on a clause of a version in review (0010). Append-only: a record of what was asked. */
export interface ClauseCommentsTable {
	id: string;
	policy_id: string;
	policy_version: string;
	/** Null for a comment on the whole version (e.g. the request for changes itself). */
	clause_id: string | null;
	person_id: string;
	/** The name as shown when written. */
	person_name: string;
	body: string;
	/** The version's text hash when the comment was written: what the reviewer saw. */
	text_hash: string;
	created_at: string;
}

/**
 * The workflow's events (0010): submitted for review, changes requested, approved, signed, published. A
 * record, not a delivery queue: their emails go through `outbox` (src/lib/cms/review.ts).
 */
export interface WorkflowEventsTable {
	id: string;
	kind: string;
	policy_id: string;
	policy_version: string;
	/** JSON Actor. */
	actor: string;
	/** JSON list of emails or roles (policy.yaml reviewers / approvers). */
	recipients: string;
	/** JSON details (text hash, comments count, commit id …). */
	detail: string;
	created_at: string;
	/** Left from 0010 (when this table was to be the outbox): never set, always null. */
	delivered_at: string | null;
}

export type OutboxChannel = 'email' | 'webhook' | 'xapi';
export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** One message to deliver (0009): written with the record that caused it, claimed and marked by the worker. */
export interface OutboxTable {
	id: string;
	channel: OutboxChannel;
	/** The event type, e.g. attempt.graded, reminder.overdue. */
	event: string;
	/** The calendar event's unique key, when it came from the daily job. */
	event_key: string | null;
	endpoint_id: string | null;
	/** The email address, webhook URL or LRS statement URL. */
	recipient: string;
	/** JSON: the rendered email, the webhook body, or the xAPI statement; never changed after writing. */
	payload: string;
	status: OutboxStatus;
	attempts: number;
	/** ISO instant (wall clock) from which the next try may start. */
	next_attempt_at: string;
	/** While a worker holds the row: until when (ISO, wall clock); a crashed worker's rows come back after it. */
	locked_until: string | null;
	/** The claiming worker's random token: only it may mark the row. */
	claim: string | null;
	last_error: string | null;
	created_at: string;
	delivered_at: string | null;
}

export interface OutboxAttemptsTable {
	id: string;
	outbox_id: string;
	at: string;
	ok: number;
	/** What the receiver said (status line, SMTP response or error). */
	detail: string;
}

export interface NotificationEventsTable {
	/** kind|policy|version|person|day */
	key: string;
	created_at: string;
}

export interface CalendarRunsTable {
	day: string;
	ran_at: string;
	events: number;
}

export interface WebhookEndpointsTable {
	id: string;
	url: string;
	/** The Standard Webhooks secret (whsec_…), needed in clear to sign. */
	secret: string;
	/** JSON array of event types. */
	events: string;
	created_at: string;
	created_by: string | null;
	disabled_at: string | null;
}

export interface NotificationSettingsTable {
	person_id: string;
	reminders_off: number;
	updated_at: string;
}

export interface AccountLinksTable {
	token_hash: string;
	person_id: string;
	purpose: 'invitation' | 'password-reset';
	created_at: string;
	expires_at: string;
	used_at: string | null;
}

/** A roster file previewed and not yet imported (0011): what a confirm reads back by its token. */
export interface RosterUploadsTable {
	token_hash: string;
	person_id: string;
	file_name: string;
	bytes: Uint8Array;
	created_at: string;
	expires_at: string;
}

export interface Database {
	roster_uploads: RosterUploadsTable;
	outbox: OutboxTable;
	outbox_attempts: OutboxAttemptsTable;
	notification_events: NotificationEventsTable;
	calendar_runs: CalendarRunsTable;
	webhook_endpoints: WebhookEndpointsTable;
	notification_settings: NotificationSettingsTable;
	account_links: AccountLinksTable;
	clause_comments: ClauseCommentsTable;
	workflow_events: WorkflowEventsTable;
	login_limits: LoginLimitsTable;
	acknowledgement_keys: AcknowledgementKeysTable;
	acknowledgements: AcknowledgementsTable;
	exemptions: ExemptionsTable;
	attempts: AttemptsTable;
	attempt_grades: AttemptGradesTable;
	open_attempts: OpenAttemptsTable;
	attempt_progress: AttemptProgressTable;
	certificate_codes: CertificateCodesTable;
	reading_receipts: ReadingReceiptsTable;
	signatures: SignaturesTable;
	people: PeopleTable;
	person_history: PersonHistoryTable;
	person_identity_history: PersonIdentityHistoryTable;
	sessions: SessionsTable;
	login_failures: LoginFailuresTable;
	api_tokens: ApiTokensTable;
	setup_tokens: SetupTokensTable;
	audit_log: AuditLogTable;
}
