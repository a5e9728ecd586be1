/** A person's reminder choice (issue 16): reminders off, except for policies marked mandatoryReminders. */
import { now } from '../calendar.ts';
import { recordAudit, type Actor } from '../auth/audit.ts';
import type { Store } from '../store/database.ts';

export async function remindersOff(store: Store, personId: string): Promise<boolean> {
	const row = await store.db
		.selectFrom('notification_settings')
		.select('reminders_off')
		.where('person_id', '=', personId)
		.executeTakeFirst();
	return Number(row?.reminders_off ?? 0) === 1;
}

export async function setRemindersOff(store: Store, personId: string, off: boolean, actor: Actor): Promise<void> {
	const at = now().toISOString();
	await store.db.transaction().execute(async (tx) => {
		await tx
			.insertInto('notification_settings')
			.values({ person_id: personId, reminders_off: off ? 1 : 0, updated_at: at })
			.onConflict((oc) => oc.column('person_id').doUpdateSet({ reminders_off: off ? 1 : 0, updated_at: at }))
			.execute();
		await recordAudit(tx, { event: 'reminders.changed', actor, subject: personId, detail: { remindersOff: off } });
	});
}
