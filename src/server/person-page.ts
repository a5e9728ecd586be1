/**
 * What a page for a signed-in person starts from: the server, the person and
 * the session's CSRF token for the page's forms. The middleware has already
 * decided access (on /hr/ also the role, the Origin and a form's `_csrf`);
 * undefined only when nobody is signed in: the page sends them to sign in.
 */
import type { Person } from '../lib/auth/people.ts';
import type { ZhiduLocals } from './app.ts';

export interface PersonPage {
	server: ZhiduLocals;
	person: Person;
	/** The `_csrf` value of the page's forms ('' when signed in by the proxy: no session, no token). */
	csrf: string;
}

export function personPage(server: ZhiduLocals | undefined): PersonPage | undefined {
	const identity = server?.identity;
	if (!server || identity?.kind !== 'person') return undefined;
	return { server, person: identity.person, csrf: identity.via === 'session' ? identity.session.csrfToken : '' };
}

/** Sign in, then back to this page. */
export const signInFirst = (url: URL) => `/login/?next=${encodeURIComponent(url.pathname)}`;
