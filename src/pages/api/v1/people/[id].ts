/** PATCH /api/v1/people/:id (HR): change department or role (kept as history), or disable from a date. */
import type { APIRoute } from 'astro';
import { changePersonBody } from '#lib/api/route-schemas.ts';
import { changeAttributes, disablePerson, findPerson } from '#lib/auth/people.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr, requireHrGrant, zhidu } from '#server/api.ts';

export const prerender = false;

const body = changePersonBody;

export const PATCH: APIRoute = ({ params, request, locals }) =>
	handle(async () => {
		const { actor, identity } = requireHr(locals, true);
		const { store } = zhidu(locals);
		const input = await readJson(request, body);
		requireHrGrant(identity, input.role);
		const person = await findPerson(store, { id: params.id ?? '' });
		if (!person) throw new HttpError(404, `no person with id ${params.id}`);
		if (input.department || input.role) {
			await changeAttributes(
				store,
				person.id,
				{
					...(input.department ? { department: input.department } : {}),
					...(input.role ? { role: input.role } : {}),
					...(input.effectiveFrom ? { effectiveFrom: input.effectiveFrom } : {}),
				},
				actor,
			);
		}
		if (input.disabledOn) await disablePerson(store, person.id, input.disabledOn, actor);
		return jsonResponse(200, { person: await findPerson(store, { id: person.id }) });
	});
