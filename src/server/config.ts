/**
 * Server configuration from environment variables, validated at start: each
 * bad value is reported with its variable name and the reason.
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

const positiveInt = (name: string) =>
	z
		.string()
		.regex(/^\d+$/, `${name} must be a whole number`)
		.transform(Number)
		.refine((n) => n > 0, `${name} must be greater than 0`);

export const serverEnvSchema = z
	.object({
		HOST: z.string().min(1).default('127.0.0.1'),
		PORT: positiveInt('PORT')
			.refine((n) => n < 65536, 'PORT must be below 65536')
			.default(4321),
		ZHIDU_READ: z.enum(['signed-in', 'public'], { error: 'expected signed-in or public' }).default('signed-in'),
		ZHIDU_IDENTITY: z.enum(['local', 'proxy'], { error: 'expected local or proxy' }).default('local'),
		ZHIDU_PROXY_HEADER: z.string().min(1).default('X-Forwarded-Email'),
		ZHIDU_TRUSTED_PROXIES: z.string().default(''),
		ZHIDU_PROXY_UNKNOWN_USERS: z.enum(['staff', 'reject'], { error: 'expected staff or reject' }).default('reject'),
		DATABASE_URL: z
			.string()
			.regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database')
			.optional(),
		ZHIDU_DB_FILE: z.string().min(1).default('data/zhidu.db'),
		ZHIDU_SESSION_HOURS: positiveInt('ZHIDU_SESSION_HOURS').default(8),
		ZHIDU_BODY_LIMIT_KB: positiveInt('ZHIDU_BODY_LIMIT_KB').default(1024),
		ZHIDU_APPROVAL_SIGNATURES: positiveInt('ZHIDU_APPROVAL_SIGNATURES').default(1),
		ZHIDU_EDITORS_MAY_APPROVE: z.enum(['0', '1'], { error: 'expected 0 or 1' }).default('0'),
		ZHIDU_CONTENT_REMOTE: z.string().min(1).optional(),
		ZHIDU_PUBLISH: z.enum(['rebuild', 'off'], { error: 'expected rebuild or off' }).default('rebuild'),
		/** The address people use, e.g. https://policies.example.com (setup link, Secure cookies). */
		ZHIDU_PUBLIC_URL: z.url({ error: 'expected an absolute URL such as https://policies.example.com' }).optional(),
		/** Printed on certificates and their verification page, e.g. 範例生技股份有限公司. */
		ZHIDU_COMPANY_NAME: z
			.string()
			.trim()
			.min(1)
			.max(200, 'ZHIDU_COMPANY_NAME must be at most 200 characters')
			.optional(),
	})
	.superRefine((env, ctx) => {
		if (env.ZHIDU_IDENTITY !== 'proxy') return;
		const entries = env.ZHIDU_TRUSTED_PROXIES.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
		if (entries.length === 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['ZHIDU_TRUSTED_PROXIES'],
				message: 'proxy identity needs the addresses of the trusted proxies (e.g. 127.0.0.1,10.0.0.0/24)',
			});
		}
		for (const entry of entries) {
			if (parseNetwork(entry) === undefined) {
				ctx.addIssue({
					code: 'custom',
					path: ['ZHIDU_TRUSTED_PROXIES'],
					message: `"${entry}" is not an IP address or CIDR (wildcards are refused)`,
				});
			}
		}
	});

export interface ServerConfig {
	host: string;
	port: number;
	read: 'signed-in' | 'public';
	identity: 'local' | 'proxy';
	proxyHeader: string;
	trustedProxies: BlockList;
	trustedProxyList: string[];
	proxyUnknownUsers: 'staff' | 'reject';
	databaseUrl: string | undefined;
	dbFile: string;
	sessionHours: number;
	bodyLimitBytes: number;
	publicUrl: string | undefined;
	/** The company named on certificates; the site name when unset. */
	companyName: string | undefined;
	/** Approving signatures a policy version needs, and whether its editors may sign (issue 17). */
	approval: { signaturesRequired: number; editorsMayApprove: boolean };
	/** A git remote every instance pulls the content from when another instance publishes (several instances). */
	contentRemote: string | undefined;
	/** `rebuild`: rebuild the site in the background after approval and swap it in; `off`: never (tests, read-only replicas). */
	publish: 'rebuild' | 'off';
}

/** An address or CIDR; never a wildcard such as 0.0.0.0/0 or ::/0. */
function parseNetwork(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
	const [address, prefixText] = entry.split('/');
	const version = isIP(address ?? '');
	if (!address || version === 0) return undefined;
	const max = version === 4 ? 32 : 128;
	const prefix = prefixText === undefined ? max : Number(prefixText);
	if (!Number.isInteger(prefix) || prefix < 1 || prefix > max) return undefined;
	return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export class ServerConfigError extends Error {
	override name = 'ServerConfigError';
}

export function readServerConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	const parsed = serverEnvSchema.safeParse(present);
	if (!parsed.success) {
		throw new ServerConfigError(
			`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`).join('\n')}`,
		);
	}
	const e = parsed.data;
	const trustedProxies = new BlockList();
	const list = e.ZHIDU_TRUSTED_PROXIES.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	for (const entry of list) {
		const network = parseNetwork(entry)!;
		trustedProxies.addSubnet(network.address, network.prefix, network.family);
	}
	return {
		host: e.HOST,
		port: e.PORT,
		read: e.ZHIDU_READ,
		identity: e.ZHIDU_IDENTITY,
		proxyHeader: e.ZHIDU_PROXY_HEADER.toLowerCase(),
		trustedProxies,
		trustedProxyList: list,
		proxyUnknownUsers: e.ZHIDU_PROXY_UNKNOWN_USERS,
		databaseUrl: e.DATABASE_URL,
		dbFile: e.ZHIDU_DB_FILE,
		sessionHours: e.ZHIDU_SESSION_HOURS,
		bodyLimitBytes: e.ZHIDU_BODY_LIMIT_KB * 1024,
		publicUrl: e.ZHIDU_PUBLIC_URL,
		companyName: e.ZHIDU_COMPANY_NAME,
		approval: {
			signaturesRequired: e.ZHIDU_APPROVAL_SIGNATURES,
			editorsMayApprove: e.ZHIDU_EDITORS_MAY_APPROVE === '1',
		},
		contentRemote: e.ZHIDU_CONTENT_REMOTE,
		publish: e.ZHIDU_PUBLISH,
	};
}

/** Whether a TCP peer is one of the trusted proxies (IPv4-mapped IPv6 included). */
export function isTrustedProxy(config: ServerConfig, peer: string | undefined): boolean {
	if (!peer) return false;
	const address = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
	const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
	return isIP(address) !== 0 && config.trustedProxies.check(address, family);
}
