/** The audit log: security and HR events, append-only (the database refuses edits). */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/database.ts';

export interface AuditEvent {
	event: string;
	actorId?: string | null;
	subject?: string | null;
	address?: string | null;
	detail?: Record<string, unknown>;
}

export async function recordAudit(store: Store, e: AuditEvent): Promise<void> {
	await store.db
		.insertInto('audit_log')
		.values({
			id: randomUUID(),
			at: new Date().toISOString(),
			actor_id: e.actorId ?? null,
			event: e.event,
			subject: e.subject ?? null,
			address: e.address ?? null,
			detail: JSON.stringify(e.detail ?? {}),
		})
		.execute();
}
