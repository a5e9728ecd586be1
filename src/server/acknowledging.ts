/**
 * Acknowledging a version, for the API route and the attestation page alike:
 * the version in force only, every chapter read (the domain checks it in the
 * record's transaction), the statement shown recorded with it, and, when the
 * policy asks for a signature, the password re-entered through the signature
 * module (src/lib/signature/). Errors are HttpErrors naming the field, with a
 * message in the UI language.
 */
import type { LoadedPolicy } from '../lib/content/loader.ts';
import { readBuildConfig } from '../lib/config.ts';
import { translator } from '../lib/i18n/index.ts';
import { numbered } from '../lib/content/numbering.ts';
import { versionHash } from '../lib/content/version-hash.ts';
import { formatDateTime } from '../lib/datetime.ts';
import {
	hasSigningPassword,
	manifestation,
	signatureMethodFor,
	signaturesFor,
	type Manifestation,
	type Signature,
	type SignatureMethod,
} from '../lib/signature/index.ts';
import {
	acknowledgementIsSigned,
	attestationStatement,
	chapterReading,
	readingReceipts,
	ReadingError,
} from '../lib/tracking/reading.ts';
import { chapterUrl } from '../lib/urls.ts';
import { todayIn } from '../lib/versions.ts';
import { acknowledge, acknowledgeSigned, type AcknowledgementRow } from '../lib/tracking/tracking.ts';
import { HttpError } from './api.ts';
import type { ZhiduLocals } from './app.ts';
import { catalog, policyOf, versionInForceOf } from './catalog.ts';

export const uiLanguage = () => readBuildConfig().uiLanguage;

export interface AcknowledgeOutcome {
	record: AcknowledgementRow;
	created: boolean;
	signature: Signature | undefined;
}

/** The policy and the version in force, or a 404/409 naming the field. */
export function policyToAcknowledge(
	policyId: string,
	version: string | undefined,
): { policy: LoadedPolicy; version: string } {
	const t = translator(uiLanguage());
	const policy = policyOf(policyId);
	if (!policy) throw new HttpError(404, `no policy "${policyId}"`, { policy: t('ackNoPolicy') });
	const inForce = versionInForceOf(policy.id)?.meta.version;
	if (!inForce) throw new HttpError(409, `${policy.id} has no version in force`);
	const wanted = version ?? inForce;
	if (wanted !== inForce)
		throw new HttpError(409, `version ${wanted} is not in force; acknowledge version ${inForce}`, {
			version: t('ackNotInForce', { version: inForce }),
		});
	return { policy, version: wanted };
}

export async function acknowledgeAsPerson(
	server: ZhiduLocals,
	personId: string,
	input: { policy: string; version?: string | undefined; password?: string | undefined },
): Promise<AcknowledgeOutcome> {
	const lang = uiLanguage();
	const t = translator(lang);
	const { policy, version } = policyToAcknowledge(input.policy, input.version);
	const statement = attestationStatement(policy, version, lang);
	const options = { statement, address: server.clientAddress };
	try {
		if (!acknowledgementIsSigned(policy)) {
			const { record, created } = await acknowledge(server.store, policy, version, personId, options);
			return { record, created, signature: undefined };
		}
		if (!input.password)
			throw new HttpError(400, 'this policy is acknowledged by signing: send password', {
				password: t('signPasswordRequired'),
			});
		const method = signatureMethodFor(server.config.identity);
		const signed = await acknowledgeSigned(
			server.store,
			policy,
			version,
			personId,
			{ credential: input.password, method, meaning: t('ackSignatureMeaning'), timeZone: catalog().timeZone },
			options,
		);
		if (signed.ok) return { ...signed.result, signature: signed.signature };
		if (signed.reason === 'rate-limited')
			throw new HttpError(
				429,
				'too many failed signing tries; wait and try again',
				{ password: t('signRateLimited', { minutes: Math.ceil((signed.retryAfterSeconds ?? 60) / 60) }) },
				{ 'retry-after': String(signed.retryAfterSeconds ?? 60) },
			);
		if (signed.reason === 'no-credential')
			throw new HttpError(409, 'set a signing password on your account page first', {
				password: t('signNoSigningPassword'),
			});
		throw new HttpError(403, 'the password is wrong; nothing was signed', { password: t('signWrongPassword') });
	} catch (error) {
		if (error instanceof ReadingError)
			throw new HttpError(409, error.message, {
				chapters: t('ackUnread', { chapters: error.unread.join(', ') }),
			});
		throw error;
	}
}

