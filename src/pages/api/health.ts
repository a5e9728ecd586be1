/** GET /api/health: the app version and whether the database answers. */
import type { APIRoute } from 'astro';
import { ping } from '#lib/store/database.ts';
import { handle, jsonResponse, zhidu } from '#server/api.ts';
import pkg from '../../../package.json' with { type: 'json' };

export const prerender = false;

export const GET: APIRoute = ({ locals }) =>
	handle(async () => {
		const { store } = zhidu(locals);
		const database = await ping(store);
		return jsonResponse(database ? 200 : 503, {
			status: database ? 'ok' : 'degraded',
			version: pkg.version,
			database: { dialect: store.dialect, ok: database },
		});
	});
