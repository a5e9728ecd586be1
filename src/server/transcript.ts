/**
 * A person's transcript: every acknowledgement (when, which policy version,
 * the statement, the signature's manifestation) and every certificate (passed
 * on, quiz, policy version, expiry, verification code, state today), oldest
 * first. The same records as the HR person page and the dashboard, read once.
 */
import { findPerson, type Person } from '../lib/auth/people.ts';
import { formatDateTime } from '../lib/datetime.ts';
import { getAttempt } from '../lib/quiz/attempts.ts';
import { manifestation, signaturesFor, type Manifestation } from '../lib/signature/index.ts';
import type { Store } from '../lib/store/database.ts';
import { todayIn } from '../lib/versions.ts';
import { uiLanguage } from './acknowledging.ts';
import { catalog, policyOf, today } from './catalog.ts';
import { certificateOf, type Certificate } from './certificates.ts';

export interface TranscriptAcknowledgement {
	id: string;
	at: string;
	on: string;
	policyTitle: string;
	version: string;
	statement: string | null;
	signature: Manifestation | undefined;
}

export interface Transcript {
	person: Person;
	asOf: string;
	acknowledgements: TranscriptAcknowledgement[];
	certificates: Certificate[];
}

export async function transcriptOf(store: Store, personId: string): Promise<Transcript | undefined> {
	const person = await findPerson(store, { id: personId });
	if (!person) return undefined;
	const lang = uiLanguage();
	const { timeZone } = catalog();
	const rows = await store.db
		.selectFrom('acknowledgements')
		.selectAll()
		.where('person_id', '=', personId)
		.orderBy('acknowledged_at')
		.execute();
	const signatures = await signaturesFor(
		store.db,
		'acknowledgement',
		rows.map((r) => r.id),
	);
	const passes = await store.db
		.selectFrom('attempts')
		.innerJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select('attempts.id')
		.where('attempts.person_id', '=', personId)
		.where('attempt_grades.passed', '=', 1)
		.orderBy('attempt_grades.graded_at')
		.execute();
	const certificates: Certificate[] = [];
	for (const { id } of passes) {
		const attempt = await getAttempt(store, id);
		const certificate = attempt ? await certificateOf(store, attempt) : undefined;
		if (certificate) certificates.push(certificate);
	}
	return {
		person,
		asOf: today(),
		acknowledgements: rows.map((r) => {
			const signature = signatures.get(r.id)?.[0];
			return {
				id: r.id,
				at: formatDateTime(r.acknowledged_at, lang, timeZone),
				on: todayIn(timeZone, new Date(r.acknowledged_at)),
				policyTitle: policyOf(r.policy_id)?.meta.title ?? r.policy_id,
				version: r.policy_version,
				statement: r.statement,
				signature: signature ? manifestation(signature, lang) : undefined,
			};
		}),
		certificates,
	};
}
