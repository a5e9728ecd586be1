/**
 * POST /api/v1/exemptions { user, policy, reason, from, until? } (HR): the
 * person does not owe the policy from `from` (to `until`, inclusive). `user`
 * is an employee id or an email. Recorded in the audit log.
 */
import type { APIRoute } from 'astro';
import { exemptionBody } from '#lib/api/route-schemas.ts';
import { recordExemption } from '#lib/tracking/tracking.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr, zhidu } from '#server/api.ts';
import { policyOf } from '#server/catalog.ts';
import { findUser } from '#server/tracking-view.ts';

export const prerender = false;

const body = exemptionBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		const { store, clientAddress } = zhidu(locals);
		const input = await readJson(request, body);
		const person = await findUser(store, input.user);
		if (!person)
			throw new HttpError(404, `no person "${input.user}"`, { user: 'no person with this employee id or email' });
		if (!policyOf(input.policy)) throw new HttpError(404, `no policy "${input.policy}"`, { policy: 'unknown policy' });
		// The exemption and its audit entry commit together; one dated before the person's records is refused (409).
		const id = await recordExemption(
			store,
			{ personId: person.id, policyId: input.policy, reason: input.reason, from: input.from, until: input.until },
			actor,
			clientAddress,
		);
		return jsonResponse(201, {
			exemption: {
				id,
				person: { id: person.id, employeeId: person.employeeId, email: person.email },
				policy: input.policy,
				reason: input.reason,
				from: input.from,
				until: input.until ?? null,
			},
		});
	});
