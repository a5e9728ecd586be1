/** GET /api/v1/tokens (HR): API tokens (never their secrets). POST (HR, signed in): create one; the token is shown once. */
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { createApiToken, listApiTokens } from '../../../../lib/auth/sessions.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr, zhidu } from '../../../../server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		requireHr(locals);
		return jsonResponse(200, { tokens: await listApiTokens(zhidu(locals).store) });
	});

const body = z.object({
	name: z.string().trim().min(1, 'required'),
	scope: z.enum(['read', 'read-write']),
	expiresAt: z.iso.datetime({ error: 'expected an ISO date-time such as 2027-01-01T00:00:00Z' }),
});

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actorId } = requireHr(locals, true);
		// Tokens are created by a person, so every token has an accountable owner.
		if (!actorId) throw new HttpError(403, 'API tokens are created by a signed-in HR person');
		const input = await readJson(request, body);
		if (new Date(input.expiresAt) <= new Date())
			throw new HttpError(400, 'invalid request', { expiresAt: 'must be in the future' });
		const { token, info } = await createApiToken(zhidu(locals).store, input, actorId);
		return jsonResponse(201, { token, ...info });
	});
