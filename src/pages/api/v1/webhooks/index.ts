/** GET /api/v1/webhooks (HR): the endpoints, never their secrets. POST (HR): register one; the secret is shown once. */
import type { APIRoute } from 'astro';
import { createWebhookBody } from '#lib/api/route-schemas.ts';
import { createEndpoint, listEndpoints } from '#lib/notify/webhooks.ts';
import { handle, jsonResponse, readJson, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		requireHr(locals);
		return jsonResponse(200, { endpoints: await listEndpoints(zhidu(locals).store) });
	});

export const POST: APIRoute = ({ request, locals, clientAddress }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		const input = await readJson(request, createWebhookBody);
		return jsonResponse(201, await createEndpoint(zhidu(locals).store, input, actor, clientAddress ?? null));
	});
