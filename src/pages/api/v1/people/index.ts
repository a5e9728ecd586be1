/** GET /api/v1/people (HR): the roster. POST (HR): add one person. */
import type { APIRoute } from 'astro';
import { addPersonBody } from '#lib/api/route-schemas.ts';
import { addPerson, listPeople } from '#lib/auth/people.ts';
import { handle, jsonListResponse, jsonResponse, readJson, requireHr, requireHrGrant, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		requireHr(locals);
		// A pure read: on SQLite the read-only connection, so the listing never waits behind a long write.
		const people = await listPeople({ db: zhidu(locals).store.reads });
		return jsonListResponse({}, 'people', people, (person) => person);
	});

const body = addPersonBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actor, identity } = requireHr(locals, true);
		const input = await readJson(request, body);
		requireHrGrant(identity, input.role);
		const person = await addPerson(zhidu(locals).store, input, actor);
		return jsonResponse(201, { person });
	});
