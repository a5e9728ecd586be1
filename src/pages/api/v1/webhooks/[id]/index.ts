/** DELETE /api/v1/webhooks/:id (HR): stop sending to an endpoint. */
import type { APIRoute } from 'astro';
import { disableEndpoint } from '#lib/notify/webhooks.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const DELETE: APIRoute = ({ params, locals, clientAddress }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		if (!(await disableEndpoint(zhidu(locals).store, params.id ?? '', actor, clientAddress ?? null)))
			throw new HttpError(404, `no enabled webhook endpoint with id ${params.id}`);
		return jsonResponse(200, { disabled: true });
	});
