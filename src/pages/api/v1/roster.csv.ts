/**
 * GET /api/v1/roster.csv?asOf= (HR or an API token): the roster as it was on
 * that date (default today): who was employed, with the department and role
 * they had then. Recorded in the audit log.
 */
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { recordAudit } from '#lib/auth/audit.ts';
import { rosterAsOf } from '#lib/tracking/tracking.ts';
import { handle, requireHr, zhidu } from '#server/api.ts';
import { catalog, today } from '#server/catalog.ts';
import { calendarDate, csvResponse, parseQuery, rosterCsv } from '#server/tracking-view.ts';

export const prerender = false;

const query = z.object({ asOf: calendarDate.optional() }).strict();

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals);
		const { store, identity, clientAddress } = zhidu(locals);
		const asOf = parseQuery(url, query).asOf ?? today();
		const roster = await rosterAsOf(store, asOf, catalog().timeZone);
		const text = rosterCsv(roster);
		await recordAudit(store.db, {
			event: 'export.made',
			actor,
			subject: 'roster.csv',
			address: clientAddress,
			detail: {
				export: 'roster',
				filters: { asOf },
				rows: roster.length,
				...(identity?.kind === 'token' ? { tokenId: identity.tokenId } : {}),
			},
		});
		return csvResponse(text, `roster-${asOf}.csv`);
	});
