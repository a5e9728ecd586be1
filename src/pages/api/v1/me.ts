/** GET /api/v1/me: who is signed in, and the CSRF token for writes. */
import type { APIRoute } from 'astro';
import { handle, jsonResponse, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		const { identity } = zhidu(locals);
		if (!identity) return jsonResponse(401, { error: 'not signed in' });
		if (identity.kind === 'token') return jsonResponse(200, { token: { id: identity.tokenId, scope: identity.scope } });
		const { person } = identity;
		return jsonResponse(200, {
			person: {
				id: person.id,
				employeeId: person.employeeId,
				name: person.name,
				email: person.email,
				department: person.department,
				role: person.role,
			},
			csrfToken: identity.via === 'session' ? identity.session.csrfToken : null,
		});
	});
