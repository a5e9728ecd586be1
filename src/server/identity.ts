/**
 * Who is asking: a signed-in person (session cookie, or the SSO header from
 * a trusted proxy) or another system (Bearer API token). The proxy header is
 * believed only when the TCP peer is a configured proxy: never Astro's
 * clientAddress, which follows a client's X-Forwarded-For.
 */
import { addPerson, findPerson, type Person } from '../lib/auth/people.ts';
import { apiTokenScope, sessionFor, type Session, type TokenScope } from '../lib/auth/sessions.ts';
import { anonymousActor, recordAudit } from '../lib/auth/audit.ts';
import { companyToday } from '../lib/calendar.ts';
import type { Store } from '../lib/store/database.ts';
import { isTrustedProxy, type ServerConfig } from './config.ts';

export const SESSION_COOKIE = 'zhidu_session';

export type Identity =
	| { kind: 'person'; person: Person; via: 'session'; session: Session; token: string }
	| { kind: 'person'; person: Person; via: 'proxy' }
	| { kind: 'token'; tokenId: string; scope: TokenScope; name: string; createdBy: string };

/** What identity needs of a request: a Node IncomingMessage, or a web Request's headers and peer (astro dev). */
export interface RequestLike {
	headers: Record<string, string | string[] | undefined>;
	socket: { remoteAddress?: string | undefined };
}

export type IdentityResult =
	{ ok: true; identity: Identity | undefined } | { ok: false; status: 401 | 403; reason: string };

export function parseCookies(header: string | undefined): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const index = part.indexOf('=');
		if (index < 0) continue;
		const name = part.slice(0, index).trim();
		const value = part.slice(index + 1).trim();
		try {
			cookies[name] = decodeURIComponent(value);
		} catch {
			cookies[name] = value;
		}
	}
	return cookies;
}

/** The client's address: the peer, or what a trusted proxy says it forwarded for. */
export function clientAddress(config: ServerConfig, req: RequestLike): string {
	const peer = req.socket.remoteAddress ?? 'unknown';
	if (!isTrustedProxy(config, peer)) return peer;
	const forwarded = String(req.headers['x-forwarded-for'] ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return forwarded.at(-1) ?? peer;
}

export async function resolveIdentity(config: ServerConfig, store: Store, req: RequestLike): Promise<IdentityResult> {
	const authorization = req.headers['authorization'];
	if (authorization) {
		const match = /^Bearer\s+(\S+)$/i.exec(String(authorization));
		const scope = match ? await apiTokenScope(store, match[1]!) : undefined;
		if (!scope) return { ok: false, status: 401, reason: 'invalid, expired or revoked API token' };
		return {
			ok: true,
			identity: { kind: 'token', tokenId: scope.id, scope: scope.scope, name: scope.name, createdBy: scope.createdBy },
		};
	}
	if (config.identity === 'proxy') {
		const header = req.headers[config.proxyHeader];
		// From anyone but a trusted proxy, the header is ignored (it may be forged).
		if (!header || !isTrustedProxy(config, req.socket.remoteAddress)) return { ok: true, identity: undefined };
		const email = String(header).trim().toLowerCase();
		let person = await findPerson(store, { email });
		if (!person) {
			if (config.proxyUnknownUsers === 'reject') {
				await recordAudit(store.db, {
					event: 'auth.proxy-rejected',
					actor: anonymousActor,
					subject: email,
					address: clientAddress(config, req),
				});
				return { ok: false, status: 403, reason: `${email} is not in the roster` };
			}
			// Added on first sight, as the SSO proxy vouches for them: they are the actor of their own entry.
			person = await addPerson(
				store,
				{ employeeId: `sso:${email}`, name: email.split('@')[0]!, email, department: '未載明', role: 'staff' },
				anonymousActor,
			);
		}
		if (person.disabledOn && person.disabledOn <= companyToday()) {
			return { ok: false, status: 403, reason: 'this account is disabled' };
		}
		return { ok: true, identity: { kind: 'person', person, via: 'proxy' } };
	}
	const token = parseCookies(req.headers['cookie'] as string | undefined)[SESSION_COOKIE];
	if (!token) return { ok: true, identity: undefined };
	const session = await sessionFor(store, token);
	return {
		ok: true,
		identity: session ? { kind: 'person', person: session.person, via: 'session', session, token } : undefined,
	};
}
