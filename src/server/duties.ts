/** A person's duties today (tracking rows with their reading receipts): for My training and the home page. */
import type { Store } from '../lib/store/database.ts';
import { dutyOf, type DutyView } from '../lib/tracking/duties.ts';
import { readingReceipts } from '../lib/tracking/reading.ts';
import { trackingAsOf, type TrackingRow } from '../lib/tracking/tracking.ts';
import { catalog, policyOf, today } from './catalog.ts';

export interface PersonDuty {
	row: TrackingRow;
	duty: DutyView;
}

export async function personDuties(store: Store, personId: string, asOf = today()): Promise<PersonDuty[]> {
	const [rows, receipts] = await Promise.all([
		trackingAsOf(store, catalog(), asOf, { personIds: [personId] }),
		readingReceipts(store.reads, personId),
	]);
	return rows.map((row) => ({ row, duty: dutyOf(row, policyOf(row.policyId), receipts) }));
}
