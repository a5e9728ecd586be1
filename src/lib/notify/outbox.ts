/**
 * The durable outbox (issue 16). `enqueue` writes messages with the caller's
 * transaction, so a message exists exactly when the record that caused it
 * does. An event with a key (the daily job's kind|policy|version|person|day)
 * is written once: the key's primary key refuses a second.
 *
 * The worker `claim`s due rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two
 * instances never take the same row; SQLite: one process, one writer) under a
 * lease and a random claim token, sends them, and `settle`s each: delivered,
 * retried with exponential backoff, or failed after the last try. A worker
 * killed mid-delivery leaves its rows claimed until the lease runs out; then
 * another takes them, with the same identity (Message-ID, webhook id, xAPI
 * statement id), so a receiver can drop a repeat.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { now } from '../calendar.ts';
import { recordAudit, type Actor } from '../auth/audit.ts';
import type { Store } from '../store/database.ts';
import type { Database, OutboxChannel, OutboxStatus, OutboxTable } from '../store/schema.ts';
import { readNotifyConfig, type NotifyConfig } from './config.ts';
import type { EmailMessage } from './messages.ts';
import type { XapiStatement } from './xapi.ts';

export interface Outgoing {
	/** The event type (webhook `type`), e.g. attempt.graded, reminder.overdue. */
	event: string;
	/** kind|policy|version|person|day: the event happens once under this key. */
	key?: string | undefined;
	/** The webhook event's `data`; sent to every endpoint subscribed to `event`. */
	webhook?: Record<string, unknown> | undefined;
	email?: EmailMessage | undefined;
	xapi?: XapiStatement[] | undefined;
}

/** The stored body of each channel. */
export interface EmailPayload extends EmailMessage {
	messageId: string;
}
export interface WebhookPayload {
	type: string;
	timestamp: string;
	data: Record<string, unknown>;
}

const CHUNK = 200;

/** Writes the messages of these events with `tx`; returns how many rows were written. */
export async function enqueue(
	tx: Kysely<Database>,
	items: readonly Outgoing[],
	config: NotifyConfig = readNotifyConfig(),
	at: Date = now(),
): Promise<number> {
	if (!items.length) return 0;
	const created = at.toISOString();
	// Events under a key: only those whose key is new go on.
	const keys = items.map((i) => i.key).filter((k): k is string => !!k);
	const fresh = new Set<string>();
	for (let i = 0; i < keys.length; i += CHUNK) {
		const slice = [...new Set(keys.slice(i, i + CHUNK))];
		const rows = await tx
			.insertInto('notification_events')
			.values(slice.map((key) => ({ key, created_at: created })))
			.onConflict((oc) => oc.column('key').doNothing())
			.returning('key')
			.execute();
		for (const row of rows) fresh.add(row.key);
	}
	const live = items.filter((i) => !i.key || fresh.has(i.key));
	const wantsWebhooks = live.some((i) => i.webhook);
	const endpoints = wantsWebhooks
		? (await tx.selectFrom('webhook_endpoints').selectAll().where('disabled_at', 'is', null).execute()).map((e) => ({
				id: e.id,
				url: e.url,
				events: new Set(JSON.parse(e.events) as string[]),
			}))
		: [];
	const host = new URL(config.baseUrl).hostname || 'zhidu';
	const due = new Date().toISOString();
	const rows: OutboxTable[] = [];
	const row = (
		channel: OutboxChannel,
		item: Outgoing,
		recipient: string,
		payload: unknown,
		endpointId: string | null = null,
		id: string = randomUUID(),
	): OutboxTable => ({
		id,
		channel,
		event: item.event,
		event_key: item.key ?? null,
		endpoint_id: endpointId,
		recipient,
		payload: JSON.stringify(payload),
		status: 'pending',
		attempts: 0,
		next_attempt_at: due,
		locked_until: null,
		claim: null,
		last_error: null,
		created_at: created,
		delivered_at: null,
	});
	for (const item of live) {
		if (item.email && config.email) {
			const id = randomUUID();
			const payload: EmailPayload = { ...item.email, messageId: `<${id}@${host}>` };
			rows.push(row('email', item, item.email.to, payload, null, id));
		}
		if (item.webhook)
			for (const endpoint of endpoints) {
				if (!endpoint.events.has(item.event)) continue;
				const payload: WebhookPayload = { type: item.event, timestamp: created, data: item.webhook };
				rows.push(row('webhook', item, endpoint.url, payload, endpoint.id));
			}
		if (item.xapi && config.lrs)
			for (const statement of item.xapi) rows.push(row('xapi', item, `${config.lrs.endpoint}statements`, statement));
	}
	for (let i = 0; i < rows.length; i += CHUNK)
		await tx
			.insertInto('outbox')
			.values(rows.slice(i, i + CHUNK))
			.execute();
	return rows.length;
}

export interface Claimed {
	row: OutboxTable;
	claim: string;
}

