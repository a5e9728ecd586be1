/** POST /api/v1/people/import (HR): a roster CSV; all rows are checked before any is added. */
import type { APIRoute } from 'astro';
import { addPerson, findPerson } from '../../../../lib/auth/people.ts';
import { parseRosterCsv } from '../../../../lib/auth/roster-csv.ts';
import { handle, HttpError, jsonResponse, requireHr, requireHrGrant, zhidu } from '../../../../server/api.ts';

export const prerender = false;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actor, identity } = requireHr(locals, true);
		const { store } = zhidu(locals);
		if (!(request.headers.get('content-type') ?? '').includes('text/csv'))
			throw new HttpError(415, 'send the roster as text/csv');
		const { people, problems } = parseRosterCsv(await request.text());
		if (problems.length) return jsonResponse(400, { error: 'the CSV has problems; nothing was imported', problems });
		for (const person of people) requireHrGrant(identity, person.role);
		let added = 0;
		const skipped: string[] = [];
		for (const person of people) {
			if (await findPerson(store, { email: person.email })) skipped.push(person.email);
			else {
				await addPerson(store, person, actor);
				added += 1;
			}
		}
		return jsonResponse(200, { added, skipped });
	});
