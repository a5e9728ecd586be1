/**
 * A person as one row of SQL: the columns, the history row in effect on a
 * day, and the mapping to `Person`. One definition for the roster queries
 * (people.ts) and the session check (sessions.ts, a raw prepared statement).
 */
import type { Role } from '../store/schema.ts';
import type { Person } from './people.ts';

/**
 * Of a person's history rows (`h`, a table alias), the one in effect on a day
 * comes first in this order (`findPerson`'s choice): the latest effective on
 * that day, latest recorded first; else the earliest (someone whose first row
 * starts later). SQL text for both dialects; each `?` is the day.
 */
export const inEffectOrder = (h: string) => `case when ${h}.effective_from <= ? then 0 else 1 end,
    case when ${h}.effective_from <= ? then ${h}.effective_from || ${h}.recorded_at end desc,
    ${h}.effective_from, ${h}.recorded_at`;

/** The columns of a `PersonRow`, from `people p` and its history row `h`. */
export const personColumns = `p.id, p.employee_id, p.name, p.email, p.hire_date, p.disabled_on,
  p.password_hash is not null as has_password, h.department, h.role`;

export interface PersonRow {
	id: string;
	employee_id: string;
	name: string;
	email: string;
	hire_date: string | null;
	disabled_on: string | null;
	has_password: number | boolean;
	department: string;
	role: Role;
}

export const personOf = (row: PersonRow): Person => ({
	id: row.id,
	employeeId: row.employee_id,
	name: row.name,
	email: row.email,
	hireDate: row.hire_date,
	disabledOn: row.disabled_on,
	department: row.department,
	role: row.role,
	hasPassword: Boolean(row.has_password),
});
