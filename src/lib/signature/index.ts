/**
 * Electronic signatures, one module for every signed record (21 CFR Part 11
 * §11.50, §11.70, §11.200 style): acknowledgements (issue 15) and approvals
 * (issue 17) both sign through here.
 *
 * API
 * - `sign(store, request, write)`: the signer re-enters a credential; failed
 *   tries are counted and limited like sign-ins (`countAttempt`, key
 *   `signature:<person id>`: `maxFailures` per `windowMinutes`, default 5 per
 *   15 min; a good signature clears the count). When the credential holds,
 *   one transaction runs `write(tx)` (the caller's record, which returns the
 *   subject it signs: `{ kind, id, textHash }`), inserts the signature
 *   (printed name, instant, company time zone, meaning, method) and its audit
 *   entry. Returns `{ ok: true, signature, result }` or
 *   `{ ok: false, reason: 'invalid' | 'rate-limited' | 'no-credential',
 *   retryAfterSeconds? }` (a failure writes only its audit entry).
 * - `signatureMethodFor(identity)`: `account-password` (local accounts) or
 *   `signing-password` (proxy mode: the person sets one on their account page
 *   with `setSigningPassword`; `hasSigningPassword` says whether they have).
 * - `signaturesFor(db, kind, ids)`: the signatures of some subjects, by id.
 * - `manifestation(signature, lang)`: printed name, date and time in the
 *   company zone, meaning: the parts and one line of text, for pages and
 *   exports (§11.50).
 * - `signedTextHash(text)`: sha256 of a text, for `textHash`.
 * Nothing here imports Astro; the caller decides the meaning's wording.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { now } from '../calendar.ts';
import { nextTurn } from '../give-way.ts';
import { formatDateTime } from '../datetime.ts';
import { personActor, recordAudit, type Actor } from '../auth/audit.ts';
import { checkPassword } from '../auth/people.ts';
import { hashPassword, sha256, verifyPassword } from '../auth/secrets.ts';
import { countAttempt, defaultSessionPolicy } from '../auth/sessions.ts';
import { translator, type UiLanguage } from '../i18n/index.ts';
import type { Store } from '../store/database.ts';
import type { Database, SignaturesTable } from '../store/schema.ts';

/** Local accounts sign with their sign-in password; behind an SSO proxy, with a signing password of their own. */
export type SignatureMethod = 'account-password' | 'signing-password';

export const signatureMethodFor = (identity: 'local' | 'proxy'): SignatureMethod =>
	identity === 'proxy' ? 'signing-password' : 'account-password';

/** What a signature is bound to: a kind of record, its id, and the hash of the text signed. */
export interface SignatureSubject {
	kind: string;
	id: string;
	textHash: string;
}

export interface Signature {
	id: string;
	personId: string;
	subject: SignatureSubject;
	printedName: string;
	meaning: string;
	/** ISO instant (UTC). */
	signedAt: string;
	/** The company time zone the date and time are shown in. */
	timeZone: string;
	method: SignatureMethod;
}

export interface SignRequest {
	personId: string;
	/** The password typed by the signer, now. */
	credential: string;
	method: SignatureMethod;
	/** What the signature means, as shown to the signer (e.g. 閱讀確認, 核准). */
	meaning: string;
	timeZone: string;
	address?: string | null;
	/** Failed tries allowed per window (default: the sign-in limits). */
	limits?: { maxFailures: number; windowMinutes: number };
}

export type SignResult<T> =
	| { ok: true; signature: Signature; result: T }
	| { ok: false; reason: 'invalid' | 'rate-limited' | 'no-credential'; retryAfterSeconds?: number };

export const signatureLimitKey = (personId: string) => `signature:${personId}`;

export const signedTextHash = (text: string) => sha256(text);

/**
 * Verifies the signer's credential (counted against the limit before it is checked), then
 * writes the caller's record, the signature bound to it and the audit entry in one transaction.
 */
export async function sign<T>(
	store: Store,
	request: SignRequest,
	write: (tx: Kysely<Database>) => Promise<{ subject: SignatureSubject; result: T }>,
): Promise<SignResult<T>> {
	const limits = request.limits ?? defaultSessionPolicy;
	const actor: Actor = personActor(request.personId);
	const address = request.address ?? null;
	const person = await store.db
		.selectFrom('people')
		.select(['id', 'name', 'password_hash', 'signing_password_hash'])
		.where('id', '=', request.personId)
		.executeTakeFirst();
	const stored = request.method === 'signing-password' ? person?.signing_password_hash : person?.password_hash;
	if (!person || !stored) return { ok: false, reason: 'no-credential' };
	const at = now();
	const counted = await countAttempt(store.db, signatureLimitKey(person.id), at, limits.windowMinutes);
	if (counted.count > limits.maxFailures) {
		await recordAudit(store.db, { event: 'signature.rate-limited', actor, subject: person.id, address });
		const retryAt = new Date(counted.windowStart).getTime() + limits.windowMinutes * 60_000;
		return {
			ok: false,
			reason: 'rate-limited',
			retryAfterSeconds: Math.max(1, Math.ceil((retryAt - at.getTime()) / 1000)),
		};
	}
	// scrypt before the transaction: no write lock waits on hashing.
	if (!(await verifyPassword(request.credential, stored))) {
		await recordAudit(store.db, {
			event: 'signature.failed',
			actor,
			subject: person.id,
			address,
			detail: { method: request.method },
		});
		return { ok: false, reason: 'invalid' };
	}
	return store.db.transaction().execute(async (tx) => {
		const { subject, result } = await write(tx);
		const signature: Signature = {
			id: randomUUID(),
			personId: person.id,
			subject,
			printedName: person.name,
			meaning: request.meaning,
			signedAt: now().toISOString(),
			timeZone: request.timeZone,
			method: request.method,
		};
		await tx.insertInto('signatures').values(toRow(signature)).execute();
		await tx.deleteFrom('login_limits').where('key', '=', signatureLimitKey(person.id)).execute();
		await recordAudit(tx, {
			event: 'signature.recorded',
			actor,
			subject: `${subject.kind}:${subject.id}`,
			address,
			detail: {
				signature: signature.id,
				kind: subject.kind,
				id: subject.id,
				textHash: subject.textHash,
				printedName: signature.printedName,
				meaning: signature.meaning,
				method: signature.method,
			},
		});
		return { ok: true as const, signature, result };
	});
}

