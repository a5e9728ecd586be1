/**
 * The hot API routes answered by plain Node before Astro (src/server/plain-routes.ts:
 * starting and submitting an attempt, acknowledging a version) keep every guard of
 * the pipeline (and so do the browser search's states and records):
 * sign-in, read-only API tokens, the session's CSRF token, the
 * cross-site form check, the JSON content type and schema, another person's
 * attempt, the path checks, and the security and cache headers on every answer.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { answersFor, attemptServerEnv, fixtureBank, signedInStaff } from '../support/attempts.ts';

const routes = [
	'/api/v1/attempts',
	'/api/v1/attempts/00000000-0000-0000-0000-000000000000/submit',
	'/api/v1/acknowledgements',
];
const inMonths = (months: number) => new Date(Date.now() + months * 30 * 86_400_000).toISOString();

describe.each(testDatabases.filter((d) => d.name === 'sqlite'))('plain API routes on $name', (database) => {
	let server: RunningServer;
	let drop: () => Promise<void>;
	let hr: Client;
	let staff: Client;
	let other: Client;
	const bankDir = mkdtempSync(join(tmpdir(), 'zhidu-plain-'));

	beforeAll(async () => {
		writeFileSync(
			join(bankDir, 'leave-policy.yaml'),
			stringify({ ...fixtureBank(), cooldownMinutes: 0, maxAttemptsPerDay: 50 }),
		);
		const setup = await attemptServerEnv(database, bankDir);
		drop = setup.drop;
		server = await startServer(setup.env, dirname(inject('fixtureProductionSiteDir')));
		hr = await setUpHr(server);
		staff = await signedInStaff(server.url, hr, setup.env, 'plain-a');
		other = await signedInStaff(server.url, hr, setup.env, 'plain-b');
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	/** Every answer, error or not: private, never cached, with the pipeline's security headers. */
	function expectGuarded(response: Response) {
		expect(response.headers.get('cache-control')).toBe('private, no-store');
		expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(response.headers.get('content-security-policy')).toBeTruthy();
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
	}

	it('signed out: 401 JSON on each route', async () => {
		for (const path of routes) {
			const response = await new Client(server.url).request(path, { method: 'POST', json: {} });
			expect(response.status, path).toBe(401);
			expectGuarded(response);
			expect(await response.json()).toEqual({ error: expect.stringMatching(/sign in/) });
		}
	});

	it('a session without its CSRF token, or a cross-site form, is refused with 403 and nothing is done', async () => {
		for (const path of routes) {
			const noCsrf = await staff.request(path, { method: 'POST', json: { quiz: 'leave-policy' } });
			expect(noCsrf.status, path).toBe(403);
			expectGuarded(noCsrf);
			const crossSite = await staff.request(path, {
				method: 'POST',
				body: 'quiz=leave-policy',
				headers: { 'content-type': 'text/plain', origin: 'https://evil.example', 'x-csrf-token': staff.csrf! },
			});
			expect(crossSite.status, path).toBe(403);
		}
		// No attempt was started by either.
		const started = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		expect(started.status).toBe(201);
		expect(((await started.json()) as { resumed: boolean }).resumed).toBe(false);
	});

	it('a read-only API token may not write; a read-write token is not a person (401 from the route)', async () => {
		for (const [scope, status] of [
			['read', 403],
			['read-write', 401],
		] as const) {
			const created = await hr.write('/api/v1/tokens', 'POST', {
				name: `plain ${scope}`,
				scope,
				expiresAt: inMonths(6),
			});
			expect(created.status, await created.clone().text()).toBe(201);
			const { token } = (await created.json()) as { token: string };
			for (const path of routes) {
				const response = await fetch(server.url + path, {
					method: 'POST',
					headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
					body: JSON.stringify({ quiz: 'leave-policy', policy: 'leave-policy', answers: {} }),
				});
				expect(response.status, `${scope} ${path}`).toBe(status);
				expectGuarded(response);
			}
		}
	});

	it('the body must be JSON under the schema: 415 and 400 naming the field', async () => {
		for (const path of routes) {
			const text = await staff.request(path, {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'text/plain', 'x-csrf-token': staff.csrf!, origin: server.url },
			});
			expect(text.status, path).toBe(415);
			const malformed = await staff.request(path, {
				method: 'POST',
				body: '{',
				headers: { 'content-type': 'application/json', 'x-csrf-token': staff.csrf! },
			});
			expect(malformed.status, path).toBe(400);
			expect(await malformed.json()).toEqual({ error: 'malformed JSON' });
		}
		const invalid = await staff.write('/api/v1/attempts', 'POST', { quiz: 7 });
		expect(invalid.status).toBe(400);
		expectGuarded(invalid);
		expect(((await invalid.json()) as { fields: Record<string, string> }).fields).toHaveProperty('quiz');
	});

	it("another person's attempt is not found, and a graded one is not graded again", async () => {
		const started = await staff.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		const { attempt } = (await started.json()) as { attempt: { id: string; questions: { id: string }[] } };
		const body = { answers: answersFor(attempt.questions, true) };
		const stolen = await other.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', body);
		expect(stolen.status).toBe(404);
		const graded = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', body);
		expect(graded.status).toBe(200);
		expectGuarded(graded);
		expect(((await graded.json()) as { attempt: { passed: boolean } }).attempt.passed).toBe(true);
		const again = await staff.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', body);
		expect(again.status).toBe(409);
	});

	it('a path that is not clean is refused before any route (400), whatever it would reach', async () => {
		// (fetch resolves dot segments itself, so they are not sent as such: test/security/paths.test.ts has them raw.)
		for (const path of ['/api/v1/attempts/a%2Fb/submit', '/api/v1/attempts/a%5Cb/submit', '/api/v1//attempts']) {
			const response = await staff.write(path, 'POST', { answers: {} });
			expect(response.status, path).toBe(400);
		}
	});

	it('the search states and records: 401 signed out, private JSON signed in, 400 naming a bad `ids`', async () => {
		const fragments = join(inject('fixtureProductionSiteDir'), 'pagefind', 'fragment');
		const id = readdirSync(fragments)[0]!.replace(/\.pf_fragment$/, '');
		const paths = ['/api/v1/search/states', `/api/v1/search/records?ids=${id}`];
		for (const path of paths) {
			const signedOut = await new Client(server.url).request(path);
			expect(signedOut.status, path).toBe(401);
			expectGuarded(signedOut);
			const read = await staff.request(path);
			expect(read.status, path).toBe(200);
			expectGuarded(read);
		}
		const records = (await (await staff.request(paths[1]!)).json()) as {
			records: Record<string, { url: string } | null>;
		};
		expect(records.records[id]?.url).toMatch(/^\/policies\//);
		const states = (await (await staff.request(paths[0]!)).json()) as { states: Record<string, string> };
		expect(Object.values(states.states)).toContain('in-force');
		for (const ids of ['../../etc/passwd', 'a/b', '']) {
			const bad = await staff.request(`/api/v1/search/records?ids=${encodeURIComponent(ids)}`);
			expect(bad.status, ids).toBe(400);
			expectGuarded(bad);
			expect(((await bad.json()) as { fields: Record<string, string> }).fields).toHaveProperty('ids');
		}
	});
});
