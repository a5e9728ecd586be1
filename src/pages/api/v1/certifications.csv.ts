/**
 * GET /api/v1/certifications.csv?… (HR or an API token): the same rows as
 * /api/v1/certifications as a spreadsheet (UTF-8 with BOM, Chinese headers).
 * Every export is recorded in the audit log.
 */
import type { APIRoute } from 'astro';
import { recordAudit } from '#lib/auth/audit.ts';
import { manifestation, signaturesFor } from '#lib/signature/index.ts';
import { trackingAsOf } from '#lib/tracking/tracking.ts';
import { handle, requireHr, zhidu } from '#server/api.ts';
import { catalog } from '#server/catalog.ts';
import {
	certificationCsv,
	csvResponse,
	parseQuery,
	trackingFilterOf,
	trackingQuerySchema,
} from '#server/tracking-view.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals);
		const { store, identity, clientAddress } = zhidu(locals);
		const { asOf, filter, filters } = await trackingFilterOf(store, parseQuery(url, trackingQuerySchema));
		const rows = await trackingAsOf(store, catalog(), asOf, filter);
		const ackIds = rows.flatMap((r) => r.acknowledgement.acknowledgement?.id ?? []);
		const signatures = await signaturesFor(store.reads, 'acknowledgement', ackIds);
		// Exports are in Chinese whatever the UI language (see tracking-view.ts), the signature line too.
		await recordAudit(store.db, {
			event: 'export.made',
			actor,
			subject: 'certifications.csv',
			address: clientAddress,
			detail: {
				export: 'certifications',
				filters,
				rows: rows.length,
				...(identity?.kind === 'token' ? { tokenId: identity.tokenId } : {}),
			},
		});
		const slices = certificationCsv(rows, (id) => {
			const signature = signatures.get(id)?.[0];
			return signature ? manifestation(signature, 'zh-Hant-TW').text : undefined;
		});
		return csvResponse(slices, `certifications-${asOf}.csv`);
	});