const toRow = (s: Signature): SignaturesTable => ({
	id: s.id,
	person_id: s.personId,
	subject_kind: s.subject.kind,
	subject_id: s.subject.id,
	text_hash: s.subject.textHash,
	printed_name: s.printedName,
	meaning: s.meaning,
	signed_at: s.signedAt,
	time_zone: s.timeZone,
	method: s.method,
});

const fromRow = (r: SignaturesTable): Signature => ({
	id: r.id,
	personId: r.person_id,
	subject: { kind: r.subject_kind, id: r.subject_id, textHash: r.text_hash },
	printedName: r.printed_name,
	meaning: r.meaning,
	signedAt: r.signed_at,
	timeZone: r.time_zone,
	method: r.method as SignatureMethod,
});

const SIGNATURE_BATCH = 5000;

const signatureRows = (db: Kysely<Database>, kind: string, ids: string[]) =>
	db
		.selectFrom('signatures')
		.selectAll()
		.where('subject_kind', '=', kind)
		.where('subject_id', 'in', ids)
		.orderBy('signed_at')
		.execute();

/** The signatures of these subjects of one kind, by subject id (oldest first). */
export async function signaturesFor(
	db: Kysely<Database>,
	kind: string,
	ids: readonly string[],
): Promise<Map<string, Signature[]>> {
	const map = new Map<string, Signature[]>();
	const unique = [...new Set(ids)];
	// A report asks for thousands: in batches, as a statement takes a bounded number of parameters (SQLite
	// 32,766, PostgreSQL 65,535), one after another (not a pooled connection each: the health check needs
	// one too), each in its own turn of the event loop (a SQLite read holds the thread).
	const found: Awaited<ReturnType<typeof signatureRows>>[] = [];
	for (let start = 0; start < unique.length; start += SIGNATURE_BATCH) {
		if (start > 0) await nextTurn();
		found.push(await signatureRows(db, kind, unique.slice(start, start + SIGNATURE_BATCH)));
	}
	// A subject's signatures are all in its one batch, oldest first.
	for (const row of found.flat()) {
		const list = map.get(row.subject_id) ?? [];
		list.push(fromRow(row));
		map.set(row.subject_id, list);
	}
	return map;
}

export interface Manifestation {
	printedName: string;
	/** Date and time in the signature's time zone, in the UI language. */
	dateTime: string;
	timeZone: string;
	meaning: string;
	/** All of it on one line, for exports and print. */
	text: string;
}

/** How a signature is shown wherever its record is (§11.50): name, date and time, meaning. */
export function manifestation(signature: Signature, lang: UiLanguage): Manifestation {
	const dateTime = formatDateTime(signature.signedAt, lang, signature.timeZone);
	const parts = {
		printedName: signature.printedName,
		dateTime,
		timeZone: signature.timeZone,
		meaning: signature.meaning,
	};
	const text = translator(lang)('signatureManifestation', {
		name: parts.printedName,
		dateTime,
		zone: parts.timeZone,
		meaning: parts.meaning,
	});
	return { ...parts, text };
}

/** Sets (or replaces) the person's signing password (proxy mode), with its audit entry. */
export async function setSigningPassword(
	store: Store,
	personId: string,
	password: string,
	actor: Actor = personActor(personId),
	address: string | null = null,
): Promise<void> {
	checkPassword(password);
	const hash = await hashPassword(password);
	await store.db.transaction().execute(async (tx) => {
		await tx.updateTable('people').set({ signing_password_hash: hash }).where('id', '=', personId).execute();
		await recordAudit(tx, { event: 'person.signing-password-set', actor, subject: personId, address });
	});
}

export async function hasSigningPassword(store: Pick<Store, 'db'>, personId: string): Promise<boolean> {
	const row = await store.db
		.selectFrom('people')
		.select('signing_password_hash')
		.where('id', '=', personId)
		.executeTakeFirst();
	return !!row?.signing_password_hash;
}
