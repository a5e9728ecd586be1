/**
 * Notification settings from the environment (issue 16). Email is on when
 * ZHIDU_SMTP_URL is set, xAPI when ZHIDU_LRS_URL is; webhooks are on when HR
 * registers an endpoint. Read where a message is written (any process: the
 * server, the CLI) and by the delivery worker, so both agree.
 */
import { z } from 'zod';
import { uiLanguages, type UiLanguage } from '../i18n/index.ts';

const whole = (name: string, min = 1) =>
	z
		.string()
		.regex(/^\d+$/, `${name} must be a whole number`)
		.transform(Number)
		.refine((n) => n >= min, `${name} must be at least ${min}`);

export const notifyEnvSchema = z.object({
	ZHIDU_SMTP_URL: z
		.url({ error: 'expected smtp://user:password@host:587 or smtps://…:465' })
		.refine((u) => /^smtps?:\/\//.test(u), 'expected an smtp:// or smtps:// URL')
		.optional(),
	ZHIDU_MAIL_FROM: z.string().trim().min(3).optional(),
	ZHIDU_LRS_URL: z
		.url({ error: 'expected the LRS endpoint, e.g. https://user:password@lrs.example.com/xapi/' })
		.refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
		.optional(),
	ZHIDU_PUBLIC_URL: z.url().optional(),
	HOST: z.string().default('127.0.0.1'),
	PORT: z.string().default('4321'),
	ZHIDU_UI_LANG: z.enum(uiLanguages).default('zh-Hant-TW'),
	ZHIDU_OUTBOX_RETRY_SECONDS: whole('ZHIDU_OUTBOX_RETRY_SECONDS').default(30),
	ZHIDU_OUTBOX_MAX_ATTEMPTS: whole('ZHIDU_OUTBOX_MAX_ATTEMPTS').default(8),
	ZHIDU_OUTBOX_LEASE_SECONDS: whole('ZHIDU_OUTBOX_LEASE_SECONDS', 5).default(120),
	ZHIDU_OUTBOX_POLL_MS: whole('ZHIDU_OUTBOX_POLL_MS', 50).default(2000),
});

export interface NotifyConfig {
	email: { url: string; from: string } | undefined;
	lrs: { endpoint: string; username: string; password: string } | undefined;
	/** The site's address for links in messages (ZHIDU_PUBLIC_URL, else http://HOST:PORT). */
	baseUrl: string;
	language: UiLanguage;
	retrySeconds: number;
	maxAttempts: number;
	leaseSeconds: number;
	pollMs: number;
}

export class NotifyConfigError extends Error {
	override name = 'NotifyConfigError';
}

/** The variables the settings are read from: the memo below is keyed by their values. */
const notifyVariables = Object.keys(notifyEnvSchema.shape);
let memo: { key: string; config: NotifyConfig } | undefined;

/**
 * The settings as the environment gives them now. Every graded attempt reads them (its outbox items): parsed
 * once per distinct set of values, not on every call, yet a changed variable is seen at the next call.
 */
export function readNotifyConfig(env: Record<string, string | undefined> = process.env): NotifyConfig {
	const key = notifyVariables.map((name) => env[name] ?? '').join('\0');
	if (memo?.key === key) return memo.config;
	// Shared by every caller from now on: frozen, so none can change it for the others.
	const config = Object.freeze(parseNotifyConfig(env));
	memo = { key, config };
	return config;
}

function parseNotifyConfig(env: Record<string, string | undefined>): NotifyConfig {
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = notifyEnvSchema.safeParse(present);
	if (!parsed.success)
		throw new NotifyConfigError(
			`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`).join('\n')}`,
		);
	const e = parsed.data;
	if (e.ZHIDU_SMTP_URL && !e.ZHIDU_MAIL_FROM)
		throw new NotifyConfigError(
			'Invalid configuration:\n  ZHIDU_MAIL_FROM: needed with ZHIDU_SMTP_URL (e.g. 制度 <policies@example.com>)',
		);
	let lrs: NotifyConfig['lrs'];
	if (e.ZHIDU_LRS_URL) {
		const url = new URL(e.ZHIDU_LRS_URL);
		const username = decodeURIComponent(url.username);
		const password = decodeURIComponent(url.password);
		url.username = '';
		url.password = '';
		lrs = { endpoint: url.toString().replace(/\/?$/, '/'), username, password };
	}
	const host = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
	return {
		email: e.ZHIDU_SMTP_URL ? { url: e.ZHIDU_SMTP_URL, from: e.ZHIDU_MAIL_FROM! } : undefined,
		lrs,
		baseUrl: (e.ZHIDU_PUBLIC_URL ?? `http://${host}:${e.PORT}`).replace(/\/$/, ''),
		language: e.ZHIDU_UI_LANG,
		retrySeconds: e.ZHIDU_OUTBOX_RETRY_SECONDS,
		maxAttempts: e.ZHIDU_OUTBOX_MAX_ATTEMPTS,
		leaseSeconds: e.ZHIDU_OUTBOX_LEASE_SECONDS,
		pollMs: e.ZHIDU_OUTBOX_POLL_MS,
	};
}
