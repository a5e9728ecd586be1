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

const here = 'http://zhidu.invalid';

/**
 * Where to go after sign-in: a path on this site, or `/`. Parsed as a browser
 * would (which drops tabs and newlines and reads `\\` as `/`, so `/%09/evil`
 * and `/\\evil` mean `//evil`), and returned percent-encoded, so raw UTF-8
 * cannot break the Location header.
 */
export function safeNext(next: string | null | undefined): string {
	if (!next || !next.startsWith('/') || !URL.canParse(next, here)) return '/';
	const url = new URL(next, here);
	if (url.origin !== here) return '/';
	const path = `${url.pathname}${url.search}${url.hash}`;
	return path.startsWith('//') ? '/' : path;
}
