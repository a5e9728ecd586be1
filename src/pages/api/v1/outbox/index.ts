/** GET /api/v1/outbox?status= (HR): messages with their state, newest first, and the counts per state. */
import type { APIRoute } from 'astro';
import { outboxQuery } from '#lib/api/route-schemas.ts';
import { listOutbox } from '#lib/notify/outbox.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		requireHr(locals);
		const query = outboxQuery.safeParse(Object.fromEntries(url.searchParams));
		if (!query.success) throw new HttpError(400, 'invalid query', { status: 'expected pending, delivered or failed' });
		return jsonResponse(200, await listOutbox(zhidu(locals).store, { status: query.data.status }));
	});
