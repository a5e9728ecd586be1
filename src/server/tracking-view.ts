/**
 * What the tracking API routes and pages share: the query parameters
 * (validated, a 400 names the parameter), turning a filter into
 * `trackingAsOf` arguments, the JSON shape of a row, clause labels for
 * outdated clauses, and the CSV exports (UTF-8 with BOM, Chinese headers in a
 * stable order, formula-like cells neutralised by src/lib/csv/cells.ts).
 */
import { z } from 'zod';
import { findPerson } from '../lib/auth/people.ts';
import { csvSlices, type CsvRecord } from '../lib/csv/cells.ts';
import type { LoadedPolicy } from '../lib/content/loader.ts';
import { translator, type MessageKey, type Translate } from '../lib/i18n/index.ts';
import type { Store } from '../lib/store/database.ts';
import type { Outdating } from '../lib/tracking/status.ts';
import type { TrackingFilter, TrackingRow } from '../lib/tracking/tracking.ts';
import { HttpError, textStream } from './api.ts';
import { clauseLabel } from './attempt-view.ts';
import { policyOf, today } from './catalog.ts';

// The query schema is shared with the OpenAPI document (src/lib/api/route-schemas.ts).
export { calendarDate, trackingQuerySchema, trackingStatuses, type TrackingStatus } from '../lib/api/route-schemas.ts';
import { trackingQuerySchema } from '../lib/api/route-schemas.ts';
export type TrackingQuery = z.infer<typeof trackingQuerySchema>;

/**
 * Query parameters through a zod object schema: empty values count as absent
 * (what an unfilled GET form sends); an unknown or invalid parameter is a 400
 * naming it.
 */
export function parseQuery<T extends z.ZodType>(url: URL, schema: T): z.infer<T> {
	const raw: Record<string, string> = {};
	for (const [key, value] of url.searchParams) if (value.trim() !== '' && !(key in raw)) raw[key] = value.trim();
	const parsed = schema.safeParse(raw);
	if (parsed.success) return parsed.data;
	const fields: Record<string, string> = {};
	for (const issue of parsed.error.issues) {
		if (issue.code === 'unrecognized_keys') for (const key of issue.keys) fields[key] = 'unknown parameter';
		else fields[issue.path.join('.') || '(query)'] = issue.message;
	}
	throw new HttpError(400, `invalid query parameter: ${Object.keys(fields).join(', ')}`, fields);
}

/** A person by employee id or email (`user=`). */
export async function findUser(store: Store, user: string) {
	return user.includes('@') ? findPerson(store, { email: user }) : findPerson(store, { employeeId: user });
}

/** The date and `trackingAsOf` filter for a query; unknown policy or user are 400s naming the parameter. */
export async function trackingFilterOf(
	store: Store,
	query: TrackingQuery,
): Promise<{ asOf: string; filter: TrackingFilter; filters: Record<string, string> }> {
	const asOf = query.asOf ?? today();
	const filter: TrackingFilter = {};
	if (query.policy) {
		if (!policyOf(query.policy)) throw new HttpError(400, `no policy "${query.policy}"`, { policy: 'unknown policy' });
		filter.policy = query.policy;
	}
	if (query.user) {
		const person = await findUser(store, query.user);
		if (!person)
			throw new HttpError(400, `no person "${query.user}"`, { user: 'no person with this employee id or email' });
		filter.personIds = [person.id];
	}
	if (query.department) filter.department = query.department;
	if (query.status) filter.status = query.status;
	const filters = Object.fromEntries(
		Object.entries({ ...query, asOf }).filter((e): e is [string, string] => typeof e[1] === 'string'),
	);
	return { asOf, filter, filters };
}

/**
 * The HR dashboard's filters from its URL (a plain GET form): the query, the
 * date and the `trackingAsOf` filter; bad parameters become problems to show
 * (and a 400), with the dashboard as of today and unfiltered.
 */
export async function dashboardFilters(
	store: Store,
	url: URL,
	t: Translate,
): Promise<{ query: TrackingQuery; asOf: string; filter: TrackingFilter | undefined; problems: string[] }> {
	const filterUrl = new URL(url.pathname, url.origin);
	for (const key of ['asOf', 'department', 'policy', 'status']) {
		const value = url.searchParams.get(key);
		if (value) filterUrl.searchParams.set(key, value);
	}
	try {
		const query = parseQuery(filterUrl, trackingQuerySchema);
		const { asOf, filter } = await trackingFilterOf(store, query);
		return { query, asOf, filter, problems: [] };
	} catch (error) {
		if (!(error instanceof HttpError)) throw error;
		// In the UI language: the API's field messages are English.
		const labels: Record<string, MessageKey> = {
			asOf: 'asOf',
			department: 'filterDepartment',
			policy: 'filterPolicy',
			status: 'filterStatus',
		};
		const problems = Object.keys(error.fields ?? {}).map((field) =>
			t('labelled', {
				label: labels[field] ? t(labels[field]) : field,
				value: field === 'asOf' ? t('rosterBadDate') : t('formInvalid'),
			}),
		);
		return { query: {}, asOf: today(), filter: undefined, problems };
	}
}

