/**
 * The one roster import (the API, the HR page and `zhidu users import`):
 * every row is checked first (CSV, UTF-8, fields, duplicates in the file,
 * clashes with the roster); then the new people and their first history row
 * are written in one transaction with one audit entry, or nothing is.
 *
 * People already in the roster (same email and employee id) are not changed:
 * a row equal to the roster is `unchanged`, one that differs is reported with
 * the columns that differ (changes are recorded one by one, with a date).
 *
 * Large files: one look-up of the roster, then bulk inserts that yield to the
 * event loop between slices, also inside the transaction, so the server keeps
 * answering meanwhile (on SQLite, reads and the health check use a second
 * connection that the open write transaction does not block).
 */
import { randomUUID } from 'node:crypto';
import { companyToday } from '../calendar.ts';
import type { Translate } from '../i18n/index.ts';
import { insertMany } from '../store/bulk-insert.ts';
import type { Store } from '../store/database.ts';
import type { PeopleTable, PersonHistoryTable } from '../store/schema.ts';
import { readNotifyConfig } from '../notify/config.ts';
import { assignmentsForNewPeople, newRosterEntry } from '../notify/events.ts';
import { enqueue } from '../notify/outbox.ts';
import { recordAudit, type Actor } from './audit.ts';
import type { CsvEncoding, EncodingGuess } from '../csv/encoding.ts';
import type { RosterColumn } from './roster-columns.ts';
import { parseRosterCsv, type RosterProblem } from './roster-csv.ts';

export interface RosterDifference {
	row: number;
	email: string;
	/** Columns (roster_columns names) whose value differs from the roster. */
	columns: string[];
}

export interface RosterImportResult {
	added: number;
	unchanged: number;
	/** Rows of people already in the roster whose values differ; nothing was changed for them. */
	differs: RosterDifference[];
	/** Emails of every row already in the roster (unchanged or differing). */
	skipped: string[];
	total: number;
	/** The encoding the file was read in (`utf-8`, `big5` …) and whether it was detected or chosen. */
	encoding: CsvEncoding;
	encodingBy: EncodingGuess['by'];
}

export type RosterImportOutcome =
	{ ok: true; result: RosterImportResult } | { ok: false; problems: RosterProblem[]; encoding: EncodingGuess };

export interface RosterImportOptions {
	t: Translate;
	/** Who imports: written with the audit entry. */
	actor: Actor;
	actorId: string | null;
	address?: string | null;
	/** Whether rows may create HR people (an API token needs the admin scope for that). */
	mayGrantHr?: boolean;
	/** The day the import takes effect for people without a hire date (default: the company's today). */
	today?: string;
	/** The file's encoding as HR chose it; detected when absent (src/lib/csv/encoding.ts). */
	encoding?: CsvEncoding | undefined;
}

