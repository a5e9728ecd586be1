/**
 * Each policy's assignment rule against the roster (the HR dashboard): how
 * many people it covers, the departments it names that have nobody, and the
 * roster's departments no policy is assigned to.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedPolicy } from '#lib/content/loader.ts';
import { assignmentView } from '#lib/tracking/dashboard.ts';
import type { RosterEntry } from '#lib/tracking/tracking.ts';

const policy = (id: string, assignment: unknown) =>
	({ id, meta: { title: id, assignment }, versions: [] }) as unknown as LoadedPolicy;
const person = (department: string, role: 'staff' | 'hr' = 'staff') => ({ department, role }) as RosterEntry;

describe('assignment rules on the dashboard', () => {
	it('counts matches, names a rule department with nobody and a roster department with no policy', () => {
		const view = assignmentView(
			[
				policy('ops', { departments: ['運營部', '市場調研小組'] }),
				policy('hr-only', { departments: ['人力資源部'], roles: ['hr'] }),
				policy('none', undefined),
			],
			[person('運營部'), person('運營部'), person('業務部'), person('人力資源部', 'hr'), person('人力資源部')],
		);
		expect(view.rules.map((r) => [r.policy.id, r.matched, r.emptyDepartments])).toEqual([
			['ops', 2, ['市場調研小組']],
			['hr-only', 1, []],
			['none', 0, []],
		]);
		expect(view.unassignedDepartments).toEqual(['業務部']);
	});

	it('a policy for everyone leaves no department unassigned', () => {
		const view = assignmentView([policy('all', { everyone: true })], [person('業務部'), person('運營部')]);
		expect(view.rules[0]!.matched).toBe(2);
		expect(view.unassignedDepartments).toEqual([]);
	});
});
