/**
 * Sign-in sessions in the database (so every instance shares them), failed
 * sign-in counters in the database (so every instance enforces the same
 * limit), API tokens and the one-time setup link for the first HR account.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { companyToday, now } from '../calendar.ts';
import { readRows, type Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import { anonymousActor, personActor, recordAudit, type Actor } from './audit.ts';
import { findPerson, type Person } from './people.ts';
import { inEffectOrder, personColumns, personOf, type PersonRow } from './person-row.ts';
import { newToken, sha256, verifyPassword } from './secrets.ts';
import { cachedSession, cacheGeneration, forgetCachedSessions, keepSession } from './session-cache.ts';

const iso = (date: Date) => date.toISOString();

export interface SessionPolicy {
	/** How long a session lasts, in minutes. */
	lifetimeMinutes: number;
	/** Password checks allowed per account and address in the window; an address gets 4 times that across accounts. */
	maxFailures: number;
	windowMinutes: number;
}

export const defaultSessionPolicy: SessionPolicy = { lifetimeMinutes: 8 * 60, maxFailures: 5, windowMinutes: 15 };

/** How many accounts' worth of failures one address may spend in a window. */
export const ADDRESS_CEILING_FACTOR = 4;

export interface Session {
	person: Person;
	csrfToken: string;
	expiresAt: string;
}

export type SignInResult =
	| { ok: true; token: string; session: Session }
	| { ok: false; reason: 'rate-limited' | 'invalid'; retryAfterSeconds?: number };

/**
 * Counts one attempt under `key` and returns the new count, in one statement:
 * concurrent attempts each get a distinct count, so at most the limit of them
 * ever reach the password check (a count-then-check in two steps let 30
 * parallel guesses all through). A window that has passed starts again at 1.
 * Shared with the signature module (src/lib/signature/), which limits failed signing tries alike.
 */
export async function countAttempt(
	db: Kysely<Database>,
	key: string,
	at: Date,
	windowMinutes: number,
): Promise<{ count: number; windowStart: string }> {
	const atText = iso(at);
	const since = iso(new Date(at.getTime() - windowMinutes * 60_000));
	const row = await db
		.insertInto('login_limits')
		.values({ key, window_start: atText, count: 1 })
		.onConflict((oc) =>
			oc.column('key').doUpdateSet({
				count: sql<number>`CASE WHEN login_limits.window_start < ${since} THEN 1 ELSE login_limits.count + 1 END`,
				window_start: sql<string>`CASE WHEN login_limits.window_start < ${since} THEN ${atText} ELSE login_limits.window_start END`,
			}),
		)
		.returning(['count', 'window_start'])
		.executeTakeFirstOrThrow();
	return { count: Number(row.count), windowStart: row.window_start };
}

export const accountAddressKey = (email: string, address: string) =>
	`account:${email.trim().toLowerCase()}|address:${address}`;
export const addressKey = (address: string) => `address:${address}`;

/**
 * Checks the password; on success starts a new session (a fresh id every time: no fixation).
 * Limits: `maxFailures` per account and address (so an attacker elsewhere cannot lock the
 * owner out), and `maxFailures × 4` per address across accounts. An attempt is counted before
 * its password is checked; a successful one gives its count back.
 */
