/** The one access decision (src/server/access.ts), over a table of paths, methods and people. */
import { describe, expect, it } from 'vitest';
import { decideAccess, type AccessDecision } from '#server/access.ts';
import type { Identity } from '#server/identity.ts';
import type { Person } from '#lib/auth/people.ts';

const person = (role: 'hr' | 'staff'): Identity => ({
	kind: 'person',
	via: 'proxy',
	person: { id: `p-${role}`, role, email: `${role}@example.com` } as Person,
});
const token = (scope: 'read' | 'read-write'): Identity =>
	({ kind: 'token', tokenId: 't', scope, name: 'n', createdBy: 'p' }) as Identity;
const html = 'text/html,application/xhtml+xml';

type Row = [
	string,
	string,
	string | undefined,
	Identity | undefined,
	'signed-in' | 'public',
	AccessDecision['kind'],
	number?,
];
const rows: Row[] = [
	// path, method, accept, identity, read, decision, status
	['/login/', 'GET', html, undefined, 'signed-in', 'allow'],
	['/setup/', 'POST', html, undefined, 'signed-in', 'allow'],
	['/api/health', 'GET', undefined, undefined, 'signed-in', 'allow'],
	['/api/v1/auth/login', 'POST', undefined, undefined, 'signed-in', 'allow'],
	['/_astro/site.css', 'GET', undefined, undefined, 'signed-in', 'allow'],
	['/', 'GET', html, undefined, 'signed-in', 'sign-in'],
	['/policies/人事/', 'GET', html, undefined, 'signed-in', 'sign-in'],
	['/policies/人事/', 'GET', 'application/json', undefined, 'signed-in', 'deny', 401],
	['/policies/人事/', 'POST', html, undefined, 'signed-in', 'deny', 401],
	['/api/v1/search', 'GET', html, undefined, 'signed-in', 'deny', 401],
	['/policies/人事/', 'GET', html, undefined, 'public', 'allow'],
	['/api/v1/people', 'GET', undefined, undefined, 'public', 'allow'],
	['/hr/', 'GET', html, person('staff'), 'signed-in', 'deny', 403],
	['/hr/dashboard/', 'GET', html, person('staff'), 'public', 'deny', 403],
	['/hr', 'GET', html, person('staff'), 'signed-in', 'deny', 403],
	['/hr/', 'GET', html, person('hr'), 'signed-in', 'allow'],
	['/hrx/', 'GET', html, person('staff'), 'signed-in', 'allow'],
	['/account/', 'GET', html, person('staff'), 'signed-in', 'allow'],
	['/api/v1/people', 'POST', undefined, token('read'), 'signed-in', 'deny', 403],
	['/api/v1/people', 'POST', undefined, token('read-write'), 'signed-in', 'allow'],
	['/api/v1/people', 'GET', undefined, token('read'), 'signed-in', 'allow'],
];

describe('decideAccess', () => {
	it.each(rows)('%s %s (accept %s) as %o, read=%s → %s %s', (path, method, accept, identity, read, kind, status) => {
		const decision = decideAccess({ path, method, accept, identity, config: { read } });
		expect(decision.kind).toBe(kind);
		if (decision.kind === 'deny') expect(decision.status).toBe(status);
	});

	it('sends a browser to sign in with the encoded path and query as next', () => {
		const decision = decideAccess({
			path: '/policies/人事/',
			target: '/policies/%E4%BA%BA%E4%BA%8B/?v=1',
			method: 'GET',
			accept: html,
			identity: undefined,
			config: { read: 'signed-in' },
		});
		expect(decision).toEqual({
			kind: 'sign-in',
			location: `/login/?next=${encodeURIComponent('/policies/%E4%BA%BA%E4%BA%8B/?v=1')}`,
		});
	});

	describe("a policy's reviewers and approvers who are not HR", () => {
		// policy.yaml of `leave` names staff@example.com as a reviewer; nobody else names them.
		const participation = (policyId: string) =>
			policyId === 'leave' ? { reviewer: true, approver: false } : undefined;
		const decide = (path: string, method = 'GET', formAction?: string) =>
			decideAccess({
				path,
				method,
				accept: html,
				identity: person('staff'),
				config: { read: 'signed-in' },
				participation,
				formAction,
			});

		it('reach the version page of that policy, and the decision says as what', () => {
			expect(decide('/hr/policies/leave/2.1/')).toEqual({
				kind: 'allow',
				open: false,
				review: { reviewer: true, approver: false },
			});
		});

		it('may post what their part allows, and nothing else', () => {
			expect(decide('/hr/policies/leave/2.1/', 'POST', 'comment').kind).toBe('allow');
			expect(decide('/hr/policies/leave/2.1/', 'POST', 'request-changes').kind).toBe('allow');
			for (const action of ['sign', 'set-clause', 'submit', 'move-clause-to-section', 'confirm-review', ''])
				expect(decide('/hr/policies/leave/2.1/', 'POST', action)).toMatchObject({ kind: 'deny', status: 403 });
		});

		it('are refused the policy list, another policy and the other HR pages', () => {
			for (const path of ['/hr/policies/', '/hr/policies/other/1.0/', '/hr/', '/hr/policies/leave/'])
				expect(decide(path)).toMatchObject({ kind: 'deny', status: 403 });
		});

		it('HR is decided as before: no review part, everything allowed', () => {
			const decision = decideAccess({
				path: '/hr/policies/leave/2.1/',
				method: 'POST',
				accept: html,
				identity: person('hr'),
				config: { read: 'signed-in' },
				participation,
				formAction: 'set-clause',
			});
			expect(decision).toEqual({ kind: 'allow', open: false });
		});
	});
});
