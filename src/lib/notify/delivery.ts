/**
 * Sending one outbox row (issue 16): email through nodemailer (SMTP, STARTTLS
 * or TLS as the URL says), webhooks signed per Standard Webhooks (the
 * `standardwebhooks` package), xAPI statements PUT to the LRS under their id.
 * Each row carries its identity: the email's Message-ID, the webhook id
 * (`msg_<row id>`), the statement id. A retry sends the same identity.
 */
import type { SMTPTransportOptions, Transporter } from 'nodemailer';
import type { Store } from '../store/database.ts';
import type { OutboxTable } from '../store/schema.ts';
import type { NotifyConfig } from './config.ts';
import type { Outcome } from './outbox.ts';
import type { EmailPayload } from './outbox.ts';
import type { XapiStatement } from './xapi.ts';

const TIMEOUT_MS = 15_000;

export const webhookId = (rowId: string) => `msg_${rowId}`;

export interface Sender {
	send(row: OutboxTable): Promise<Outcome>;
	close(): void;
}

const failure = (error: unknown): Outcome => ({ ok: false, detail: (error as Error).message || String(error) });

export function createSender(store: Store, config: NotifyConfig): Sender {
	let transport: Promise<Transporter> | undefined;
	// Loaded at the first message, not at every server start (nodemailer is about 40 modules).
	const mailer = () =>
		(transport ??= import('nodemailer').then(({ default: nodemailer }) =>
			nodemailer.createTransport({
				url: config.email!.url,
				connectionTimeout: TIMEOUT_MS,
				greetingTimeout: TIMEOUT_MS,
				socketTimeout: TIMEOUT_MS,
			} satisfies SMTPTransportOptions),
		));

	async function email(row: OutboxTable): Promise<Outcome> {
		if (!config.email) return { ok: false, detail: 'email is off (ZHIDU_SMTP_URL is not set)' };
		const message = JSON.parse(row.payload) as EmailPayload;
		try {
			const smtp = await mailer();
			const info = await smtp.sendMail({
				from: config.email.from,
				to: message.to,
				subject: message.subject,
				text: message.text,
				html: message.html,
				messageId: message.messageId,
				headers: { 'X-Zhidu-Event': row.event },
			});
			return { ok: true, detail: String(info.response ?? 'accepted') };
		} catch (error) {
			const code = (error as { responseCode?: number }).responseCode;
			// 5xx: the server refused for good (unknown mailbox); 4xx and network errors are worth another try.
			return { ok: false, detail: (error as Error).message, permanent: !!code && code >= 500 && code < 600 };
		}
	}

	async function webhook(row: OutboxTable): Promise<Outcome> {
		const endpoint = row.endpoint_id
			? await store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', row.endpoint_id).executeTakeFirst()
			: undefined;
		if (!endpoint || endpoint.disabled_at) return { ok: false, detail: 'endpoint disabled', permanent: true };
		const id = webhookId(row.id);
		const timestamp = new Date();
		try {
			const { Webhook } = await import('standardwebhooks');
			const signature = new Webhook(endpoint.secret).sign(id, timestamp, row.payload);
			const response = await fetch(row.recipient, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'webhook-id': id,
					'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
					'webhook-signature': signature,
					'user-agent': 'Zhidu-Webhooks/1',
				},
				body: row.payload,
				redirect: 'manual',
				signal: AbortSignal.timeout(TIMEOUT_MS),
			});
			await response.body?.cancel();
			const detail = `HTTP ${response.status}`;
			return response.ok ? { ok: true, detail } : { ok: false, detail, permanent: response.status === 410 };
		} catch (error) {
			return failure(error);
		}
	}

	async function xapi(row: OutboxTable): Promise<Outcome> {
		if (!config.lrs) return { ok: false, detail: 'xAPI is off (ZHIDU_LRS_URL is not set)' };
		const statement = JSON.parse(row.payload) as XapiStatement;
		const url = new URL(row.recipient);
		url.searchParams.set('statementId', statement.id);
		try {
			const response = await fetch(url, {
				method: 'PUT',
				headers: {
					'content-type': 'application/json',
					'x-experience-api-version': '1.0.3',
					authorization: `Basic ${Buffer.from(`${config.lrs.username}:${config.lrs.password}`).toString('base64')}`,
				},
				body: row.payload,
				signal: AbortSignal.timeout(TIMEOUT_MS),
			});
			const text = (await response.text()).slice(0, 300);
			const detail = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
			if (response.ok) return { ok: true, detail };
			// 400 and 409 (the id was used for other content) will not change on a retry.
			return { ok: false, detail, permanent: response.status === 400 || response.status === 409 };
		} catch (error) {
			return failure(error);
		}
	}

	return {
		send: (row) => (row.channel === 'email' ? email(row) : row.channel === 'webhook' ? webhook(row) : xapi(row)),
		close: () => void transport?.then((smtp) => smtp.close()).catch(() => undefined),
	};
}
