/**
 * Pages rendered on demand (what depends on today) run under the same
 * Content-Security-Policy as prerendered ones, whose inline-script hashes are
 * taken from the prerendered HTML only: no page may carry an inline script
 * the policy does not allow, or its script is silently blocked.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixtureServerEnv, serveSite, type ServedSite } from '../support/site-server.ts';

describe('inline scripts under the Content-Security-Policy', () => {
	let site: ServedSite;
	beforeAll(async () => {
		site = await serveSite(inject('fixtureProductionSiteDir'), fixtureServerEnv);
	});
	afterAll(async () => {
		await site?.close();
	});

	it.each([
		'/',
		'/policies/leave-policy/',
		'/policies/leave-policy/history/',
		'/policies/leave-policy/1.0/ch-1/',
		'/fragments/version-banner/?policy=leave-policy&version=1.0&chapter=ch-1&state=1',
	])('an inline script the policy does not allow, on %s', async (path) => {
		const response = await fetch(site.url + path);
		expect(response.status).toBe(200);
		const csp = response.headers.get('content-security-policy') ?? '';
		const html = await response.text();
		const blocked = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
			.filter((m) => m[1]!.trim())
			.map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`)
			.filter((hash) => !csp.includes(hash));
		expect(blocked).toEqual([]);
	});
});
