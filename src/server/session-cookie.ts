/** The session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS, a new value at every sign-in. */
import { SESSION_COOKIE } from './identity.ts';

export function sessionCookie(token: string, expiresAt: string, https: boolean): string {
	return [
		`${SESSION_COOKIE}=${token}`,
		'Path=/',
		'HttpOnly',
		'SameSite=Lax',
		`Expires=${new Date(expiresAt).toUTCString()}`,
		...(https ? ['Secure'] : []),
	].join('; ');
}

export function clearedSessionCookie(https: boolean): string {
	return [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', ...(https ? ['Secure'] : [])].join(
		'; ',
	);
}

/** Only same-site relative paths are followed after sign-in (no open redirects). */
export const safeNext = (next: string | null | undefined) =>
	next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
