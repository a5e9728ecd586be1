/**
 * PATCH /api/v1/people/:id (HR): correct the name or email (kept in history),
 * change department or role (kept as history), or disable from a date.
 */
import type { APIRoute } from 'astro';
import { changePersonBody } from '#lib/api/route-schemas.ts';
import { changePerson, findPerson } from '#lib/auth/people.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr, requireHrGrant, zhidu } from '#server/api.ts';

export const prerender = false;

export const PATCH: APIRoute = ({ params, request, locals }) =>
	handle(async () => {
		const { actor, identity } = requireHr(locals, true);
		const { store } = zhidu(locals);
		const input = await readJson(request, changePersonBody);
		requireHrGrant(identity, input.role);
		const person = await findPerson(store, { id: params.id ?? '' });
		if (!person) throw new HttpError(404, `no person with id ${params.id}`);
		return jsonResponse(200, { person: await changePerson(store, person.id, input, actor) });
	});
