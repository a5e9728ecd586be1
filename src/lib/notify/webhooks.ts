/**
 * Webhook endpoints HR registers (issue 16): URL, secret and event types.
 * The secret is a Standard Webhooks key (`whsec_` + base64 of 24 random
 * bytes) generated here and shown once; it is kept in clear because signing
 * needs it. Each change and its audit entry commit together.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { now } from '../calendar.ts';
import { actorPersonId, recordAudit, type Actor } from '../auth/audit.ts';
import type { Store } from '../store/database.ts';
import { webhookEventType, type WebhookEventType } from './event-types.ts';

export const newEndpointSchema = z.object({
	url: z
		.url({ error: 'expected a complete http:// or https:// URL' })
		.refine((u) => /^https?:\/\//i.test(u), 'expected a complete http:// or https:// URL')
		.max(2000),
	events: z.array(webhookEventType).min(1, 'choose at least one event type'),
});
export type NewEndpoint = z.infer<typeof newEndpointSchema>;

export interface Endpoint {
	id: string;
	url: string;
	events: WebhookEventType[];
	createdAt: string;
	disabledAt: string | null;
}

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export async function createEndpoint(
	store: Store,
	input: NewEndpoint,
	actor: Actor,
	address: string | null = null,
): Promise<Endpoint & { secret: string }> {
	const id = randomUUID();
	const secret = newWebhookSecret();
	const createdAt = now().toISOString();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('webhook_endpoints')
			.values({
				id,
				url: input.url,
				secret,
				events: JSON.stringify(input.events),
				created_at: createdAt,
				created_by: actorPersonId(actor),
				disabled_at: null,
			})
			.execute();
		await recordAudit(tx, {
			event: 'webhook.created',
			actor,
			subject: id,
			address,
			detail: { url: input.url, events: input.events },
		});
	});
	return { id, url: input.url, events: input.events, createdAt, disabledAt: null, secret };
}

export async function listEndpoints(store: Store): Promise<Endpoint[]> {
	const rows = await store.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').execute();
	return rows.map((r) => ({
		id: r.id,
		url: r.url,
		events: JSON.parse(r.events) as WebhookEventType[],
		createdAt: r.created_at,
		disabledAt: r.disabled_at,
	}));
}

/** Stops sending to an endpoint (its pending messages fail as "endpoint disabled"). */
export async function disableEndpoint(
	store: Store,
	id: string,
	actor: Actor,
	address: string | null = null,
): Promise<boolean> {
	return store.db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('webhook_endpoints')
			.set({ disabled_at: now().toISOString() })
			.where('id', '=', id)
			.where('disabled_at', 'is', null)
			.executeTakeFirst();
		if (!Number(result.numUpdatedRows)) return false;
		await recordAudit(tx, { event: 'webhook.disabled', actor, subject: id, address });
		return true;
	});
}