/** Takes up to `limit` due rows for this worker, under a lease (wall clock: the test clock may stand still). */
export async function claim(store: Store, limit: number, leaseSeconds: number, wall = new Date()): Promise<Claimed[]> {
	const token = randomBytes(16).toString('hex');
	const at = wall.toISOString();
	const until = new Date(wall.getTime() + leaseSeconds * 1000).toISOString();
	if (store.dialect === 'postgres') {
		const result = await sql<OutboxTable>`
			update outbox set locked_until = ${until}, claim = ${token}, attempts = attempts + 1
			where id in (
				select id from outbox
				where status = 'pending' and next_attempt_at <= ${at} and (locked_until is null or locked_until <= ${at})
				order by next_attempt_at, created_at
				limit ${limit}
				for update skip locked
			)
			returning *`.execute(store.db);
		return result.rows.map((row) => ({ row: { ...row, attempts: Number(row.attempts) }, claim: token }));
	}
	// SQLite: one writer; the select and the update run in one transaction on the one connection.
	return store.db.transaction().execute(async (tx) => {
		const due = await tx
			.selectFrom('outbox')
			.select('id')
			.where('status', '=', 'pending')
			.where('next_attempt_at', '<=', at)
			.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', at)]))
			.orderBy('next_attempt_at')
			.orderBy('created_at')
			.limit(limit)
			.execute();
		if (!due.length) return [];
		await tx
			.updateTable('outbox')
			.set((eb) => ({ locked_until: until, claim: token, attempts: eb('attempts', '+', 1) }))
			.where(
				'id',
				'in',
				due.map((d) => d.id),
			)
			.execute();
		const rows = await tx
			.selectFrom('outbox')
			.selectAll()
			.where(
				'id',
				'in',
				due.map((d) => d.id),
			)
			.execute();
		return rows.map((row) => ({ row, claim: token }));
	});
}

export type Outcome = { ok: true; detail: string } | { ok: false; detail: string; permanent?: boolean };

/** Records a try and its outcome; only the claim holder may (a row re-claimed after its lease is not overwritten). */
export async function settle(
	store: Store,
	claimed: Claimed,
	outcome: Outcome,
	config: Pick<NotifyConfig, 'retrySeconds' | 'maxAttempts'>,
	wall = new Date(),
): Promise<void> {
	const { row } = claimed;
	const at = wall.toISOString();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('outbox_attempts')
			.values({
				id: randomUUID(),
				outbox_id: row.id,
				at,
				ok: outcome.ok ? 1 : 0,
				detail: outcome.detail.slice(0, 1000),
			})
			.execute();
		const last = !outcome.ok && (outcome.permanent || row.attempts >= config.maxAttempts);
		const status: OutboxStatus = outcome.ok ? 'delivered' : last ? 'failed' : 'pending';
		// Exponential backoff: retrySeconds, ×2 each try, at most a day.
		const delay = Math.min(config.retrySeconds * 2 ** Math.max(0, row.attempts - 1), 86_400) * 1000;
		await tx
			.updateTable('outbox')
			.set({
				status,
				locked_until: null,
				claim: null,
				last_error: outcome.ok ? row.last_error : outcome.detail.slice(0, 1000),
				delivered_at: outcome.ok ? at : null,
				next_attempt_at: outcome.ok || last ? row.next_attempt_at : new Date(wall.getTime() + delay).toISOString(),
			})
			.where('id', '=', row.id)
			.where('claim', '=', claimed.claim)
			.execute();
	});
}

export interface OutboxEntry {
	id: string;
	channel: OutboxChannel;
	event: string;
	recipient: string;
	status: OutboxStatus;
	attempts: number;
	nextAttemptAt: string;
	lastError: string | null;
	createdAt: string;
	deliveredAt: string | null;
	endpointId: string | null;
}

const entry = (r: OutboxTable): OutboxEntry => ({
	id: r.id,
	channel: r.channel,
	event: r.event,
	recipient: r.recipient,
	status: r.status,
	attempts: Number(r.attempts),
	nextAttemptAt: r.next_attempt_at,
	lastError: r.last_error,
	createdAt: r.created_at,
	deliveredAt: r.delivered_at,
	endpointId: r.endpoint_id,
});

export async function listOutbox(
	store: Store,
	filter: { status?: OutboxStatus | undefined; endpointId?: string | undefined; limit?: number } = {},
): Promise<{ entries: OutboxEntry[]; counts: Record<OutboxStatus, number> }> {
	let query = store.reads.selectFrom('outbox').selectAll();
	if (filter.status) query = query.where('status', '=', filter.status);
	if (filter.endpointId) query = query.where('endpoint_id', '=', filter.endpointId);
	const rows = await query
		.orderBy('created_at', 'desc')
		.orderBy('id')
		.limit(filter.limit ?? 200)
		.execute();
	let countQuery = store.reads.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]);
	if (filter.endpointId) countQuery = countQuery.where('endpoint_id', '=', filter.endpointId);
	const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
	for (const c of await countQuery.groupBy('status').execute()) counts[c.status] = Number(c.n);
	return { entries: rows.map(entry), counts };
}

/** HR sends a failed message again: pending now, its tries counted afresh. Returns false when it is not failed. */
export async function retryMessage(
	store: Store,
	id: string,
	actor: Actor,
	address: string | null = null,
): Promise<boolean> {
	return store.db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('outbox')
			.set({
				status: 'pending',
				attempts: 0,
				next_attempt_at: new Date().toISOString(),
				locked_until: null,
				claim: null,
			})
			.where('id', '=', id)
			.where('status', '=', 'failed')
			.executeTakeFirst();
		if (!Number(result.numUpdatedRows)) return false;
		await recordAudit(tx, { event: 'outbox.retried', actor, subject: id, address });
		return true;
	});
}
