/**
 * The HR dashboard's view-model: who owes what on a day, as a people ×
 * policies matrix, the overdue items, and the departments to filter by.
 * Domain objects only; the page translates and renders.
 */
import type { Store } from '../store/database.ts';
import { versionInForceOn } from './status.ts';
import { rosterAsOf, trackingAsOf, type TrackingContext, type TrackingFilter, type TrackingRow } from './tracking.ts';

export interface DashboardView {
	asOf: string;
	rows: TrackingRow[];
	departments: string[];
	/** Policies assigned to people with a version in force on asOf (the policy filter's choices). */
	assigned: TrackingContext['policies'][number][];
	/** The matrix's columns: the assigned policies, or the one filtered by. */
	columns: TrackingContext['policies'][number][];
	/** One row per person, by employee id; a cell per policy they owe. */
	matrix: { person: TrackingRow['person']; cells: Map<string, TrackingRow> }[];
	/** Overdue certifications and acknowledgements, earliest due first. */
	overdue: { row: TrackingRow; item: 'certification' | 'acknowledgement'; due: string }[];
}

export async function dashboardView(
	store: Store,
	catalog: TrackingContext,
	asOf: string,
	filter: TrackingFilter | undefined,
): Promise<DashboardView> {
	const rows = filter ? await trackingAsOf(store, catalog, asOf, filter) : [];
	const departments = [...new Set((await rosterAsOf(store, asOf, catalog.timeZone)).map((p) => p.department))].sort(
		(a, b) => a.localeCompare(b, 'zh-Hant'),
	);
	const assigned = catalog.policies.filter((p) => p.meta.assignment && versionInForceOn(p, asOf));
	const columns = assigned.filter((p) => !filter?.policy || p.id === filter.policy);
	const people = new Map<string, DashboardView['matrix'][number]>();
	for (const row of rows) {
		const entry = people.get(row.person.id) ?? { person: row.person, cells: new Map() };
		entry.cells.set(row.policyId, row);
		people.set(row.person.id, entry);
	}
	const matrix = [...people.values()].sort((a, b) => a.person.employeeId.localeCompare(b.person.employeeId));
	const overdue = rows
		.flatMap((row) => [
			...(row.certification.overdue ? [{ row, item: 'certification' as const, due: row.certification.due! }] : []),
			...(row.acknowledgement.overdue
				? [{ row, item: 'acknowledgement' as const, due: row.acknowledgement.due! }]
				: []),
		])
		.sort((a, b) => a.due.localeCompare(b.due) || a.row.person.employeeId.localeCompare(b.row.person.employeeId));
	return { asOf, rows, departments, assigned, columns, matrix, overdue };
}
