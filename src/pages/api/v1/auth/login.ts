/** POST /api/v1/auth/login {email, password}: starts a session (cookie) and returns the CSRF token. */
import type { APIRoute } from 'astro';
import { loginBody } from '#lib/api/route-schemas.ts';
import { signIn } from '#lib/auth/sessions.ts';
import { handle, jsonResponse, readJson, zhidu } from '#server/api.ts';
import { sessionCookie } from '#server/session-cookie.ts';

export const prerender = false;

const body = loginBody;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { store, clientAddress, config, https } = zhidu(locals);
		if (config.identity !== 'local')
			return jsonResponse(400, { error: 'sign-in happens at the SSO proxy in proxy mode' });
		const { email, password } = await readJson(request, body);
		const result = await signIn(store, email, password, clientAddress, {
			lifetimeMinutes: config.sessionHours * 60,
			maxFailures: 5,
			windowMinutes: 15,
		});
		if (!result.ok) {
			return result.reason === 'rate-limited'
				? jsonResponse(
						429,
						{ error: 'too many failed sign-ins; try again later' },
						{ 'retry-after': String(result.retryAfterSeconds) },
					)
				: jsonResponse(401, { error: 'wrong email or password' });
		}
		const { person, csrfToken, expiresAt } = result.session;
		return jsonResponse(
			200,
			{ person: { name: person.name, email: person.email, role: person.role }, csrfToken, expiresAt },
			{ 'set-cookie': sessionCookie(result.token, expiresAt, https) },
		);
	});
