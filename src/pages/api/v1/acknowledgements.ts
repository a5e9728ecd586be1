/**
 * POST /api/v1/acknowledgements { policy, version? }: the signed-in person
 * acknowledges having read and understood a version (default: the one in
 * force; any other is refused with 409). The record keeps the hash of the
 * version's text. GET /api/v1/acknowledgements?policy=: the person's own.
 */
import type { APIRoute } from 'astro';
import { acknowledgeBody } from '#lib/api/route-schemas.ts';
import { z } from 'zod';
import { acknowledgementStatus } from '#lib/tracking/status.ts';
import { acknowledge } from '#lib/tracking/tracking.ts';
import { todayIn } from '#lib/versions.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '#server/api.ts';
import { catalog, policyOf, today, versionInForceOf } from '#server/catalog.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

interface AcknowledgementRow {
	id: string;
	policy_id: string;
	policy_version: string;
	text_hash: string;
	acknowledged_at: string;
}

const recordJson = (row: AcknowledgementRow) => ({
	id: row.id,
	policy: row.policy_id,
	version: row.policy_version,
	textHash: row.text_hash,
	acknowledgedAt: row.acknowledged_at,
	acknowledgedOn: todayIn(catalog().timeZone, new Date(row.acknowledged_at)),
});

const body = acknowledgeBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { store } = zhidu(locals);
		const input = await readJson(request, body);
		const policy = policyOf(input.policy);
		if (!policy) throw new HttpError(404, `no policy "${input.policy}"`, { policy: 'unknown policy' });
		const inForce = versionInForceOf(policy.id)?.meta.version;
		if (!inForce) throw new HttpError(409, `${policy.id} has no version in force`);
		const version = input.version ?? inForce;
		if (version !== inForce)
			throw new HttpError(409, `version ${version} is not in force; acknowledge version ${inForce}`, {
				version: `not in force (${inForce} is)`,
			});
		// Acknowledging the same text again (even concurrently) changes nothing: answer with the record already made.
		const { record, created } = await acknowledge(
			store,
			policy,
			version,
			person.id,
			undefined,
			zhidu(locals).clientAddress,
		);
		return jsonResponse(created ? 201 : 200, { acknowledgement: recordJson(record), created });
	});

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
		const rows = (await select.orderBy('acknowledged_at').execute()).map(recordJson);
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
		return jsonResponse(200, {
			policy: policy.id,
			versionInForce: versionInForceOf(policy.id)?.meta.version ?? null,
			state: status.state,
			latest: latest ?? null,
			outdatedBy: status.outdatedBy ?? null,
			acknowledgements: rows,
		});
	});
