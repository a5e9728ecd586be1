/**
 * Invitation and password-reset links (issue 16): 256 random bits, stored
 * only as SHA-256, single use, valid for 7 days. The email is written to the
 * outbox in the link's transaction; when email is off HR gets the link to
 * copy. Asking for a reset never says whether the address exists, and is
 * limited per email and per address (no mail-bombing). Using a link sets the
 * password, which ends every other session of that person.
 */
import { now } from '../calendar.ts';
import type { Store } from '../store/database.ts';
import { readNotifyConfig, type NotifyConfig } from '../notify/config.ts';
import { accountLinkEmail } from '../notify/messages.ts';
import { enqueue } from '../notify/outbox.ts';
import { anonymousActor, personActor, recordAudit, type Actor } from './audit.ts';
import { checkPassword, writePasswordHash } from './people.ts';
import { hashPassword, newToken, sha256 } from './secrets.ts';
import { countAttempt } from './sessions.ts';
import { companyToday } from '../calendar.ts';

export type LinkPurpose = 'invitation' | 'password-reset';
export const LINK_DAYS = 7;
/** Reset requests per email, and per address, in an hour. */
export const RESET_LIMIT = { perEmail: 3, perAddress: 10, windowMinutes: 60 };

const linkPath = (purpose: LinkPurpose) => (purpose === 'invitation' ? '/welcome/' : '/reset/');

export interface IssuedLink {
	url: string;
	/** Whether an email carries it (email on); otherwise HR copies it. */
	emailed: boolean;
}

async function issue(
	store: Store,
	person: { id: string; name: string; email: string },
	purpose: LinkPurpose,
	actor: Actor,
	address: string | null,
	config: NotifyConfig,
): Promise<IssuedLink> {
	const token = newToken(32);
	const at = now();
	const url = `${config.baseUrl}${linkPath(purpose)}?token=${token}`;
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('account_links')
			.values({
				token_hash: sha256(token),
				person_id: person.id,
				purpose,
				created_at: at.toISOString(),
				expires_at: new Date(at.getTime() + LINK_DAYS * 86_400_000).toISOString(),
				used_at: null,
			})
			.execute();
		await recordAudit(tx, { event: `account-link.${purpose}`, actor, subject: person.id, address });
		await enqueue(
			tx,
			[
				{
					event: `account.${purpose}`,
					email: accountLinkEmail({ to: person.email, name: person.name, url, purpose }, config.language),
				},
			],
			config,
			at,
		);
	});
	return { url, emailed: !!config.email };
}

/** HR invites a person from the roster: a link to set their password. */
export async function invite(
	store: Store,
	personId: string,
	actor: Actor,
	address: string | null = null,
	config: NotifyConfig = readNotifyConfig(),
): Promise<IssuedLink | undefined> {
	const person = await store.db
		.selectFrom('people')
		.select(['id', 'name', 'email', 'disabled_on'])
		.where('id', '=', personId)
		.executeTakeFirst();
	if (!person || (person.disabled_on !== null && person.disabled_on <= companyToday())) return undefined;
	return issue(store, person, 'invitation', actor, address, config);
}

/**
 * "Forgot password": sends a reset link when the email belongs to an active person and the limits
 * allow; answers nothing either way (the page says the same for every address).
 */
export async function requestPasswordReset(
	store: Store,
	email: string,
	address: string,
	config: NotifyConfig = readNotifyConfig(),
): Promise<void> {
	const normalised = email.trim().toLowerCase().slice(0, 320);
	const at = now();
	// Counted before looking the address up, the same for known and unknown emails.
	const byEmail = await countAttempt(store.db, `reset-email:${normalised}`, at, RESET_LIMIT.windowMinutes);
	const byAddress = await countAttempt(store.db, `reset-address:${address}`, at, RESET_LIMIT.windowMinutes);
	if (byEmail.count > RESET_LIMIT.perEmail || byAddress.count > RESET_LIMIT.perAddress) {
		await recordAudit(store.db, {
			event: 'auth.reset-rate-limited',
			actor: anonymousActor,
			subject: normalised,
			address,
		});
		return;
	}
	const person = await store.db
		.selectFrom('people')
		.select(['id', 'name', 'email', 'disabled_on'])
		.where('email', '=', normalised)
		.executeTakeFirst();
	if (!person || (person.disabled_on !== null && person.disabled_on <= companyToday())) return;
	await issue(store, person, 'password-reset', anonymousActor, address, config);
}

/** Whether a link can still be used (for showing the form). */
export async function linkUsable(store: Store, token: string, purpose: LinkPurpose): Promise<boolean> {
	if (!token || token.length > 200) return false;
	const row = await store.db
		.selectFrom('account_links')
		.select(['expires_at', 'used_at'])
		.where('token_hash', '=', sha256(token))
		.where('purpose', '=', purpose)
		.executeTakeFirst();
	return !!row && row.used_at === null && row.expires_at > now().toISOString();
}

export class LinkError extends Error {
	override name = 'LinkError';
}

/**
 * Sets the password through a link, once: the link is marked used in the same transaction (a second
 * use finds it used), and every session of the person ends. Throws PersonError for a weak password
 * (the link stays usable) and LinkError for a used, expired or unknown link.
 */
export async function useLink(
	store: Store,
	token: string,
	purpose: LinkPurpose,
	password: string,
	address: string | null = null,
): Promise<{ personId: string; email: string }> {
	checkPassword(password);
	const hash = await hashPassword(password);
	return store.db.transaction().execute(async (tx) => {
		const at = now().toISOString();
		const row = await tx
			.updateTable('account_links')
			.set({ used_at: at })
			.where('token_hash', '=', sha256(token))
			.where('purpose', '=', purpose)
			.where('used_at', 'is', null)
			.where('expires_at', '>', at)
			.returning('person_id')
			.executeTakeFirst();
		if (!row) throw new LinkError('link used, expired or unknown');
		const person = await tx
			.selectFrom('people')
			.select(['email', 'disabled_on'])
			.where('id', '=', row.person_id)
			.executeTakeFirstOrThrow();
		if (person.disabled_on !== null && person.disabled_on <= companyToday()) throw new LinkError('account disabled');
		await writePasswordHash(tx, row.person_id, hash, personActor(row.person_id));
		await recordAudit(tx, {
			event: `account-link.used`,
			actor: personActor(row.person_id),
			subject: row.person_id,
			address,
			detail: { purpose },
		});
		return { personId: row.person_id, email: person.email };
	});
}
