/**
 * The one access decision. The Astro middleware (on-demand routes, also under
 * `astro dev`) and the outer Node layer (static files) both ask this, with
 * the normalised path (request-path.ts), so a path is decided once and the
 * same way whoever serves it.
 */
import { participantMay, type ReviewParticipation } from '../lib/cms/review.ts';
import type { Identity } from './identity.ts';

export type AccessDecision =
	| {
			kind: 'allow';
			/** reachable without signing in */
			open: boolean;
			/** A version's review page reached by a non-HR reviewer or approver: what they may do there. */
			review?: ReviewParticipation;
	  }
	| { kind: 'sign-in'; location: string }
	| { kind: 'deny'; status: 401 | 403; reason: string };

export interface AccessRequest {
	/** The decoded, checked path from normaliseRequestPath. */
	path: string;
	/** The encoded path and query, for the sign-in page's `next`. */
	target?: string;
	method: string;
	/** The Accept header: a browser is sent to sign in, an API client gets 401. */
	accept?: string | null | undefined;
	identity: Identity | undefined;
	config: { read: 'signed-in' | 'public' };
	/** A form post's action (`op` or `action` field), for what a reviewer or approver may post. */
	formAction?: string | undefined;
	/** Whether policy.yaml names the person as a reviewer or approver of the policy (undefined: neither). */
	participation?: ((policyId: string) => ReviewParticipation | undefined) | undefined;
}

/**
 * Reachable without signing in: the sign-in and first-setup pages, health, the
 * assets they need, certificate verification (the unguessable code is the key),
 * and "forgot password", password reset and invitation (the link's token is the key).
 */
const openPaths = [
	/^\/login\/?$/,
	/^\/(forgot|reset|welcome)\/?$/,
	/^\/verify\/[a-z2-7-]+\/?$/i,
	/^\/setup\/?$/,
	/^\/api\/health$/,
	/^\/api\/v1\/auth\/login$/,
	/^\/_astro\//,
	/^\/favicon\./,
	/^\/apple-touch-icon\.png$/,
	/^\/robots\.txt$/,
];
/** Pages for HR people only (the HR API routes check the role, and API token scopes, themselves). */
const hrPages = /^\/hr(\/|$)/;
/** A version's review page (the clause editor), which the policy's listed reviewers and approvers reach too. */
const versionPage = /^\/hr\/policies\/([^/]+)\/([^/]+)\/?$/;
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isApiPath = (path: string) => path.startsWith('/api/');

/** A browser asking for a page (not the API): it gets HTML answers and redirects, an API client gets JSON. */
export const wantsHtml = (path: string, accept: string | null | undefined) =>
	!isApiPath(path) && (accept ?? '').includes('text/html');

export function decideAccess(request: AccessRequest): AccessDecision {
	const { path, method, identity, config } = request;
	const open = openPaths.some((p) => p.test(path));
	if (!identity && !open && config.read === 'signed-in') {
		if (method === 'GET' && wantsHtml(path, request.accept)) {
			return { kind: 'sign-in', location: `/login/?next=${encodeURIComponent(request.target ?? encodeURI(path))}` };
		}
		return { kind: 'deny', status: 401, reason: 'sign in or send an API token (Authorization: Bearer …)' };
	}
	if (unsafeMethods.has(method) && identity?.kind === 'token' && identity.scope === 'read') {
		return { kind: 'deny', status: 403, reason: 'this API token is read-only' };
	}
	// Signed-out visitors are sent to sign in by the HR pages themselves (with read=public, they may read the rest).
	if (hrPages.test(path) && identity?.kind === 'person' && identity.person.role !== 'hr') {
		const policyId = versionPage.exec(path)?.[1];
		const review = policyId ? request.participation?.(policyId) : undefined;
		if (!review) return { kind: 'deny', status: 403, reason: 'HR only' };
		if (unsafeMethods.has(method) && !participantMay(review, request.formAction ?? ''))
			return { kind: 'deny', status: 403, reason: 'reviewers and approvers may only comment, request changes or sign' };
		return { kind: 'allow', open, review };
	}
	return { kind: 'allow', open };
}