export async function signIn(
	store: Store,
	email: string,
	password: string,
	address: string,
	policy: SessionPolicy = defaultSessionPolicy,
): Promise<SignInResult> {
	const normalised = email.trim().toLowerCase();
	const at = now();
	const pair = await countAttempt(store.db, accountAddressKey(normalised, address), at, policy.windowMinutes);
	const byAddress =
		pair.count > policy.maxFailures
			? undefined
			: await countAttempt(store.db, addressKey(address), at, policy.windowMinutes);
	const blocked =
		byAddress === undefined
			? pair
			: byAddress.count > policy.maxFailures * ADDRESS_CEILING_FACTOR
				? byAddress
				: undefined;
	if (blocked) {
		await recordAudit(store.db, {
			event: 'auth.rate-limited',
			actor: anonymousActor,
			subject: normalised,
			address,
			detail: { limit: byAddress === undefined ? 'account+address' : 'address' },
		});
		const retryAt = new Date(blocked.windowStart).getTime() + policy.windowMinutes * 60_000;
		return {
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: Math.max(1, Math.ceil((retryAt - at.getTime()) / 1000)),
		};
	}
	const row = await store.db
		.selectFrom('people')
		.select(['id', 'password_hash', 'disabled_on'])
		.where('email', '=', normalised)
		.executeTakeFirst();
	const passwordOk = await verifyPassword(password, row?.password_hash);
	// Disabled from the company's midnight of that day (ZHIDU_TIMEZONE), not UTC's.
	if (!row || !passwordOk || (row.disabled_on !== null && row.disabled_on <= companyToday())) {
		await recordAudit(store.db, { event: 'auth.login-failed', actor: anonymousActor, subject: normalised, address });
		return { ok: false, reason: 'invalid' };
	}
	const token = newToken();
	const csrfToken = newToken(24);
	const started = now();
	const expiresAt = iso(new Date(started.getTime() + policy.lifetimeMinutes * 60_000));
	await store.db.transaction().execute(async (tx) => {
		// The owner proved the password: their count from this address starts again; the address gets this attempt back.
		await tx.deleteFrom('login_limits').where('key', '=', accountAddressKey(normalised, address)).execute();
		await tx
			.updateTable('login_limits')
			.set({ count: sql<number>`CASE WHEN count > 0 THEN count - 1 ELSE 0 END` })
			.where('key', '=', addressKey(address))
			.execute();
		await tx
			.insertInto('sessions')
			.values({
				id_hash: sha256(token),
				person_id: row.id,
				csrf_token: csrfToken,
				created_at: iso(started),
				expires_at: expiresAt,
				revoked_at: null,
			})
			.execute();
		await recordAudit(tx, { event: 'auth.login', actor: personActor(row.id), address });
	});
	const person = (await findPerson(store, { id: row.id }))!;
	return { ok: true, token, session: { person, csrfToken, expiresAt } };
}

/**
 * The session, its person and the department and role in effect on a day, in
 * one query (the history row as `findPerson` chooses it, `inEffectOrder`).
 * Parameters: day, day, token hash.
 */
const sessionQuery = `select s.csrf_token, s.expires_at, s.revoked_at, ${personColumns}
from sessions s
join people p on p.id = s.person_id
join person_history h on h.id = (
  select x.id from person_history x where x.person_id = p.id
  order by ${inEffectOrder('x')}
  limit 1)
where s.id_hash = ?`;

interface SessionRow extends PersonRow {
	csrf_token: string;
	expires_at: string;
	revoked_at: string | null;
}

/** Whether a kept session is still live: read on every request, so an ended session is refused at once by every instance. */
const liveQuery = 'select expires_at, revoked_at from sessions where id_hash = ?';

/**
 * The live session behind a cookie token, if any (every request asks): one read on a kept prepared statement,
 * of the session's row only while the person behind it is kept (at most a second, session-cache.ts), else of
 * the session with the person and the role in effect today.
 */
export async function sessionFor(store: Store, token: string | undefined): Promise<Session | undefined> {
	if (!token || token.length > 200) return undefined;
	const hash = sha256(token);
	const today = companyToday();
	const kept = cachedSession(store, hash, today);
	if (kept) {
		const [live] = await readRows<{ expires_at: string; revoked_at: string | null }>(store, 'session-live', liveQuery, [
			hash,
		]);
		return live && live.revoked_at === null && live.expires_at > iso(now()) ? kept : undefined;
	}
	const readAt = cacheGeneration();
	const [row] = await readRows<SessionRow>(store, 'session', sessionQuery, [today, today, hash]);
	if (!row || row.revoked_at !== null || row.expires_at <= iso(now())) return undefined;
	if (row.disabled_on !== null && row.disabled_on <= today) return undefined;
	const session = { person: personOf(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
	keepSession(store, hash, today, session, readAt);
	return session;
}

export async function signOut(store: Store, token: string, address: string | null): Promise<void> {
	await store.db.transaction().execute(async (tx) => {
		const row = await tx
			.updateTable('sessions')
			.set({ revoked_at: iso(now()) })
			.where('id_hash', '=', sha256(token))
			.where('revoked_at', 'is', null)
			.returning('person_id')
			.executeTakeFirst();
		if (row) await recordAudit(tx, { event: 'auth.logout', actor: personActor(row.person_id), address });
	});
	forgetCachedSessions();
}

// ---- API tokens ----

/** `admin` is read-write and may also create HR people or make someone HR. */
export type TokenScope = 'read' | 'read-write' | 'admin';

/** The furthest ahead a token may expire. */
export const MAX_TOKEN_DAYS = 366;

export interface ApiTokenInfo {
	id: string;
	name: string;
	scope: TokenScope;
	createdAt: string;
	expiresAt: string;
	revokedAt: string | null;
}

export class TokenError extends Error {
	override name = 'TokenError';
	readonly field: string;
	constructor(field: string, message: string) {
		super(`${field}: ${message}`);
		this.field = field;
	}
}

/** Creates a token; the plain token is returned once and only its hash is kept. Expiry: in the future, at most a year ahead. */
export async function createApiToken(
	store: Store,
	input: { name: string; scope: TokenScope; expiresAt: string },
	actor: Actor,
): Promise<{ token: string; info: ApiTokenInfo }> {
	const at = now();
	const expires = new Date(input.expiresAt);
	if (Number.isNaN(expires.getTime()))
		throw new TokenError('expiresAt', 'expected an ISO date-time such as 2027-01-01T00:00:00Z');
	if (expires <= at) throw new TokenError('expiresAt', 'must be in the future');
	if (expires.getTime() > at.getTime() + MAX_TOKEN_DAYS * 86_400_000)
		throw new TokenError('expiresAt', 'must be at most one year ahead');
	if (actor.kind !== 'person') throw new TokenError('token', 'API tokens are created by a signed-in HR person');
	const token = `zhidu_${newToken()}`;
	const info: ApiTokenInfo = {
		id: randomUUID(),
		name: input.name,
		scope: input.scope,
		createdAt: iso(at),
		expiresAt: expires.toISOString(),
		revokedAt: null,
	};
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('api_tokens')
			.values({
				id: info.id,
				name: info.name,
				token_hash: sha256(token),
				scope: info.scope,
				created_by: actor.personId,
				created_at: info.createdAt,
				expires_at: info.expiresAt,
				revoked_at: null,
			})
			.execute();
		await recordAudit(tx, {
			event: 'token.created',
			actor,
			subject: info.id,
			detail: { name: info.name, scope: info.scope, expiresAt: info.expiresAt },
		});
	});
	return { token, info };
}

