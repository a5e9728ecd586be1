/**
 * The daily calendar job (issue 16): events that happen because the calendar
 * moves. Once per company day across all instances: the job computes the day's
 * events, then inserts the day's `calendar_runs` row and the messages in one
 * transaction; a second instance (or a second tick) finds the row and does
 * nothing, and a crash before the commit leaves the day to run again. Each
 * event also has its key (kind|policy|version|person|day), so even two runs
 * would not send anything twice, and events missed while no server ran are
 * sent on the next run (a version's key is its effective date, not the run's).
 */
import { addDays, companyToday, now } from '../calendar.ts';
import { catalog as processCatalog, timelines, type Catalog } from '../catalog/index.ts';
import type { Store } from '../store/database.ts';
import { dutySince, rosterAsOf, trackingAsOf, type TrackingRow } from '../tracking/tracking.ts';
import { readNotifyConfig, type NotifyConfig } from './config.ts';
import { dutyStart, eventKey, owed, rowItem, settingsPath } from './events.ts';
import { digestEmail, expiringEmail, type DigestRow } from './messages.ts';
import { enqueue, type Outgoing } from './outbox.ts';

const daysBetween = (from: string, to: string) =>
	Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** Monday of the week holding `day` (digests are weekly). */
export function weekStart(day: string): string {
	const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
	return addDays(day, -((weekday + 6) % 7));
}

/** Every event of `day`: computed from the records, nothing written. */
export async function calendarEvents(
	store: Store,
	day: string,
	config: NotifyConfig = readNotifyConfig(),
	from: Catalog = processCatalog(),
): Promise<Outgoing[]> {
	const items: Outgoing[] = [];
	const base = config.baseUrl;
	for (const policy of timelines(day, from)) {
		const v = policy.inForce;
		if (!v) continue;
		items.push({
			event: 'version.in_force',
			key: eventKey('version.in_force', policy.id, v.number, '-', v.loaded.meta.effective ?? '-'),
			webhook: {
				policy: policy.id,
				title: policy.meta.title,
				version: v.number,
				effective: v.loaded.meta.effective ?? null,
				url: `${base}/policies/${policy.id}/${v.number}/`,
			},
		});
	}
	const rows = await trackingAsOf(
		store,
		{ policies: from.policies, quizzes: from.quizzes, timeZone: from.timeZone },
		day,
	);
	const off = new Set(
		(
			await store.reads.selectFrom('notification_settings').select('person_id').where('reminders_off', '=', 1).execute()
		).map((r) => r.person_id),
	);
	const overdue: TrackingRow[] = [];
	for (const row of rows) {
		const policy = from.policies.find((p) => p.id === row.policyId)!;
		const quiz = row.quizId ? from.quizzes.find((q) => q.id === row.quizId) : undefined;
		const version = row.versionInForce ?? '-';
		const person = row.person.id;
		const remindersOff = off.has(person);
		const debt = owed(row);
		if (debt) {
			const start = dutyStart(row, dutySince(policy, row.person, day));
			const kind = debt.outdatedBy ? 'revision' : 'assigned';
			const assigned = rowItem(
				kind,
				row,
				policy,
				quiz,
				eventKey('assigned', policy.id, version, person, start),
				config,
				remindersOff,
			);
			if (assigned) items.push(assigned);
			const left = daysBetween(day, debt.due);
			if (left >= 0 && left <= 7) {
				const soon = rowItem(
					'due-soon',
					row,
					policy,
					quiz,
					eventKey('due-soon', policy.id, version, person, debt.due),
					config,
					remindersOff,
				);
				if (soon) items.push(soon);
			}
			if (left < 0) {
				overdue.push(row);
				// Weekly: on the first overdue day, then every 7 days, each under its own day's key.
				const week = Math.floor((-left - 1) / 7);
				const reminderDay = addDays(debt.due, 1 + 7 * week);
				const late = rowItem(
					'overdue',
					row,
					policy,
					quiz,
					eventKey('overdue', policy.id, version, person, reminderDay),
					config,
					remindersOff,
				);
				if (late) items.push(late);
			}
		}
		const cert = row.certification;
		if (quiz && cert.pass && (cert.state === 'outdated' || cert.state === 'expired')) {
			const since = cert.state === 'expired' ? cert.validUntil! : cert.outdatedBy!.effective;
			items.push({
				event: 'certification.changed',
				key: eventKey('certification.changed', policy.id, cert.pass.policyVersion, person, since),
				webhook: {
					person: { id: person, employeeId: row.person.employeeId, email: row.person.email },
					quiz: quiz.id,
					policy: policy.id,
					state: cert.state,
					since,
					attempt: cert.pass.attemptId,
				},
			});
		}
		if (quiz && cert.state === 'current' && cert.validUntil && daysBetween(day, cert.validUntil) <= 30) {
			const quiet = remindersOff && !policy.meta.mandatoryReminders;
			items.push({
				event: 'reminder.certificate-expiring',
				key: eventKey('expiring', policy.id, cert.pass!.policyVersion, person, cert.validUntil),
				email: quiet
					? undefined
					: expiringEmail(
							{
								to: row.person.email,
								name: row.person.name,
								quizTitle: quiz.title,
								validUntil: cert.validUntil,
								quizUrl: `${base}/quizzes/${quiz.id}/`,
								settingsUrl: `${base}${settingsPath}`,
							},
							config.language,
						),
			});
		}
	}
	items.push(...(await digests(store, day, overdue, config, from.timeZone)));
	return items;
}

