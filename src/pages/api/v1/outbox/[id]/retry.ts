/** POST /api/v1/outbox/:id/retry (HR): send a failed message again. */
import type { APIRoute } from 'astro';
import { retryMessage } from '#lib/notify/outbox.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const POST: APIRoute = ({ params, locals, clientAddress }) =>
	handle(async () => {
		const { actor } = requireHr(locals, true);
		if (!(await retryMessage(zhidu(locals).store, params.id ?? '', actor, clientAddress ?? null)))
			throw new HttpError(404, `no failed message with id ${params.id}`);
		return jsonResponse(200, { retried: true });
	});
