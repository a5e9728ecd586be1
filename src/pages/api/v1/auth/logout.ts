/** POST /api/v1/auth/logout: ends the session. */
import type { APIRoute } from 'astro';
import { signOut } from '#lib/auth/sessions.ts';
import { handle, jsonResponse, zhidu } from '#server/api.ts';
import { clearedSessionCookie } from '#server/session-cookie.ts';

export const prerender = false;

export const POST: APIRoute = ({ locals }) =>
	handle(async () => {
		const { store, identity, clientAddress, https } = zhidu(locals);
		if (identity?.kind === 'person' && identity.via === 'session') await signOut(store, identity.token, clientAddress);
		return jsonResponse(200, { signedOut: true }, { 'set-cookie': clearedSessionCookie(https) });
	});
