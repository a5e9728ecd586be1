/**
 * What a certificate says and where it stands today: read from the attempt's
 * record (who, which quiz, which policy version, when) and, for "current,
 * outdated or expired", the same rule the HR dashboard uses, on the company
 * calendar. Only the person's name: the verification page shows this to
 * anyone holding the code.
 */
import { findPerson } from '../lib/auth/people.ts';
import { addMonths, todayIn } from '../lib/calendar.ts';
import { attemptByCode, ensureCertificateCode, type AttemptRecord } from '../lib/quiz/attempts.ts';
import { normaliseVerificationCode } from '../lib/quiz/verification-code.ts';
import type { Store } from '../lib/store/database.ts';
import { certificationStatus, type CertificationState } from '../lib/tracking/status.ts';
import { catalog, findQuiz, policyOf, today } from './catalog.ts';

export interface Certificate {
	attemptId: string;
	code: string;
	personName: string;
	quizTitle: string;
	policyTitle: string;
	policyVersion: string;
	passedOn: string;
	validUntil: string;
	/** The score of the pass: on the certificate, never on the verification page. */
	score: number;
	state: Exclude<CertificationState, 'none'>;
	/** When outdated: the version in force that changed what the quiz covers. */
	outdatedBy: string | undefined;
}

/** The certificate of a passed attempt, as of `asOf` (default: today on the company calendar). */
export async function certificateOf(
	store: Store,
	attempt: AttemptRecord,
	asOf = today(),
): Promise<Certificate | undefined> {
	const record = attempt.grade?.record;
	if (!record?.passed) return undefined;
	const code = await ensureCertificateCode(store, attempt.id);
	const person = await findPerson(store, { id: attempt.personId });
	const quiz = findQuiz(attempt.quizId);
	const policy = policyOf(attempt.policyId);
	const passedOn = todayIn(catalog().timeZone, new Date(attempt.grade!.gradedAt));
	// The bank as it is now, like the HR dashboard, so both say the same; the record's own terms if it is gone.
	const status =
		quiz && policy
			? certificationStatus(
					policy,
					quiz,
					[
						{
							attemptId: attempt.id,
							at: attempt.grade!.gradedAt,
							passedOn,
							score: record.score,
							policyVersion: attempt.policyVersion,
						},
					],
					asOf,
				)
			: undefined;
	const validityMonths = record.format === 1 ? record.validityMonths : (quiz?.validityMonths ?? 0);
	const validUntil = status?.validUntil ?? addMonths(passedOn, validityMonths);
	const state = status && status.state !== 'none' ? status.state : asOf > validUntil ? 'expired' : 'current';
	return {
		attemptId: attempt.id,
		code,
		personName: person?.name ?? '',
		quizTitle: (record.format === 1 ? record.quizTitle : undefined) ?? quiz?.title ?? attempt.quizId,
		policyTitle: policy?.meta.title ?? attempt.policyId,
		policyVersion: attempt.policyVersion,
		passedOn,
		validUntil,
		score: record.score,
		state,
		outdatedBy: status?.outdatedBy?.version,
	};
}

/** The certificate a verification code was issued for (codes are typed in any case, with or without dashes). */
export async function certificateByCode(store: Store, input: string): Promise<Certificate | undefined> {
	const code = normaliseVerificationCode(input);
	const attempt = code ? await attemptByCode(store, code) : undefined;
	return attempt ? certificateOf(store, attempt) : undefined;
}
