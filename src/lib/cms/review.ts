/**
 * Review in the database: reviewers' comments on clauses (records, append-only) and the workflow's events,
 * each written in one transaction with its audit entry. `workflow_events` is the workflow's event log (a
 * row per event with its recipients, policy.yaml `reviewers` / `approvers`; other instances poll its
 * approvals to publish); its emails go through the notifications outbox only (src/lib/notify/outbox.ts),
 * in the same transaction. `delivered_at` is a column left from 0010: always null (docs/decisions.md).
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type Actor } from '../auth/audit.ts';
import { now } from '../calendar.ts';
import type { PolicyMeta } from '../content/schema.ts';
import type { Kysely } from 'kysely';
import { listPeople } from '../auth/people.ts';
import { readNotifyConfig } from '../notify/config.ts';
import { workflowEmail } from '../notify/messages.ts';
import { enqueue } from '../notify/outbox.ts';
import type { Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';

export interface ClauseComment {
	id: string;
	clause: string | null;
	author: string;
	personId: string;
	body: string;
	textHash: string;
	at: string;
}

export async function addClauseComment(
	store: Store,
	input: {
		policy: string;
		version: string;
		clause: string | null;
		person: { id: string; name: string };
		body: string;
		textHash: string;
	},
	actor: Actor,
): Promise<ClauseComment> {
	const body = input.body.trim();
	if (!body) throw new Error('body: write the comment');
	const row = {
		id: randomUUID(),
		policy_id: input.policy,
		policy_version: input.version,
		clause_id: input.clause,
		person_id: input.person.id,
		person_name: input.person.name,
		body: body.slice(0, 4000),
		text_hash: input.textHash,
		created_at: now().toISOString(),
	};
	await store.db.transaction().execute(async (tx) => {
		await tx.insertInto('clause_comments').values(row).execute();
		await recordAudit(tx, {
			event: 'policy.comment',
			actor,
			subject: `${input.policy}@${input.version}`,
			detail: { clause: input.clause, comment: row.id },
		});
	});
	return {
		id: row.id,
		clause: row.clause_id,
		author: row.person_name,
		personId: row.person_id,
		body: row.body,
		textHash: row.text_hash,
		at: row.created_at,
	};
}

export async function clauseComments(store: Store, policy: string, version: string): Promise<ClauseComment[]> {
	const rows = await store.db
		.selectFrom('clause_comments')
		.selectAll()
		.where('policy_id', '=', policy)
		.where('policy_version', '=', version)
		.orderBy('created_at')
		.orderBy('id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		clause: r.clause_id,
		author: r.person_name,
		personId: r.person_id,
		body: r.body,
		textHash: r.text_hash,
		at: r.created_at,
	}));
}

export type WorkflowEventKind =
	'submitted' | 'changes-requested' | 'approved' | 'signed' | 'revised' | 'uploaded' | 'created';

/** Who an event goes to: submitted → reviewers and approvers; changes requested → the draft's editors. */
export function recipientsOf(meta: Pick<PolicyMeta, 'reviewers' | 'approvers'>, kind: WorkflowEventKind): string[] {
	if (kind === 'submitted') return [...new Set([...(meta.reviewers ?? []), ...(meta.approvers ?? [])])];
	if (kind === 'approved' || kind === 'signed') return [...new Set(meta.reviewers ?? [])];
	return [];
}

/** What a person listed in policy.yaml may do on a version's review page (besides HR, who may do everything). */
export interface ReviewParticipation {
	reviewer: boolean;
	approver: boolean;
}

/** The review page's actions each part allows: reviewers comment and send back; approvers also sign. */
export const reviewActions = {
	reviewer: ['comment', 'request-changes'],
	approver: ['comment', 'request-changes', 'sign'],
} as const;

const listed = (list: string[] | undefined, person: { email: string; role: string }) =>
	(list ?? []).some((entry) => entry.toLowerCase() === person.email.toLowerCase() || entry === person.role);

/** Whether policy.yaml names the person (by email, or by the role they hold) as a reviewer or approver. */
export function reviewParticipation(
	meta: Pick<PolicyMeta, 'reviewers' | 'approvers'>,
	person: { email: string; role: string },
): ReviewParticipation | undefined {
	const reviewer = listed(meta.reviewers, person);
	const approver = listed(meta.approvers, person);
	return reviewer || approver ? { reviewer, approver } : undefined;
}

/** Whether a participant may take a review page action (`op`). */
export function participantMay(participation: ReviewParticipation, action: string): boolean {
	return (
		(participation.reviewer && (reviewActions.reviewer as readonly string[]).includes(action)) ||
		(participation.approver && (reviewActions.approver as readonly string[]).includes(action))
	);
}

/** Records a workflow event, its emails (in the notifications outbox) and its audit entry, in one transaction. */
export async function recordWorkflowEvent(
	store: Store,
	event: {
		kind: WorkflowEventKind;
		policy: string;
		version: string;
		recipients: string[];
		detail?: Record<string, unknown>;
		/** For the emails; the policy id when not given. */
		policyTitle?: string;
	},
	actor: Actor,
): Promise<string> {
	const id = randomUUID();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('workflow_events')
			.values({
				id,
				kind: event.kind,
				policy_id: event.policy,
				policy_version: event.version,
				actor: JSON.stringify(actor),
				recipients: JSON.stringify(event.recipients),
				detail: JSON.stringify(event.detail ?? {}),
				created_at: now().toISOString(),
				delivered_at: null,
			})
			.execute();
		await enqueueWorkflowEmails(tx, event);
		await recordAudit(tx, {
			event: `policy.${event.kind}`,
			actor,
			subject: `${event.policy}@${event.version}`,
			detail: { event: id, ...(event.detail ?? {}) },
		});
	});
	return id;
}

export async function workflowEvents(store: Store, policy: string, version?: string) {
	let query = store.db.selectFrom('workflow_events').selectAll().where('policy_id', '=', policy);
	if (version) query = query.where('policy_version', '=', version);
	return query.orderBy('created_at').execute();
}

/**
 * The emails of a workflow event, written to the notifications outbox (issue 16) in the event's transaction:
 * one per recipient (an email, or every active person with a role named `hr`/`staff`), linking to the
 * version's page on /hr/policies/.
 */
async function enqueueWorkflowEmails(
	tx: Kysely<Database>,
	event: { kind: WorkflowEventKind; policy: string; version: string; recipients: string[]; policyTitle?: string },
): Promise<void> {
	if (
		event.kind !== 'submitted' &&
		event.kind !== 'changes-requested' &&
		event.kind !== 'approved' &&
		event.kind !== 'signed'
	)
		return;
	if (event.recipients.length === 0) return;
	const emails = event.recipients.filter((r) => r.includes('@'));
	const roles = event.recipients.filter((r) => !r.includes('@'));
	// Roles resolve to the people holding them today (their role in effect, not a past one).
	const byRole = roles.length
		? (await listPeople({ db: tx })).filter((p) => roles.includes(p.role) && !p.disabledOn)
		: [];
	const recipients = [...new Set([...emails, ...byRole.map((p) => p.email)])];
	const config = readNotifyConfig();
	const url = `${config.baseUrl}/hr/policies/${encodeURIComponent(event.policy)}/${encodeURIComponent(event.version)}/`;
	await enqueue(
		tx,
		recipients.map((to) => ({
			event: `policy.${event.kind}`,
			email: workflowEmail(
				{
					to,
					kind: event.kind as 'submitted',
					policyTitle: event.policyTitle ?? event.policy,
					version: event.version,
					url,
				},
				config.language,
			),
		})),
		config,
	);
}
