/**
 * The audit log: security and HR events, append-only (the database refuses
 * edits). An entry is written with the executor of the change it describes
 * (a transaction), so a record and its entry commit together or not at all.
 * Every entry names its actor.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import { now } from '../calendar.ts';
import type { Database } from '../store/schema.ts';

/** Who did it: a person, an API token (with who created it), the CLI (OS user, and the person it names), or someone not yet known (a sign-in attempt). */
export type Actor =
	| { kind: 'person'; personId: string }
	| { kind: 'token'; tokenId: string; tokenName: string; createdBy: string }
	| { kind: 'cli'; osUser: string; personId?: string | undefined; name?: string | undefined }
	| { kind: 'anonymous' };

export const personActor = (personId: string): Actor => ({ kind: 'person', personId });
export const anonymousActor: Actor = { kind: 'anonymous' };

/** The CLI as actor: `cli` with the OS user running it; `named` is a person the command names (approve --by). */
export function cliActor(named?: { personId?: string; name?: string }): Actor {
	let osUser: string;
	try {
		osUser = userInfo().username;
	} catch {
		osUser = process.env['USER'] ?? 'unknown';
	}
	return {
		kind: 'cli',
		osUser,
		...(named?.personId ? { personId: named.personId } : {}),
		...(named?.name ? { name: named.name } : {}),
	};
}

/** The person id behind an actor, for columns such as recorded_by (null for tokens and anonymous requests). */
export function actorPersonId(actor: Actor): string | null {
	if (actor.kind === 'person') return actor.personId;
	if (actor.kind === 'cli') return actor.personId ?? null;
	return null;
}

export interface AuditEvent {
	event: string;
	actor: Actor;
	subject?: string | null;
	address?: string | null;
	detail?: Record<string, unknown>;
}

/** Writes one entry with `db`: pass the transaction that writes the record. */
export async function recordAudit(db: Kysely<Database>, e: AuditEvent): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			id: randomUUID(),
			at: now().toISOString(),
			actor_id: actorPersonId(e.actor),
			actor: JSON.stringify(e.actor),
			event: e.event,
			subject: e.subject ?? null,
			address: e.address ?? null,
			detail: JSON.stringify(e.detail ?? {}),
		})
		.execute();
}
