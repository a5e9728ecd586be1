/**
 * Roster files staged between the preview and the import on the HR page:
 * the preview keeps the uploaded bytes here and hands the page a token; the
 * confirm (or a preview in another encoding) sends only the token and the
 * encoding. So a file as large as the body limit allows can be confirmed
 * (carried back in the form, as base64, it would be a third larger).
 *
 * The token is random (256 bits) and stored only as its SHA-256; it reads the
 * file only for the person who uploaded it and only for an hour. Staged files
 * are deleted once imported, when they expire (on the next staging or
 * look-up), and past the last few per person.
 */
import { now } from '../calendar.ts';
import type { Store } from '../store/database.ts';
import { newToken, sha256 } from './secrets.ts';

/** How long a previewed file can be confirmed. */
export const ROSTER_UPLOAD_TTL_MS = 60 * 60 * 1000;
/** Staged files kept per person: an older preview is gone once a person has this many newer ones. */
const KEPT_PER_PERSON = 3;

export interface StagedRosterFile {
	fileName: string;
	bytes: Uint8Array;
}

/** A token as newToken makes them: anything else is not looked up. */
const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/** Keeps the file for `personId`; answers the token that reads it back. */
export async function stageRosterUpload(store: Store, personId: string, file: StagedRosterFile): Promise<string> {
	const token = newToken();
	const at = now();
	await store.db.transaction().execute(async (tx) => {
		await tx.deleteFrom('roster_uploads').where('expires_at', '<=', at.toISOString()).execute();
		await tx
			.insertInto('roster_uploads')
			.values({
				token_hash: sha256(token),
				person_id: personId,
				file_name: file.fileName.slice(0, 255),
				bytes: Buffer.from(file.bytes),
				created_at: at.toISOString(),
				expires_at: new Date(at.getTime() + ROSTER_UPLOAD_TTL_MS).toISOString(),
			})
			.execute();
		const older = await tx
			.selectFrom('roster_uploads')
			.select('token_hash')
			.where('person_id', '=', personId)
			.orderBy('created_at', 'desc')
			.offset(KEPT_PER_PERSON)
			.limit(1000)
			.execute();
		if (older.length)
			await tx
				.deleteFrom('roster_uploads')
				.where(
					'token_hash',
					'in',
					older.map((o) => o.token_hash),
				)
				.execute();
	});
	return token;
}

/** The staged file, if `token` is one `personId` was given and it has not expired; undefined otherwise. */
export async function stagedRosterUpload(
	store: Store,
	token: string,
	personId: string,
): Promise<StagedRosterFile | undefined> {
	if (!tokenShape.test(token)) return undefined;
	const row = await store.db
		.selectFrom('roster_uploads')
		.select(['file_name', 'bytes'])
		.where('token_hash', '=', sha256(token))
		.where('person_id', '=', personId)
		.where('expires_at', '>', now().toISOString())
		.executeTakeFirst();
	return row ? { fileName: row.file_name, bytes: new Uint8Array(row.bytes) } : undefined;
}

/** Deletes a staged file (once imported). */
export async function discardRosterUpload(store: Store, token: string): Promise<void> {
	if (tokenShape.test(token))
		await store.db.deleteFrom('roster_uploads').where('token_hash', '=', sha256(token)).execute();
}
