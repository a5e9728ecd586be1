/**
 * The roster's columns, one definition for the import and the export
 * (src/lib/auth/roster-csv.ts): each column's English name and its Chinese
 * header. The import reads either; the export writes every column in the
 * language asked for, so an export re-imports unchanged. `manager` (optional,
 * issue 16): the manager's employee id, for the manager's weekly digest.
 */
export const rosterColumnHeaders = {
	employee_id: '員工編號',
	name: '姓名',
	email: '電子郵件',
	department: '部門',
	role: '角色',
	hire_date: '到職日',
	manager: '主管',
} as const;
export type RosterColumn = keyof typeof rosterColumnHeaders;
export const rosterColumns = Object.keys(rosterColumnHeaders) as RosterColumn[];
/** Columns a roster file may leave out. */
export const optionalRosterColumns: readonly RosterColumn[] = ['hire_date', 'manager'];

/** The header language of a roster file: Chinese (the export's default) or English. */
export const rosterHeaderLanguages = ['zh', 'en'] as const;
export type RosterHeaderLanguage = (typeof rosterHeaderLanguages)[number];

/** Roles as each header language writes them; the import reads both either way. */
export const roleWords = { staff: { zh: '員工', en: 'staff' }, hr: { zh: '人資', en: 'hr' } } as const;

/** The header row of a roster file, in its column order. */
export const rosterHeaders = (language: RosterHeaderLanguage = 'zh'): string[] =>
	rosterColumns.map((column) => (language === 'zh' ? rosterColumnHeaders[column] : column));
