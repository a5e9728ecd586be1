/**
 * Sign-in sessions in the database (so every instance shares them), failed
 * sign-in counters in the database (so every instance enforces the same
 * limit), API tokens and the one-time setup link for the first HR account.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/database.ts';
import { recordAudit } from './audit.ts';
import { findPerson, type Person } from './people.ts';
import { newToken, sha256, verifyPassword } from './secrets.ts';

const iso = (date: Date) => date.toISOString();

export interface SessionPolicy {
	/** How long a session lasts, in minutes. */
	lifetimeMinutes: number;
	/** Failed sign-ins allowed per account and per address in the window. */
	maxFailures: number;
	windowMinutes: number;
}

export const defaultSessionPolicy: SessionPolicy = { lifetimeMinutes: 8 * 60, maxFailures: 5, windowMinutes: 15 };

export interface Session {
	person: Person;
	csrfToken: string;
	expiresAt: string;
}

export type SignInResult =
	| { ok: true; token: string; session: Session }
	| { ok: false; reason: 'rate-limited' | 'invalid'; retryAfterSeconds?: number };

async function recentFailures(store: Store, key: string, policy: SessionPolicy): Promise<number> {
	const since = iso(new Date(Date.now() - policy.windowMinutes * 60_000));
	const row = await store.db
		.selectFrom('login_failures')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('key', '=', key)
		.where('at', '>=', since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Checks the password; on success starts a new session (a fresh id every time: no fixation). */
export async function signIn(
	store: Store,
	email: string,
	password: string,
	address: string,
	policy: SessionPolicy = defaultSessionPolicy,
): Promise<SignInResult> {
	const account = `account:${email.trim().toLowerCase()}`;
	const from = `address:${address}`;
	const [byAccount, byAddress] = await Promise.all([
		recentFailures(store, account, policy),
		recentFailures(store, from, policy),
	]);
	if (byAccount >= policy.maxFailures || byAddress >= policy.maxFailures * 4) {
		await recordAudit(store, { event: 'auth.rate-limited', subject: email, address });
		return { ok: false, reason: 'rate-limited', retryAfterSeconds: policy.windowMinutes * 60 };
	}
	const row = await store.db
		.selectFrom('people')
		.select(['id', 'password_hash', 'disabled_on'])
		.where('email', '=', email.trim().toLowerCase())
		.executeTakeFirst();
	const today = new Date().toISOString().slice(0, 10);
	const passwordOk = await verifyPassword(password, row?.password_hash);
	if (!row || !passwordOk || (row.disabled_on !== null && row.disabled_on <= today)) {
		const at = iso(new Date());
		await store.db
			.insertInto('login_failures')
			.values([
				{ key: account, at },
				{ key: from, at },
			])
			.execute();
		await recordAudit(store, { event: 'auth.login-failed', subject: email, address });
		return { ok: false, reason: 'invalid' };
	}
	const token = newToken();
	const csrfToken = newToken(24);
	const expiresAt = iso(new Date(Date.now() + policy.lifetimeMinutes * 60_000));
	await store.db
		.insertInto('sessions')
		.values({
			id_hash: sha256(token),
			person_id: row.id,
			csrf_token: csrfToken,
			created_at: iso(new Date()),
			expires_at: expiresAt,
			revoked_at: null,
		})
		.execute();
	await recordAudit(store, { event: 'auth.login', actorId: row.id, address });
	const person = (await findPerson(store, { id: row.id }))!;
	return { ok: true, token, session: { person, csrfToken, expiresAt } };
}

/** The live session behind a cookie token, if any. */
export async function sessionFor(store: Store, token: string | undefined): Promise<Session | undefined> {
	if (!token || token.length > 200) return undefined;
	const row = await store.db
		.selectFrom('sessions')
		.select(['person_id', 'csrf_token', 'expires_at', 'revoked_at'])
		.where('id_hash', '=', sha256(token))
		.executeTakeFirst();
	if (!row || row.revoked_at !== null || row.expires_at <= iso(new Date())) return undefined;
	const person = await findPerson(store, { id: row.person_id });
	if (!person || (person.disabledOn !== null && person.disabledOn <= new Date().toISOString().slice(0, 10)))
		return undefined;
	return { person, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function signOut(store: Store, token: string, address: string | null): Promise<void> {
	const row = await store.db
		.selectFrom('sessions')
		.select('person_id')
		.where('id_hash', '=', sha256(token))
		.executeTakeFirst();
	await store.db
		.updateTable('sessions')
		.set({ revoked_at: iso(new Date()) })
		.where('id_hash', '=', sha256(token))
		.execute();
	if (row) await recordAudit(store, { event: 'auth.logout', actorId: row.person_id, address });
}

// ---- API tokens ----

export type TokenScope = 'read' | 'read-write';

export interface ApiTokenInfo {
	id: string;
	name: string;
	scope: TokenScope;
	createdAt: string;
	expiresAt: string;
	revokedAt: string | null;
}

/** Creates a token; the plain token is returned once and only its hash is kept. */
export async function createApiToken(
	store: Store,
	input: { name: string; scope: TokenScope; expiresAt: string },
	actorId: string,
): Promise<{ token: string; info: ApiTokenInfo }> {
	const token = `zhidu_${newToken()}`;
	const info: ApiTokenInfo = {
		id: randomUUID(),
		name: input.name,
		scope: input.scope,
		createdAt: iso(new Date()),
		expiresAt: input.expiresAt,
		revokedAt: null,
	};
	await store.db
		.insertInto('api_tokens')
		.values({
			id: info.id,
			name: info.name,
			token_hash: sha256(token),
			scope: info.scope,
			created_by: actorId,
			created_at: info.createdAt,
			expires_at: info.expiresAt,
			revoked_at: null,
		})
		.execute();
	await recordAudit(store, {
		event: 'token.created',
		actorId,
		subject: info.id,
		detail: { name: info.name, scope: info.scope },
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

export async function revokeApiToken(store: Store, id: string, actorId: string): Promise<boolean> {
	const result = await store.db
		.updateTable('api_tokens')
		.set({ revoked_at: iso(new Date()) })
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	const revoked = Number(result.numUpdatedRows) > 0;
	if (revoked) await recordAudit(store, { event: 'token.revoked', actorId, subject: id });
	return revoked;
}

/** The scope of a live bearer token, if valid. */
export async function apiTokenScope(
	store: Store,
	token: string,
): Promise<{ id: string; scope: TokenScope } | undefined> {
	if (!token.startsWith('zhidu_') || token.length > 200) return undefined;
	const row = await store.db
		.selectFrom('api_tokens')
		.select(['id', 'scope', 'expires_at', 'revoked_at'])
		.where('token_hash', '=', sha256(token))
		.executeTakeFirst();
	if (!row || row.revoked_at !== null || row.expires_at <= iso(new Date())) return undefined;
	return { id: row.id, scope: row.scope };
}

// ---- First start: the one-time setup link ----

/** When no HR account exists, a new one-time setup token (older unused ones stop working). */
export async function issueSetupToken(store: Store): Promise<string> {
	const token = newToken();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.updateTable('setup_tokens')
			.set({ used_at: iso(new Date()) })
			.where('used_at', 'is', null)
			.execute();
		await tx
			.insertInto('setup_tokens')
			.values({ token_hash: sha256(token), created_at: iso(new Date()), used_at: null })
			.execute();
	});
	return token;
}

/** Uses up a setup token; true only once, and only while no HR account exists. */
export async function consumeSetupToken(store: Store, token: string): Promise<boolean> {
	const result = await store.db
		.updateTable('setup_tokens')
		.set({ used_at: iso(new Date()) })
		.where('token_hash', '=', sha256(token))
		.where('used_at', 'is', null)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

export async function isSetupTokenValid(store: Store, token: string): Promise<boolean> {
	const row = await store.db
		.selectFrom('setup_tokens')
		.select('used_at')
		.where('token_hash', '=', sha256(token))
		.executeTakeFirst();
	return !!row && row.used_at === null;
}
