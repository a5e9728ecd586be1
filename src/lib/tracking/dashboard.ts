/**
 * The HR dashboard's view-model: who owes what on a day, as a people ×
 * policies matrix, the overdue items, and the departments to filter by.
 * Domain objects only; the page translates and renders.
 */
import type { LoadedPolicy, LoadedVersion } from '../content/loader.ts';
import type { Store } from '../store/database.ts';
import { questionsToReview } from '../workflow/question-review.ts';
import { reviewsDueOf, type ReviewDueReport } from '../workflow/workflow.ts';
import { versionInForceOn } from '../catalog/index.ts';
import {
	owes,
	rosterAsOf,
	trackingAsOf,
	type RosterEntry,
	type TrackingContext,
	type TrackingFilter,
	type TrackingRow,
} from './tracking.ts';

/** Who each policy is assigned to, how many people that is on the day, and what matches nothing. */
export interface AssignmentView {
	rules: {
		policy: LoadedPolicy;
		rule: LoadedPolicy['meta']['assignment'];
		/** People in the roster on the day the rule covers. */
		matched: number;
		/** Departments the rule names that have nobody in the roster. */
		emptyDepartments: string[];
	}[];
	/** Departments in the roster that no policy is assigned to (none when a policy is for everyone). */
	unassignedDepartments: string[];
}

export function assignmentView(policies: readonly LoadedPolicy[], roster: readonly RosterEntry[]): AssignmentView {
	const departments = new Set(roster.map((p) => p.department));
	const rules = policies.map((policy) => {
		const rule = policy.meta.assignment;
		return {
			policy,
			rule,
			matched: roster.filter((person) => owes(policy, person)).length,
			emptyDepartments: rule && 'departments' in rule ? rule.departments.filter((d) => !departments.has(d)) : [],
		};
	});
	const unassignedDepartments = [...departments]
		.filter((department) =>
			policies.every((policy) => {
				const rule = policy.meta.assignment;
				return !rule || ('departments' in rule && !rule.departments.includes(department));
			}),
		)
		.sort((a, b) => a.localeCompare(b, 'zh-Hant'));
	return { rules, unassignedDepartments };
}

/** Drafts and versions in review with quiz questions or knowledge checks to look at again. */
export interface QuestionReviewView {
	policy: LoadedPolicy;
	version: LoadedVersion;
	items: ReturnType<typeof questionsToReview>;
}

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
	/** Each policy's assignment rule against the roster on asOf. */
	assignments: AssignmentView;
	/** Policies due for their periodic review (when the content folder is known). */
	reviews: ReviewDueReport[];
	questionReviews: QuestionReviewView[];
}

export async function dashboardView(
	store: Store,
	catalog: TrackingContext,
	asOf: string,
	filter: TrackingFilter | undefined,
	today: string = asOf,
): Promise<DashboardView> {
	const rows = filter ? await trackingAsOf(store, catalog, asOf, filter) : [];
	const roster = await rosterAsOf(store, asOf, catalog.timeZone);
	const departments = [...new Set(roster.map((p) => p.department))].sort((a, b) => a.localeCompare(b, 'zh-Hant'));
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
	// From the loaded catalog: reading the content folder again held the thread for every request.
	const reviews = reviewsDueOf(catalog.policies, today);
	const questionReviews = catalog.policies.flatMap((policy) =>
		policy.versions
			.filter((v) => v.meta.status !== 'approved')
			.map((version) => ({ policy, version, items: questionsToReview(policy, version, catalog.quizzes) }))
			.filter((r) => r.items.length > 0),
	);
	return {
		asOf,
		rows,
		departments,
		assigned,
		columns,
		matrix,
		overdue,
		assignments: assignmentView(catalog.policies, roster),
		reviews,
		questionReviews,
	};
}
