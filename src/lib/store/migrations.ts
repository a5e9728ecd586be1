/**
 * One migration set for both databases. Records stay records: the audit log
 * and a person's history refuse UPDATE and DELETE at the database level.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { newVerificationCode } from '../quiz/verification-code.ts';

export type Dialect = 'sqlite' | 'postgres';

async function appendOnly(db: Kysely<unknown>, dialect: Dialect, table: string): Promise<void> {
	if (dialect === 'sqlite') {
		for (const op of ['UPDATE', 'DELETE']) {
			await sql
				.raw(
					`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
				)
				.execute(db);
		}
	} else {
		await sql
			.raw(
				`CREATE OR REPLACE FUNCTION zhidu_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`,
			)
			.execute(db);
		await sql
			.raw(
				`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION zhidu_append_only()`,
			)
			.execute(db);
	}
}

export function migrations(dialect: Dialect): Record<string, Migration> {
	const serial = dialect === 'postgres' ? 'serial' : 'integer';
	return {
		'0001-accounts': {
			async up(db: Kysely<unknown>) {
				await db.schema
					.createTable('people')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('employee_id', 'text', (c) => c.notNull().unique())
					.addColumn('name', 'text', (c) => c.notNull())
					.addColumn('email', 'text', (c) => c.notNull().unique())
					.addColumn('hire_date', 'text')
					.addColumn('password_hash', 'text')
					.addColumn('disabled_on', 'text')
					.addColumn('created_at', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('person_history')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('department', 'text', (c) => c.notNull())
					.addColumn('role', 'text', (c) => c.notNull())
					.addColumn('effective_from', 'text', (c) => c.notNull())
					.addColumn('recorded_at', 'text', (c) => c.notNull())
					.addColumn('recorded_by', 'text')
					.execute();
				await db.schema
					.createIndex('person_history_person')
					.on('person_history')
					.columns(['person_id', 'effective_from'])
					.execute();
				await db.schema
					.createTable('sessions')
					.addColumn('id_hash', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('csrf_token', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('expires_at', 'text', (c) => c.notNull())
					.addColumn('revoked_at', 'text')
					.execute();
				await db.schema
					.createTable('login_failures')
					.addColumn('id', serial, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
					.addColumn('key', 'text', (c) => c.notNull())
					.addColumn('at', 'text', (c) => c.notNull())
					.execute();
				await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key', 'at']).execute();
				await db.schema
					.createTable('api_tokens')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('name', 'text', (c) => c.notNull())
					.addColumn('token_hash', 'text', (c) => c.notNull().unique())
					.addColumn('scope', 'text', (c) => c.notNull())
					.addColumn('created_by', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('expires_at', 'text', (c) => c.notNull())
					.addColumn('revoked_at', 'text')
					.execute();
				await db.schema
					.createTable('setup_tokens')
					.addColumn('token_hash', 'text', (c) => c.primaryKey())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('used_at', 'text')
					.execute();
				await db.schema
					.createTable('audit_log')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('at', 'text', (c) => c.notNull())
					.addColumn('actor_id', 'text')
					.addColumn('event', 'text', (c) => c.notNull())
					.addColumn('subject', 'text')
					.addColumn('address', 'text')
					.addColumn('detail', 'text', (c) => c.notNull())
					.execute();
				await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
				await appendOnly(db, dialect, 'audit_log');
				await appendOnly(db, dialect, 'person_history');
			},
		},
		'0002-attempts': {
			async up(db: Kysely<unknown>) {
				await db.schema
					.createTable('attempts')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('quiz_id', 'text', (c) => c.notNull())
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					.addColumn('seed', 'integer', (c) => c.notNull())
					.addColumn('questions', 'text', (c) => c.notNull())
					.addColumn('started_at', 'text', (c) => c.notNull())
					.addColumn('deadline_at', 'text')
					.execute();
				await db.schema
					.createIndex('attempts_person_quiz')
					.on('attempts')
					.columns(['person_id', 'quiz_id', 'started_at'])
					.execute();
				// The primary key on attempt_id is what makes grading happen exactly once, on both databases.
				await db.schema
					.createTable('attempt_grades')
					.addColumn('attempt_id', 'text', (c) => c.primaryKey().references('attempts.id'))
					.addColumn('graded_at', 'text', (c) => c.notNull())
					.addColumn('answers', 'text', (c) => c.notNull())
					.addColumn('correct', 'integer', (c) => c.notNull())
					.addColumn('total', 'integer', (c) => c.notNull())
					.addColumn('score', 'integer', (c) => c.notNull())
					.addColumn('passed', 'integer', (c) => c.notNull())
					.addColumn('late', 'integer', (c) => c.notNull())
					.execute();
				await appendOnly(db, dialect, 'attempts');
				await appendOnly(db, dialect, 'attempt_grades');
			},
		},
		'0003-tracking': {
			async up(db: Kysely<unknown>) {
				await db.schema
					.createTable('acknowledgements')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					/** sha256 of the version's plain text: what exactly was acknowledged. */
					.addColumn('text_hash', 'text', (c) => c.notNull())
					.addColumn('acknowledged_at', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createIndex('acknowledgements_person')
					.on('acknowledgements')
					.columns(['person_id', 'policy_id'])
					.execute();
				await db.schema
					.createTable('exemptions')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('reason', 'text', (c) => c.notNull())
					.addColumn('from_date', 'text', (c) => c.notNull())
					.addColumn('until_date', 'text')
					.addColumn('recorded_by', 'text')
					.addColumn('recorded_at', 'text', (c) => c.notNull())
					.execute();
				await appendOnly(db, dialect, 'acknowledgements');
				await appendOnly(db, dialect, 'exemptions');
			},
		},
		'0004-attempt-records': {
			async up(db: Kysely<unknown>) {
				// The questions as shown (with their key) at start, and the whole record at grading: both written
				// with their row and never changed, so an edited or shrunk bank cannot change what an attempt says.
				// Rows from before stay null and are shown from the grade row alone.
				await db.schema.alterTable('attempts').addColumn('snapshot', 'text').execute();
				await db.schema.alterTable('attempt_grades').addColumn('record', 'text').execute();
				// At most one open attempt per person and quiz: the primary key is the constraint, on both
				// databases. The row goes when the attempt is graded; attempts themselves stay append-only.
				await db.schema
					.createTable('open_attempts')
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('quiz_id', 'text', (c) => c.notNull())
					.addColumn('attempt_id', 'text', (c) => c.notNull().unique().references('attempts.id'))
					.addPrimaryKeyConstraint('open_attempts_pk', ['person_id', 'quiz_id'])
					.execute();
				// Each person's newest ungraded attempt per quiz stays open (older ones were abandoned).
				await sql`
					insert into open_attempts (person_id, quiz_id, attempt_id)
					select a.person_id, a.quiz_id, a.id from attempts a
					where not exists (select 1 from attempt_grades g where g.attempt_id = a.id)
					and not exists (
						select 1 from attempts b
						where b.person_id = a.person_id and b.quiz_id = a.quiz_id
						and (b.started_at > a.started_at or (b.started_at = a.started_at and b.id > a.id))
					)
				`.execute(db);
			},
		},
		'0005-account-guards': {
			async up(db: Kysely<unknown>) {
				// Who acted, as JSON (person, API token with its creator, CLI with the OS user). Adding a column edits no entry.
				await db.schema.alterTable('audit_log').addColumn('actor', 'text').execute();
				// Sign-in limits: one counter row per key, counted and checked in one INSERT … ON CONFLICT … RETURNING.
				await db.schema
					.createTable('login_limits')
					.addColumn('key', 'text', (c) => c.primaryKey())
					.addColumn('window_start', 'text', (c) => c.notNull())
					.addColumn('count', 'integer', (c) => c.notNull())
					.execute();
				// One acknowledgement per person and text. A separate key table rather than a unique index on
				// acknowledgements, because that table is append-only and may already hold racing duplicates:
				// the earliest of each becomes the record; none is deleted.
				await db.schema
					.createTable('acknowledgement_keys')
					.addColumn('person_id', 'text', (c) => c.notNull())
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					.addColumn('text_hash', 'text', (c) => c.notNull())
					.addColumn('acknowledgement_id', 'text', (c) => c.notNull())
					.addPrimaryKeyConstraint('acknowledgement_keys_pk', ['person_id', 'policy_id', 'policy_version', 'text_hash'])
					.execute();
				await sql
					.raw(
						`INSERT INTO acknowledgement_keys (person_id, policy_id, policy_version, text_hash, acknowledgement_id)
						 SELECT a.person_id, a.policy_id, a.policy_version, a.text_hash, a.id FROM acknowledgements a
						 WHERE a.id = (SELECT b.id FROM acknowledgements b WHERE b.person_id = a.person_id AND b.policy_id = a.policy_id
						   AND b.policy_version = a.policy_version AND b.text_hash = a.text_hash ORDER BY b.acknowledged_at, b.id LIMIT 1)`,
					)
					.execute(db);
				await appendOnly(db, dialect, 'acknowledgement_keys');
			},
		},
		'0006-attempt-progress': {
			async up(db: Kysely<unknown>) {
				// Answers and review flags as the person goes, one row per question (upserted): a draft, not a
				// record. An attempt resumes from it after a reload; at the deadline the server grades it. The
				// grade's record keeps what counted; the rows go when the attempt is graded.
				await db.schema
					.createTable('attempt_progress')
					.addColumn('attempt_id', 'text', (c) => c.notNull().references('attempts.id'))
					.addColumn('question_id', 'text', (c) => c.notNull())
					.addColumn('answer', 'text')
					.addColumn('flagged', 'integer', (c) => c.notNull())
					.addColumn('saved_at', 'text', (c) => c.notNull())
					.addPrimaryKeyConstraint('attempt_progress_pk', ['attempt_id', 'question_id'])
					.execute();
				// A certificate's verification code: 160 random bits, written with a passing grade and never
				// changed (the attempt id is no secret: it shows in URLs and HR pages). Passes from before get one.
				await db.schema
					.createTable('certificate_codes')
					.addColumn('code', 'text', (c) => c.primaryKey())
					.addColumn('attempt_id', 'text', (c) => c.notNull().unique().references('attempts.id'))
					.addColumn('created_at', 'text', (c) => c.notNull())
					.execute();
				const passed = await sql<{ attempt_id: string }>`
					select attempt_id from attempt_grades where passed = 1 order by attempt_id
				`.execute(db);
				const at = new Date().toISOString();
				for (const row of passed.rows)
					await sql`insert into certificate_codes (code, attempt_id, created_at) values (${newVerificationCode()}, ${row.attempt_id}, ${at})`.execute(
						db,
					);
				await appendOnly(db, dialect, 'certificate_codes');
			},
		},
		'0008-reading-and-signatures': {
			async up(db: Kysely<unknown>) {
				// Reading receipts: a person reached the end of a chapter of a version. The first receipt per
				// person, chapter and version is the record (primary key); later ones add nothing.
				await db.schema
					.createTable('reading_receipts')
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					.addColumn('chapter_id', 'text', (c) => c.notNull())
					.addColumn('read_at', 'text', (c) => c.notNull())
					.addPrimaryKeyConstraint('reading_receipts_pk', ['person_id', 'policy_id', 'policy_version', 'chapter_id'])
					.execute();
				await appendOnly(db, dialect, 'reading_receipts');
				// Electronic signatures (src/lib/signature/): bound to what was signed (kind, id, text hash), with
				// the printed name, the instant and the company time zone, and the meaning, as signed.
				await db.schema
					.createTable('signatures')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('subject_kind', 'text', (c) => c.notNull())
					.addColumn('subject_id', 'text', (c) => c.notNull())
					.addColumn('text_hash', 'text', (c) => c.notNull())
					.addColumn('printed_name', 'text', (c) => c.notNull())
					.addColumn('meaning', 'text', (c) => c.notNull())
					.addColumn('signed_at', 'text', (c) => c.notNull())
					.addColumn('time_zone', 'text', (c) => c.notNull())
					.addColumn('method', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createIndex('signatures_subject')
					.on('signatures')
					.columns(['subject_kind', 'subject_id'])
					.execute();
				await appendOnly(db, dialect, 'signatures');
				// Proxy mode has no account password to re-enter: people set a signing password on their account page.
				await db.schema.alterTable('people').addColumn('signing_password_hash', 'text').execute();
				// The attestation shown when acknowledging (null on acknowledgements from before: a click, no statement).
				await db.schema.alterTable('acknowledgements').addColumn('statement', 'text').execute();
			},
		},
		'0010-policy-review': {
			async up(db: Kysely<unknown>) {
				// Reviewers' comments on clauses: records of what was asked of which text (append-only).
				await db.schema
					.createTable('clause_comments')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					.addColumn('clause_id', 'text')
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('person_name', 'text', (c) => c.notNull())
					.addColumn('body', 'text', (c) => c.notNull())
					.addColumn('text_hash', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createIndex('clause_comments_version')
					.on('clause_comments')
					.columns(['policy_id', 'policy_version'])
					.execute();
				await appendOnly(db, dialect, 'clause_comments');
				// The workflow's outbox: notifications (issue 16) deliver undelivered rows and set delivered_at.
				await db.schema
					.createTable('workflow_events')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('kind', 'text', (c) => c.notNull())
					.addColumn('policy_id', 'text', (c) => c.notNull())
					.addColumn('policy_version', 'text', (c) => c.notNull())
					.addColumn('actor', 'text', (c) => c.notNull())
					.addColumn('recipients', 'text', (c) => c.notNull())
					.addColumn('detail', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('delivered_at', 'text')
					.execute();
				await db.schema
					.createIndex('workflow_events_undelivered')
					.on('workflow_events')
					.columns(['delivered_at', 'created_at'])
					.execute();
			},
		},
		'0007-person-identity-history': {
			async up(db: Kysely<unknown>) {
				// HR corrects a name or an email on the person row (sign-in uses the email in force); each correction
				// is kept here, append-only, with what it replaced, so the records stay traceable to who it was.
				await db.schema
					.createTable('person_identity_history')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('previous_name', 'text', (c) => c.notNull())
					.addColumn('previous_email', 'text', (c) => c.notNull())
					.addColumn('name', 'text', (c) => c.notNull())
					.addColumn('email', 'text', (c) => c.notNull())
					.addColumn('recorded_at', 'text', (c) => c.notNull())
					.addColumn('recorded_by', 'text')
					.execute();
				await db.schema
					.createIndex('person_identity_history_person')
					.on('person_identity_history')
					.columns(['person_id', 'recorded_at'])
					.execute();
				await appendOnly(db, dialect, 'person_identity_history');
			},
		},
		'0009-notifications': {
			async up(db: Kysely<unknown>) {
				// Issue 16. The outbox: one row per message (email, webhook delivery, xAPI statement), written in
				// the transaction of the record that caused it; the delivery worker claims, sends and marks rows.
				await db.schema
					.createTable('outbox')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('channel', 'text', (c) => c.notNull())
					.addColumn('event', 'text', (c) => c.notNull())
					.addColumn('event_key', 'text')
					.addColumn('endpoint_id', 'text')
					.addColumn('recipient', 'text', (c) => c.notNull())
					.addColumn('payload', 'text', (c) => c.notNull())
					.addColumn('status', 'text', (c) => c.notNull())
					.addColumn('attempts', 'integer', (c) => c.notNull())
					.addColumn('next_attempt_at', 'text', (c) => c.notNull())
					.addColumn('locked_until', 'text')
					.addColumn('claim', 'text')
					.addColumn('last_error', 'text')
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('delivered_at', 'text')
					.execute();
				await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
				await db.schema.createIndex('outbox_endpoint').on('outbox').columns(['endpoint_id', 'created_at']).execute();
				// Every try of a message: when, and what the receiver said (the delivery log). Append-only.
				await db.schema
					.createTable('outbox_attempts')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('outbox_id', 'text', (c) => c.notNull().references('outbox.id'))
					.addColumn('at', 'text', (c) => c.notNull())
					.addColumn('ok', 'integer', (c) => c.notNull())
					.addColumn('detail', 'text', (c) => c.notNull())
					.execute();
				await db.schema
					.createIndex('outbox_attempts_message')
					.on('outbox_attempts')
					.columns(['outbox_id', 'at'])
					.execute();
				await appendOnly(db, dialect, 'outbox_attempts');
				// Each event once: kind|policy|version|person|day is the primary key (calendar events and digests).
				await db.schema
					.createTable('notification_events')
					.addColumn('key', 'text', (c) => c.primaryKey())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.execute();
				// The daily calendar job: one row per company day; whoever inserts it runs the job (one instance).
				await db.schema
					.createTable('calendar_runs')
					.addColumn('day', 'text', (c) => c.primaryKey())
					.addColumn('ran_at', 'text', (c) => c.notNull())
					.addColumn('events', 'integer', (c) => c.notNull())
					.execute();
				await db.schema
					.createTable('webhook_endpoints')
					.addColumn('id', 'text', (c) => c.primaryKey())
					.addColumn('url', 'text', (c) => c.notNull())
					.addColumn('secret', 'text', (c) => c.notNull())
					.addColumn('events', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('created_by', 'text')
					.addColumn('disabled_at', 'text')
					.execute();
				// A person's own choice: reminders off (policies with mandatoryReminders still remind).
				await db.schema
					.createTable('notification_settings')
					.addColumn('person_id', 'text', (c) => c.primaryKey().references('people.id'))
					.addColumn('reminders_off', 'integer', (c) => c.notNull())
					.addColumn('updated_at', 'text', (c) => c.notNull())
					.execute();
				// The roster's optional manager column: the manager's employee id (for the manager digest).
				await db.schema.alterTable('people').addColumn('manager_employee_id', 'text').execute();
				// Invitation and password-reset links: stored as SHA-256, single use, with an expiry.
				await db.schema
					.createTable('account_links')
					.addColumn('token_hash', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('purpose', 'text', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('expires_at', 'text', (c) => c.notNull())
					.addColumn('used_at', 'text')
					.execute();
			},
		},
		'0011-roster-uploads': {
			async up(db: Kysely<unknown>) {
				// A roster file HR previewed, kept server-side until confirmed (src/lib/auth/roster-uploads.ts): the
				// confirm form carries only a token, so a file near the body limit can be confirmed. Bound to the person
				// who uploaded it, stored as the token's SHA-256, deleted once imported or an hour after the upload.
				await db.schema
					.createTable('roster_uploads')
					.addColumn('token_hash', 'text', (c) => c.primaryKey())
					.addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
					.addColumn('file_name', 'text', (c) => c.notNull())
					.addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
					.addColumn('created_at', 'text', (c) => c.notNull())
					.addColumn('expires_at', 'text', (c) => c.notNull())
					.execute();
				await db.schema.createIndex('roster_uploads_expiry').on('roster_uploads').column('expires_at').execute();
				await db.schema
					.createIndex('roster_uploads_person')
					.on('roster_uploads')
					.columns(['person_id', 'created_at'])
					.execute();
			},
		},
	};
}
