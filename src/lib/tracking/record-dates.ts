/**
 * History cannot be rewritten: a date that would change what a person's
 * existing records mean (leaving before an acknowledgement they made, an
 * exemption starting before an attempt they took) is refused with the record
 * that stands in the way. Record dates are calendar dates in the company zone.
 */
import type { Kysely } from 'kysely';
import { companyTimeZone, todayIn } from '../calendar.ts';
import type { Database } from '../store/schema.ts';

export interface LatestRecord {
	kind: 'acknowledgement' | 'attempt';
	/** The calendar date of the record in the company time zone. */
	on: string;
}

export class HistoryError extends Error {
	override name = 'HistoryError';
	readonly field: string;
	constructor(field: string, message: string) {
		super(`${field}: ${message}`);
		this.field = field;
	}
}

/** The person's latest acknowledgement or attempt (optionally for one policy). */
export async function latestRecord(
	db: Kysely<Database>,
	personId: string,
	policyId?: string,
): Promise<LatestRecord | undefined> {
	let acks = db
		.selectFrom('acknowledgements')
		.select((eb) => eb.fn.max('acknowledged_at').as('at'))
		.where('person_id', '=', personId);
	let attempts = db
		.selectFrom('attempts')
		.leftJoin('attempt_grades', 'attempt_grades.attempt_id', 'attempts.id')
		.select((eb) => [
			eb.fn.max('attempts.started_at').as('started'),
			eb.fn.max('attempt_grades.graded_at').as('graded'),
		])
		.where('attempts.person_id', '=', personId);
	if (policyId) {
		acks = acks.where('policy_id', '=', policyId);
		attempts = attempts.where('attempts.policy_id', '=', policyId);
	}
	const [a, t] = await Promise.all([acks.executeTakeFirst(), attempts.executeTakeFirst()]);
	const zone = companyTimeZone();
	const candidates: { kind: LatestRecord['kind']; at: string }[] = [];
	if (a?.at) candidates.push({ kind: 'acknowledgement', at: String(a.at) });
	for (const at of [t?.started, t?.graded]) if (at) candidates.push({ kind: 'attempt', at: String(at) });
	const latest = candidates.sort((x, y) => y.at.localeCompare(x.at))[0];
	return latest ? { kind: latest.kind, on: todayIn(zone, new Date(latest.at)) } : undefined;
}