/** The manifestation of an acknowledgement's signature in the UI language (name, date and time, meaning). */
export const signatureLine = (signature: Signature | undefined) =>
	signature ? manifestation(signature, uiLanguage()) : undefined;

const signatureJson = (signature: Signature | undefined) =>
	signature
		? {
				printedName: signature.printedName,
				signedAt: signature.signedAt,
				timeZone: signature.timeZone,
				meaning: signature.meaning,
				method: signature.method,
				manifestation: signatureLine(signature)!.text,
			}
		: null;

/** An acknowledgement as the API answers it (POST and GET /api/v1/acknowledgements). */
export const acknowledgementJson = (row: AcknowledgementRow, signature?: Signature) => ({
	id: row.id,
	policy: row.policy_id,
	version: row.policy_version,
	textHash: row.text_hash,
	acknowledgedAt: row.acknowledged_at,
	acknowledgedOn: todayIn(catalog().timeZone, new Date(row.acknowledged_at)),
	statement: row.statement,
	signature: signatureJson(signature),
});

export interface AttestationView {
	policy: LoadedPolicy;
	version: string | undefined;
	statement: string | undefined;
	signed: boolean;
	method: SignatureMethod;
	hasSigningPassword: boolean;
	chapters: { chapter: string; title: string; url: string; read: boolean; readOn: string | null }[];
	read: number;
	acknowledgement:
		{ at: string; version: string; statement: string | null; signature: Manifestation | undefined } | undefined;
}

/** What the attestation page shows a person for a policy: the reading to do, the statement, and what is done. */
export async function attestationView(
	server: ZhiduLocals,
	personId: string,
	policy: LoadedPolicy,
): Promise<AttestationView> {
	const lang = uiLanguage();
	const version = versionInForceOf(policy.id)?.meta.version;
	const method = signatureMethodFor(server.config.identity);
	const { timeZone } = catalog();
	const receipts = version ? await readingReceipts(server.store.db, personId, { policy: policy.id, version }) : [];
	const chapters = version
		? chapterReading(policy, version, receipts).map((c) => ({
				chapter: c.chapter,
				title: numberedChapterTitle(policy, version, c.chapter, c.title),
				url: chapterUrl(policy.id, version, c.chapter),
				read: c.read,
				readOn: c.readAt ? todayIn(timeZone, new Date(c.readAt)) : null,
			}))
		: [];
	const textHash = version ? versionHash(policy, version) : undefined;
	const row = version
		? await server.store.db
				.selectFrom('acknowledgements')
				.selectAll()
				.where('person_id', '=', personId)
				.where('policy_id', '=', policy.id)
				.where('policy_version', '=', version)
				.where('text_hash', '=', textHash!)
				.orderBy('acknowledged_at')
				.executeTakeFirst()
		: undefined;
	const signature = row
		? (await signaturesFor(server.store.db, 'acknowledgement', [row.id])).get(row.id)?.[0]
		: undefined;
	return {
		policy,
		version,
		statement: version ? attestationStatement(policy, version, lang) : undefined,
		signed: acknowledgementIsSigned(policy),
		method,
		hasSigningPassword: method === 'signing-password' ? await hasSigningPassword(server.store, personId) : true,
		chapters,
		read: chapters.filter((c) => c.read).length,
		acknowledgement: row
			? {
					at: formatDateTime(row.acknowledged_at, lang, timeZone),
					version: row.policy_version,
					statement: row.statement,
					signature: signature ? manifestation(signature, lang) : undefined,
				}
			: undefined,
	};
}

function numberedChapterTitle(policy: LoadedPolicy, version: string, chapterId: string, title: string): string {
	const loaded = policy.versions.find((v) => v.meta.version === version);
	return numbered(loaded?.numbers.chapters.get(chapterId), title);
}
