/**
 * GET /api/v1/certifications?policy=&user=&department=&status=&asOf= (HR or
 * an API token): everyone who owes a policy on that date (default today),
 * with certification and acknowledgement state. `user` is an employee id or
 * an email; `status` is current, outdated, expired, none or overdue.
 */
import type { APIRoute } from 'astro';
import { trackingAsOf } from '#lib/tracking/tracking.ts';
import { handle, jsonListResponse, requireHr, zhidu } from '#server/api.ts';
import { catalog } from '#server/catalog.ts';
import { certificationJson, parseQuery, trackingFilterOf, trackingQuerySchema } from '#server/tracking-view.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		requireHr(locals);
		const { store } = zhidu(locals);
		const { asOf, filter, filters } = await trackingFilterOf(store, parseQuery(url, trackingQuerySchema));
		const rows = await trackingAsOf(store, catalog(), asOf, filter);
		return jsonListResponse({ asOf, filters, count: rows.length }, 'certifications', rows, certificationJson);
	});
