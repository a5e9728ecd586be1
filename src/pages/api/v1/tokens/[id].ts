/** DELETE /api/v1/tokens/:id (HR): revoke an API token. */
import type { APIRoute } from 'astro';
import { revokeApiToken } from '#lib/auth/sessions.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const DELETE: APIRoute = ({ params, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		if (actor.kind !== 'person') throw new HttpError(403, 'API tokens are revoked by a signed-in HR person');
		const revoked = await revokeApiToken(zhidu(locals).store, params.id ?? '', actor);
		if (!revoked) throw new HttpError(404, `no live token with id ${params.id}`);
		return jsonResponse(200, { revoked: true });
	});
