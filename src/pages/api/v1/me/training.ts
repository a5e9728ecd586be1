/**
 * GET /api/v1/me/training: what the signed-in person owes today, policy by
 * policy: the version in force, the quiz, certification and acknowledgement
 * state, due dates, overdue, and the clauses that outdated them.
 */
import type { APIRoute } from 'astro';
import { trackingAsOf } from '#lib/tracking/tracking.ts';
import { handle, jsonResponse, signedInPerson, zhidu } from '#server/api.ts';
import { catalog, today } from '#server/catalog.ts';
import { trainingJson } from '#server/tracking-view.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const asOf = today();
		const rows = await trackingAsOf(zhidu(locals).store, catalog(), asOf, { personIds: [person.id] });
		return jsonResponse(200, { asOf, training: rows.map(trainingJson) });
	});
