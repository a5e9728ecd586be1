/**
 * POST /api/v1/acknowledgements { policy, version?, password? }: the signed-in
 * person attests having read and understood a version (default: the one in
 * force; any other is refused with 409), once every chapter of it has a
 * reading receipt (409 naming the rest); signed with the password when the
 * policy says `acknowledgement: signature`. The record keeps the hash of the
 * version's text and the statement. GET /api/v1/acknowledgements?policy=: the
 * person's own, with their signatures and (for a policy) the reading to do.
 */
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { acknowledgementStatus } from '#lib/tracking/status.ts';
import { signaturesFor } from '#lib/signature/index.ts';
import {
	acknowledgementIsSigned,
	attestationStatement,
	chapterReading,
	readingReceipts,
} from '#lib/tracking/reading.ts';
import { acknowledgementJson, uiLanguage } from '#server/acknowledging.ts';
import { acknowledgeRoute, astroRoute } from '#server/api-routes.ts';
import { handle, HttpError, jsonResponse, signedInPerson, zhidu } from '#server/api.ts';
import { policyOf, today, versionInForceOf } from '#server/catalog.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

// Under `npm start` the plain Node handler answers POST with the same function (src/server/plain-routes.ts).
export const POST = astroRoute(acknowledgeRoute);

const query = z.object({ policy: z.string().optional() }).strict();

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { store } = zhidu(locals);
		const { policy: policyId } = parseQuery(url, query);
		const policy = policyId ? policyOf(policyId) : undefined;
		if (policyId && !policy) throw new HttpError(400, `no policy "${policyId}"`, { policy: 'unknown policy' });
		let select = store.db.selectFrom('acknowledgements').selectAll().where('person_id', '=', person.id);
		if (policy) select = select.where('policy_id', '=', policy.id);
		const found = await select.orderBy('acknowledged_at').execute();
		const signatures = await signaturesFor(
			store.db,
			'acknowledgement',
			found.map((r) => r.id),
		);
		const rows = found.map((r) => acknowledgementJson(r, signatures.get(r.id)?.[0]));
		if (!policy) return jsonResponse(200, { acknowledgements: rows });
		const status = acknowledgementStatus(
			policy,
			rows.map((r) => ({ at: r.acknowledgedAt, acknowledgedOn: r.acknowledgedOn, policyVersion: r.version })),
			today(),
		);
		const latest = status.acknowledgement
			? rows.findLast(
					(r) =>
						r.version === status.acknowledgement!.policyVersion &&
						r.acknowledgedOn === status.acknowledgement!.acknowledgedOn,
				)
			: undefined;
		const inForce = versionInForceOf(policy.id)?.meta.version ?? null;
		const receipts = inForce ? await readingReceipts(store.db, person.id, { policy: policy.id, version: inForce }) : [];
		return jsonResponse(200, {
			policy: policy.id,
			versionInForce: inForce,
			statement: inForce ? attestationStatement(policy, inForce, uiLanguage()) : null,
			signatureRequired: acknowledgementIsSigned(policy),
			chapters: inForce ? chapterReading(policy, inForce, receipts) : [],
			state: status.state,
			latest: latest ?? null,
			outdatedBy: status.outdatedBy ?? null,
			acknowledgements: rows,
		});
	});
