/** GET /api/v1/tokens (HR): API tokens (never their secrets). POST (HR, signed in): create one; the token is shown once. */
import type { APIRoute } from 'astro';
import { createTokenBody } from '#lib/api/route-schemas.ts';
import { createApiToken, listApiTokens } from '#lib/auth/sessions.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		requireHr(locals);
		return jsonResponse(200, { tokens: await listApiTokens(zhidu(locals).store) });
	});

const body = createTokenBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		// Tokens are created by a person, so every token has an accountable owner.
		if (actor.kind !== 'person') throw new HttpError(403, 'API tokens are created by a signed-in HR person');
		const input = await readJson(request, body);
		// Expiry in the future and at most a year ahead (TokenError names expiresAt).
		const { token, info } = await createApiToken(zhidu(locals).store, input, actor);
		return jsonResponse(201, { token, ...info });
	});