const BATCH = 500;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function importRoster(
	store: Store,
	csv: Uint8Array | string,
	options: RosterImportOptions,
): Promise<RosterImportOutcome> {
	const { t } = options;
	const {
		rows,
		problems,
		headerOf: header,
		columns: inFileColumns,
		encoding,
	} = await parseRosterCsv(csv, t, { encoding: options.encoding });
	if (problems.length) return { ok: false, problems, encoding };

	// One look-up of the roster: everyone's email and employee id, and their attributes today.
	const today = options.today ?? companyToday();
	const people = await store.db
		.selectFrom('people')
		.select(['id', 'email', 'employee_id', 'name', 'hire_date', 'manager_employee_id'])
		.execute();
	const history = await store.db
		.selectFrom('person_history')
		.select(['person_id', 'department', 'role', 'effective_from', 'recorded_at'])
		.execute();
	const current = new Map<string, (typeof history)[number]>();
	const earliest = new Map<string, (typeof history)[number]>();
	for (const h of history) {
		const seen = current.get(h.person_id);
		if (
			h.effective_from <= today &&
			(!seen ||
				h.effective_from > seen.effective_from ||
				(h.effective_from === seen.effective_from && h.recorded_at > seen.recorded_at))
		)
			current.set(h.person_id, h);
		const first = earliest.get(h.person_id);
		if (!first || h.effective_from < first.effective_from) earliest.set(h.person_id, h);
	}
	const byEmail = new Map(people.map((p) => [p.email, p]));
	const byEmployeeId = new Map(people.map((p) => [p.employee_id, p]));

	const inFile = { email: new Map<string, number>(), employeeId: new Map<string, number>() };
	const toAdd: typeof rows = [];
	const differs: RosterDifference[] = [];
	const skipped: string[] = [];
	let unchanged = 0;
	for (const [index, { row, person }] of rows.entries()) {
		if (index % BATCH === BATCH - 1) await yieldToEventLoop();
		const email = person.email;
		const seenEmail = inFile.email.get(email);
		const seenId = inFile.employeeId.get(person.employeeId);
		if (seenEmail !== undefined)
			problems.push({ row, column: header('email'), message: t('rosterDuplicate', { row: seenEmail }) });
		if (seenId !== undefined)
			problems.push({ row, column: header('employee_id'), message: t('rosterDuplicate', { row: seenId }) });
		if (seenEmail !== undefined || seenId !== undefined) continue;
		inFile.email.set(email, row);
		inFile.employeeId.set(person.employeeId, row);
		const existing = byEmail.get(email);
		const holder = byEmployeeId.get(person.employeeId);
		if (existing && existing.employee_id !== person.employeeId) {
			problems.push({
				row,
				column: header('employee_id'),
				message: t('rosterEmailTaken', { email, employeeId: existing.employee_id }),
			});
			continue;
		}
		if (!existing && holder) {
			problems.push({
				row,
				column: header('employee_id'),
				message: t('rosterEmployeeIdTaken', { employeeId: person.employeeId, email: holder.email }),
			});
			continue;
		}
		if (existing) {
			const now = current.get(existing.id) ?? earliest.get(existing.id);
			// An optional column the file leaves out says nothing about the roster's value.
			const has = (column: RosterColumn) => inFileColumns.includes(column);
			const columns = [
				existing.name !== person.name ? 'name' : '',
				now?.department !== person.department ? 'department' : '',
				now?.role !== person.role ? 'role' : '',
				has('hire_date') && (existing.hire_date ?? '') !== (person.hireDate ?? '') ? 'hire_date' : '',
				has('manager') && (existing.manager_employee_id ?? '') !== (person.manager ?? '') ? 'manager' : '',
			].filter(Boolean);
			skipped.push(email);
			if (columns.length) differs.push({ row, email, columns });
			else unchanged += 1;
			continue;
		}
		if (person.role === 'hr' && options.mayGrantHr === false) {
			problems.push({ row, column: header('role'), message: t('rosterHrNeedsAdmin') });
			continue;
		}
		toAdd.push({ row, person });
	}
	// Problems are reported in row order, whichever check found them.
	if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.row - b.row), encoding };

	const at = new Date().toISOString();
	const records: { person: PeopleTable; history: PersonHistoryTable }[] = [];
	for (const [index, { person }] of toAdd.entries()) {
		if (index % BATCH === BATCH - 1) await yieldToEventLoop();
		const id = randomUUID();
		records.push({
			person: {
				id,
				employee_id: person.employeeId,
				name: person.name,
				email: person.email,
				hire_date: person.hireDate ?? null,
				password_hash: null,
				disabled_on: null,
				created_at: at,
				manager_employee_id: person.manager ?? null,
			},
			history: {
				id: randomUUID(),
				person_id: id,
				department: person.department,
				role: person.role,
				effective_from: person.hireDate ?? today,
				recorded_at: at,
				recorded_by: options.actorId,
			},
		});
	}

	if (records.length)
		await store.db.transaction().execute(async (tx) => {
			// People first, then their history rows (which refer to them), yielding between slices.
			await insertMany(
				store,
				tx,
				'people',
				records.map((r) => r.person),
			);
			await insertMany(
				store,
				tx,
				'person_history',
				records.map((r) => r.history),
			);
			// The new people's assignments (emails, webhook events), with them.
			const config = readNotifyConfig();
			await enqueue(
				tx,
				assignmentsForNewPeople(
					records.map((r) =>
						newRosterEntry({
							id: r.person.id,
							employeeId: r.person.employee_id,
							name: r.person.name,
							email: r.person.email,
							department: r.history.department,
							role: r.history.role,
							hireDate: r.person.hire_date,
							manager: r.person.manager_employee_id ?? null,
							today,
						}),
					),
					today,
					config,
				),
				config,
			);
			// One entry for the import, in the same transaction: who added whom, with what role.
			await recordAudit(tx, {
				event: 'roster.imported',
				actor: options.actor,
				subject: 'roster',
				address: options.address ?? null,
				detail: {
					encoding: encoding.encoding,
					added: records.length,
					unchanged,
					differs: differs.length,
					people: records.map((r) => ({
						id: r.person.id,
						employeeId: r.person.employee_id,
						email: r.person.email,
						role: r.history.role,
						department: r.history.department,
					})),
				},
			});
		});
	return {
		ok: true,
		result: {
			added: records.length,
			unchanged,
			differs,
			skipped,
			total: rows.length,
			encoding: encoding.encoding!,
			encodingBy: encoding.by,
		},
	};
}
