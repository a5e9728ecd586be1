/**
 * GET /api/v1/roster.csv?asOf=&headers= (HR or an API token): the roster as it
 * was on that date (default today): who was employed, with the department and
 * role they had then, in every column the roster import reads (headers in
 * Chinese, or English with `headers=en`), so the file re-imports unchanged.
 * Recorded in the audit log.
 */
import type { APIRoute } from 'astro';
import { rosterExportQuery } from '#lib/api/route-schemas.ts';
import { recordAudit } from '#lib/auth/audit.ts';
import { rosterCsvSlices } from '#lib/auth/roster-csv.ts';
import { rosterAsOf } from '#lib/tracking/tracking.ts';
import { handle, requireHr, zhidu } from '#server/api.ts';
import { catalog, today } from '#server/catalog.ts';
import { csvResponse, parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals);
		const { store, identity, clientAddress } = zhidu(locals);
		const query = parseQuery(url, rosterExportQuery);
		const asOf = query.asOf ?? today();
		const headers = query.headers ?? 'zh';
		const roster = await rosterAsOf(store, asOf, catalog().timeZone);
		await recordAudit(store.db, {
			event: 'export.made',
			actor,
			subject: 'roster.csv',
			address: clientAddress,
			detail: {
				export: 'roster',
				filters: { asOf, headers },
				rows: roster.length,
				...(identity?.kind === 'token' ? { tokenId: identity.tokenId } : {}),
			},
		});
		return csvResponse(rosterCsvSlices(roster, headers), `roster-${asOf}.csv`);
	});
