/** GET /api/v1/webhooks/:id/deliveries (HR): the endpoint's delivery log, newest first. */
import type { APIRoute } from 'astro';
import { listOutbox } from '#lib/notify/outbox.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		requireHr(locals);
		const { store } = zhidu(locals);
		const id = params.id ?? '';
		const endpoint = await store.db
			.selectFrom('webhook_endpoints')
			.select('id')
			.where('id', '=', id)
			.executeTakeFirst();
		if (!endpoint) throw new HttpError(404, `no webhook endpoint with id ${id}`);
		return jsonResponse(200, await listOutbox(store, { endpointId: id }));
	});