/** HR's weekly digest of who is overdue, and each manager's for their people (roster column `manager`). */
async function digests(
	store: Store,
	day: string,
	overdue: readonly TrackingRow[],
	config: NotifyConfig,
	timeZone: string,
): Promise<Outgoing[]> {
	if (!overdue.length) return [];
	const week = weekStart(day);
	const digestRow = (r: TrackingRow): DigestRow => ({
		person: r.person.name,
		employeeId: r.person.employeeId,
		department: r.person.department,
		policy: r.policyTitle,
		due: owed(r)!.due,
	});
	// The roster on the day (role and leaving as they were then), and the manager column.
	const roster = new Map((await rosterAsOf(store, day, timeZone)).map((p) => [p.id, p]));
	const managerOf = new Map<string, string>();
	const byEmployee = new Map<string, string>();
	for (const p of await store.reads
		.selectFrom('people')
		.select(['id', 'employee_id', 'manager_employee_id'])
		.execute()) {
		byEmployee.set(p.employee_id, p.id);
		if (p.manager_employee_id) managerOf.set(p.id, p.manager_employee_id);
	}
	const items: Outgoing[] = [];
	const listUrl = `${config.baseUrl}/hr/dashboard/`;
	const settingsUrl = `${config.baseUrl}${settingsPath}`;
	for (const person of roster.values()) {
		if (person.role !== 'hr') continue;
		items.push({
			event: 'digest.hr',
			key: eventKey('digest.hr', '-', '-', person.id, week),
			email: digestEmail(
				{
					to: person.email,
					name: person.name,
					date: day,
					rows: overdue.map(digestRow),
					manager: false,
					listUrl,
					settingsUrl,
				},
				config.language,
			),
		});
	}
	const byManager = new Map<string, TrackingRow[]>();
	for (const r of overdue) {
		const managerEmployee = managerOf.get(r.person.id);
		const manager = managerEmployee ? roster.get(byEmployee.get(managerEmployee) ?? '') : undefined;
		if (!manager) continue;
		byManager.set(manager.id, [...(byManager.get(manager.id) ?? []), r]);
	}
	for (const [id, list] of byManager) {
		const manager = roster.get(id)!;
		items.push({
			event: 'digest.manager',
			key: eventKey('digest.manager', '-', '-', id, week),
			email: digestEmail(
				{
					to: manager.email,
					name: manager.name,
					date: day,
					rows: list.map(digestRow),
					manager: true,
					listUrl,
					settingsUrl,
				},
				config.language,
			),
		});
	}
	return items;
}

/**
 * Runs the day's job unless some instance already has: returns the number of messages written, or
 * undefined when the day had run.
 */
export async function runCalendarJob(
	store: Store,
	day: string = companyToday(),
	config: NotifyConfig = readNotifyConfig(),
	from: Catalog = processCatalog(),
): Promise<number | undefined> {
	const done = await store.db.selectFrom('calendar_runs').select('day').where('day', '=', day).executeTakeFirst();
	if (done) return undefined;
	const items = await calendarEvents(store, day, config, from);
	return store.db.transaction().execute(async (tx) => {
		// On PostgreSQL a concurrent run's uncommitted row makes this wait, then conflict: one run per day.
		const claimed = await tx
			.insertInto('calendar_runs')
			.values({ day, ran_at: now().toISOString(), events: 0 })
			.onConflict((oc) => oc.column('day').doNothing())
			.returning('day')
			.executeTakeFirst();
		if (!claimed) return undefined;
		const written = await enqueue(tx, items, config);
		await tx.updateTable('calendar_runs').set({ events: written }).where('day', '=', day).execute();
		return written;
	});
}