export async function listApiTokens(store: Store): Promise<ApiTokenInfo[]> {
	const rows = await store.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		scope: r.scope,
		createdAt: r.created_at,
		expiresAt: r.expires_at,
		revokedAt: r.revoked_at,
	}));
}

export async function revokeApiToken(store: Store, id: string, actor: Actor): Promise<boolean> {
	return store.db.transaction().execute(async (tx) => {
		const result = await tx
			.updateTable('api_tokens')
			.set({ revoked_at: iso(now()) })
			.where('id', '=', id)
			.where('revoked_at', 'is', null)
			.executeTakeFirst();
		const revoked = Number(result.numUpdatedRows) > 0;
		if (revoked) await recordAudit(tx, { event: 'token.revoked', actor, subject: id });
		return revoked;
	});
}

export interface LiveToken {
	id: string;
	name: string;
	scope: TokenScope;
	createdBy: string;
}

/** A live bearer token, if valid: its scope, and its name and creator (the actor named in the audit log). */
export async function apiTokenScope(store: Store, token: string): Promise<LiveToken | undefined> {
	if (!token.startsWith('zhidu_') || token.length > 200) return undefined;
	const row = await store.db
		.selectFrom('api_tokens')
		.select(['id', 'name', 'scope', 'created_by', 'expires_at', 'revoked_at'])
		.where('token_hash', '=', sha256(token))
		.executeTakeFirst();
	if (!row || row.revoked_at !== null || row.expires_at <= iso(now())) return undefined;
	return { id: row.id, name: row.name, scope: row.scope, createdBy: row.created_by };
}

// ---- First start: the one-time setup links ----

/**
 * When no HR account exists, a new setup token. Every instance that starts
 * prints its own, and each works until the first HR account exists (see
 * `claimSetupTokens`): instances starting together do not revoke each other's.
 */
export async function issueSetupToken(store: Store): Promise<string> {
	const token = newToken();
	await store.db
		.insertInto('setup_tokens')
		.values({ token_hash: sha256(token), created_at: iso(now()), used_at: null })
		.execute();
	return token;
}

/**
 * Inside the transaction that creates the first HR account: uses up every
 * unused setup token at once, and says whether `token` was one of them. On
 * PostgreSQL a concurrent setup waits on the same rows and then finds none
 * left; if the setup fails, the transaction rolls back and the link still works.
 */
export async function claimSetupTokens(tx: Kysely<Database>, token: string): Promise<boolean> {
	const claimed = await tx
		.updateTable('setup_tokens')
		.set({ used_at: iso(now()) })
		.where('used_at', 'is', null)
		.returning('token_hash')
		.execute();
	return claimed.some((r) => r.token_hash === sha256(token));
}

export async function isSetupTokenValid(store: Store, token: string): Promise<boolean> {
	const row = await store.db
		.selectFrom('setup_tokens')
		.select('used_at')
		.where('token_hash', '=', sha256(token))
		.executeTakeFirst();
	return !!row && row.used_at === null;
}
