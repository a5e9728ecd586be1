/**
 * Reading before acknowledging (issue 15, item 4). A chapter page sends a
 * receipt when its reader reaches the chapter's end; the first receipt per
 * person, chapter and version is kept (a primary key), with its audit entry.
 * An acknowledgement is an attestation (the policy's statement, or the
 * default) made only once every chapter of that version has a receipt; the
 * check runs inside the acknowledgement's transaction, so the server refuses
 * it whatever a page shows. With `acknowledgement: signature` it is also an
 * electronic signature (src/lib/signature/).
 */
import type { Kysely } from 'kysely';
import { now } from '../calendar.ts';
import type { LoadedPolicy, LoadedVersion } from '../content/loader.ts';
import { personActor, recordAudit } from '../auth/audit.ts';
import { translator, type UiLanguage } from '../i18n/index.ts';
import type { Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';

export class ReadingError extends Error {
	override name = 'ReadingError';
	readonly field: string;
	readonly unread: string[];
	constructor(field: string, message: string, unread: string[] = []) {
		super(`${field}: ${message}`);
		this.field = field;
		this.unread = unread;
	}
}

export interface ReadingReceipt {
	policy: string;
	version: string;
	chapter: string;
	readAt: string;
}

function versionOf(policy: LoadedPolicy, version: string): LoadedVersion {
	const loaded = policy.versions.find((v) => v.meta.version === version);
	if (!loaded) throw new ReadingError('version', `${policy.id} has no version ${version}`);
	return loaded;
}

/** Records that the person reached the end of a chapter; the first receipt stands, later ones change nothing. */
export async function recordReadingReceipt(
	store: Store,
	input: { personId: string; policy: LoadedPolicy; version: string; chapter: string; address?: string | null },
): Promise<{ receipt: ReadingReceipt; created: boolean }> {
	const version = versionOf(input.policy, input.version);
	if (!version.chapters.some((c) => c.chapter.id === input.chapter))
		throw new ReadingError('chapter', `${input.policy.id} ${input.version} has no chapter ${input.chapter}`);
	const key = {
		person_id: input.personId,
		policy_id: input.policy.id,
		policy_version: input.version,
		chapter_id: input.chapter,
	};
	return store.db.transaction().execute(async (tx) => {
		const inserted = await tx
			.insertInto('reading_receipts')
			.values({ ...key, read_at: now().toISOString() })
			.onConflict((oc) => oc.columns(['person_id', 'policy_id', 'policy_version', 'chapter_id']).doNothing())
			.returning('read_at')
			.executeTakeFirst();
		const readAt =
			inserted?.read_at ??
			(
				await tx
					.selectFrom('reading_receipts')
					.select('read_at')
					.where('person_id', '=', key.person_id)
					.where('policy_id', '=', key.policy_id)
					.where('policy_version', '=', key.policy_version)
					.where('chapter_id', '=', key.chapter_id)
					.executeTakeFirstOrThrow()
			).read_at;
		if (inserted)
			await recordAudit(tx, {
				event: 'reading.receipt',
				actor: personActor(input.personId),
				subject: input.personId,
				address: input.address ?? null,
				detail: { policy: key.policy_id, version: key.policy_version, chapter: key.chapter_id },
			});
		return {
			receipt: { policy: key.policy_id, version: key.policy_version, chapter: key.chapter_id, readAt },
			created: !!inserted,
		};
	});
}

/** The person's receipts, oldest first (optionally for one policy, or one version of it). */
export async function readingReceipts(
	db: Kysely<Database>,
	personId: string,
	filter: { policy?: string; version?: string } = {},
): Promise<ReadingReceipt[]> {
	let query = db.selectFrom('reading_receipts').selectAll().where('person_id', '=', personId);
	if (filter.policy) query = query.where('policy_id', '=', filter.policy);
	if (filter.version) query = query.where('policy_version', '=', filter.version);
	const rows = await query.orderBy('read_at').execute();
	return rows.map((r) => ({
		policy: r.policy_id,
		version: r.policy_version,
		chapter: r.chapter_id,
		readAt: r.read_at,
	}));
}

/** The chapters of a version, in order, each with whether the person has a receipt for it. */
export function chapterReading(
	policy: LoadedPolicy,
	version: string,
	receipts: readonly ReadingReceipt[],
): { chapter: string; title: string; read: boolean; readAt: string | null }[] {
	const loaded = versionOf(policy, version);
	return loaded.chapters.map(({ chapter }) => {
		const receipt = receipts.find((r) => r.policy === policy.id && r.version === version && r.chapter === chapter.id);
		return { chapter: chapter.id, title: chapter.title, read: !!receipt, readAt: receipt?.readAt ?? null };
	});
}

/** Chapter ids of the version without a receipt from the person (checked with `db`, e.g. a transaction). */
export async function unreadChapters(
	db: Kysely<Database>,
	policy: LoadedPolicy,
	version: string,
	personId: string,
): Promise<string[]> {
	const receipts = await readingReceipts(db, personId, { policy: policy.id, version });
	return chapterReading(policy, version, receipts)
		.filter((c) => !c.read)
		.map((c) => c.chapter);
}

/** Whether acknowledging this policy is an electronic signature. */
export const acknowledgementIsSigned = (policy: LoadedPolicy) => policy.meta.acknowledgement === 'signature';

/** The attestation shown and recorded: the policy's own statement, or the default in the UI language. */
export function attestationStatement(policy: LoadedPolicy, version: string, lang: UiLanguage): string {
	const template = policy.meta.attestation;
	const values = { title: policy.meta.title, version };
	if (!template) return translator(lang)('attestationDefault', values);
	return template.replace(/\{(title|version)\}/g, (_, name: 'title' | 'version') => values[name]);
}
