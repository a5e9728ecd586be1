/**
 * Review in the database: reviewers' comments on clauses (records, append-only) and the workflow's events,
 * each written in one transaction with its audit entry. `workflow_events` is the outbox that the
 * notifications of issue 16 deliver: a row per event with its recipients (policy.yaml `reviewers` /
 * `approvers`), `delivered_at` null until sent.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type Actor } from '../auth/audit.ts';
import { now } from '../calendar.ts';
import type { PolicyMeta } from '../content/schema.ts';
import type { Store } from '../store/database.ts';

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

/**
 * Records a workflow event in the outbox, with its audit entry, in one transaction. The hook for issue 16:
 * the notifier reads undelivered rows (`delivered_at is null`) and marks them delivered.
 */
export async function recordWorkflowEvent(
	store: Store,
	event: {
		kind: WorkflowEventKind;
		policy: string;
		version: string;
		recipients: string[];
		detail?: Record<string, unknown>;
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