/** "第一章 總則 第2條" for each clause id, from the version that made the change (else any version that has it). */
export function outdatedClauseLabels(policy: LoadedPolicy | undefined, outdating: Outdating | undefined): string[] {
	if (!outdating) return [];
	return outdating.clauses.map((id) => {
		const version =
			policy?.versions.find((v) => v.meta.version === outdating.version && v.numbers.clauses.has(id)) ??
			policy?.versions.findLast((v) => v.numbers.clauses.has(id));
		return version ? clauseLabel(version, id) : id;
	});
}

function outdatingJson(policy: LoadedPolicy | undefined, outdating: Outdating | undefined) {
	if (!outdating) return null;
	const labels = outdatedClauseLabels(policy, outdating);
	return {
		version: outdating.version,
		effective: outdating.effective,
		clauses: outdating.clauses.map((id, i) => ({ clause: id, label: labels[i]! })),
	};
}

/** One row as JSON, without the person (what /api/v1/me/training answers). */
export function trainingJson(row: TrackingRow) {
	const policy = policyOf(row.policyId);
	const { certification: c, acknowledgement: a } = row;
	return {
		policy: row.policyId,
		title: row.policyTitle,
		versionInForce: row.versionInForce ?? null,
		quiz: row.quizId ?? null,
		certification: {
			state: c.state,
			passedOn: c.pass?.passedOn ?? null,
			passedVersion: c.pass?.policyVersion ?? null,
			score: c.pass?.score ?? null,
			attempt: c.pass?.attemptId ?? null,
			validUntil: c.validUntil ?? null,
			due: c.due ?? null,
			overdue: c.overdue,
			outdatedBy: outdatingJson(policy, c.outdatedBy),
		},
		acknowledgement: {
			state: a.state,
			acknowledgedOn: a.acknowledgement?.acknowledgedOn ?? null,
			acknowledgedVersion: a.acknowledgement?.policyVersion ?? null,
			due: a.due ?? null,
			overdue: a.overdue,
			outdatedBy: outdatingJson(policy, a.outdatedBy),
		},
	};
}

/** One row as JSON with the person (what /api/v1/certifications answers). */
export function certificationJson(row: TrackingRow) {
	const { id, employeeId, name, email, department, role } = row.person;
	return { person: { id, employeeId, name, email, department, role }, ...trainingJson(row) };
}

/** CSV exports are in Chinese whatever the UI language: the headers are a stable interface. */
const zh = translator('zh-Hant-TW');

export const certificationCsvColumns = [
	'員工編號',
	'姓名',
	'電子郵件',
	'部門',
	'制度',
	'現行版本',
	'認證狀態',
	'通過日期',
	'有效期限',
	'認證到期日',
	'逾期',
	'閱讀確認狀態',
	'確認日期',
	'確認到期日',
	'過時條文',
	'確認簽章',
] as const;

/**
 * The certifications export as slices of CSV text (csvSlices: streamed, giving way to other requests
 * between slices). `signatureOf`: the manifestation (name, date and time, meaning) of an
 * acknowledgement's signature, by its id, so an export shows the signature with its record (Part 11 §11.50).
 */
export function certificationCsv(
	rows: readonly TrackingRow[],
	signatureOf: (acknowledgementId: string) => string | undefined = () => undefined,
): AsyncGenerator<string> {
	return csvSlices(certificationCsvColumns, certificationRecords(rows, signatureOf));
}

/** One record per row, made as the export reads them. */
function* certificationRecords(
	rows: readonly TrackingRow[],
	signatureOf: (acknowledgementId: string) => string | undefined,
): Generator<CsvRecord> {
	// Thousands of rows share a handful of policies and words: each looked up once.
	const policies = new Map<string, LoadedPolicy | undefined>();
	const words = new Map<MessageKey, string>();
	const say = (key: MessageKey) => words.get(key) ?? words.set(key, zh(key)).get(key)!;
	for (const row of rows) {
		if (!policies.has(row.policyId)) policies.set(row.policyId, policyOf(row.policyId));
		const policy = policies.get(row.policyId);
		const { certification: c, acknowledgement: a } = row;
		const outdated =
			c.outdatedBy || a.outdatedBy
				? [...new Set([...outdatedClauseLabels(policy, c.outdatedBy), ...outdatedClauseLabels(policy, a.outdatedBy)])]
				: [];
		yield [
			row.person.employeeId,
			row.person.name,
			row.person.email,
			row.person.department,
			row.policyTitle,
			row.versionInForce ?? '',
			say(`certState_${c.state}`),
			c.pass?.passedOn ?? '',
			c.validUntil ?? '',
			c.due ?? '',
			c.overdue || a.overdue ? say('yes') : say('no'),
			say(`ackState_${a.state}`),
			a.acknowledgement?.acknowledgedOn ?? '',
			a.due ?? '',
			outdated.join('；'),
			(a.acknowledgement?.id && signatureOf(a.acknowledgement.id)) ?? '',
		];
	}
}

/** A CSV download, streamed as its slices are made (csvSlices). */
export const csvResponse = (slices: AsyncIterable<string>, filename: string) =>
	new Response(textStream(slices), {
		status: 200,
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'private, no-store',
		},
	});

/** Whole days from `from` to `to` (calendar dates). */
export const daysBetween = (from: string, to: string) =>
	Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
