/**
 * The roster CSV HR imports: employee id, name, email, department, role
 * (staff|hr), hire date. Parsed with csv-parse; every row is validated and
 * every problem reported with its line before anything is written.
 */
import { parse } from 'csv-parse/sync';
import { newPersonSchema, type NewPerson } from './people.ts';

export const rosterColumns = ['employee_id', 'name', 'email', 'department', 'role', 'hire_date'] as const;

export interface RosterProblem {
	line: number;
	field: string;
	message: string;
}

export function parseRosterCsv(text: string): { people: NewPerson[]; problems: RosterProblem[] } {
	let rows: Record<string, string>[];
	try {
		rows = parse(text.replace(/^\uFEFF/, ''), {
			columns: (header: string[]) =>
				header.map((h) =>
					h
						.trim()
						.toLowerCase()
						.replace(/[\s-]+/g, '_'),
				),
			skip_empty_lines: true,
			trim: true,
		});
	} catch (error) {
		return { people: [], problems: [{ line: 0, field: '(csv)', message: (error as Error).message }] };
	}
	const problems: RosterProblem[] = [];
	const people: NewPerson[] = [];
	const first = rows[0];
	const missing = first ? rosterColumns.filter((c) => c !== 'hire_date' && !(c in first)) : [];
	if (missing.length)
		return { people, problems: [{ line: 1, field: '(header)', message: `missing columns: ${missing.join(', ')}` }] };
	rows.forEach((row, index) => {
		const candidate = {
			employeeId: row['employee_id'] ?? '',
			name: row['name'] ?? '',
			email: row['email'] ?? '',
			department: row['department'] ?? '',
			role: row['role'] ?? '',
			...(row['hire_date'] ? { hireDate: row['hire_date'] } : {}),
		};
		const parsed = newPersonSchema.safeParse(candidate);
		if (parsed.success) people.push(candidate as NewPerson);
		else
			for (const issue of parsed.error.issues)
				problems.push({ line: index + 2, field: String(issue.path[0]), message: issue.message });
	});
	return { people, problems };
}
