/**
 * Sign-in limits under attack, against the real server on SQLite and
 * PostgreSQL: parallel guesses cannot slip past the count, an attacker's
 * address cannot lock the owner out, one address cannot spray every account,
 * and password hashing does not stall other requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';

// The victim's password is hashed at the production cost (test/vitest.config.ts lowers it for the run): a hash
// carries its cost, so every check of it (the concurrency test's 16 among them) costs what it costs in production,
// and hashing on the event loop would stall the server. Other hashes (HR's, the dummy for an unknown account) keep
// the run's low cost: the limits below count checks, whatever each costs. 16 hashed on the event loop hold the
// server for over a second, which fails the burst test; npm run bench times the 40.
async function victimAtProductionCost(rig: SecurityRig): Promise<void> {
	const saved = process.env['ZHIDU_TEST_PASSWORD_COST'];
	process.env['ZHIDU_TEST_PASSWORD_COST'] = '';
	try {
		await staffWithPassword(rig, { employeeId: 'V001', email: 'victim@example.com' }, 'the victim password');
	} finally {
		process.env['ZHIDU_TEST_PASSWORD_COST'] = saved;
	}
	const stored = await rig.store.db
		.selectFrom('people')
		.select('password_hash')
		.where('email', '=', 'victim@example.com')
		.executeTakeFirstOrThrow();
	expect(stored.password_hash).toMatch(/^scrypt\$32768\$/);
}

const login = (rig: SecurityRig, email: string, password: string, from: string) =>
	fetch(`${rig.server.url}/api/v1/auth/login`, {
		method: 'POST',
		// The test runs as the trusted proxy, so each request can come from an address of its choosing.
		headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
		body: JSON.stringify({ email, password }),
	});

describe.each(testDatabases)('sign-in limits on $name', (database) => {
	let rig: SecurityRig;
	beforeAll(async () => {
		rig = await securityRig(database, { ZHIDU_TRUSTED_PROXIES: '127.0.0.1' });
		await victimAtProductionCost(rig);
	}, 180_000);
	afterAll(() => rig?.close());

	it('30 parallel wrong passwords for one account: at most 5 are checked, the rest get 429', async () => {
		const statuses = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				login(rig, 'victim@example.com', `guess number ${i}`, '203.0.113.7').then((r) => r.status),
			),
		);
		const checked = statuses.filter((s) => s === 401).length;
		expect(checked).toBeLessThanOrEqual(5);
		expect(checked).toBeGreaterThan(0);
		expect(statuses.filter((s) => s === 429)).toHaveLength(30 - checked);
		const failures = await rig.store.db
			.selectFrom('audit_log')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('event', '=', 'auth.login-failed')
			.where('subject', '=', 'victim@example.com')
			.executeTakeFirstOrThrow();
		expect(Number(failures.n)).toBe(checked);
		// Still limited for the attacker, even with the right password.
		const again = await login(rig, 'victim@example.com', 'the victim password', '203.0.113.7');
		expect(again.status).toBe(429);
		expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it("an attacker's guesses from one address do not lock the owner out from another", async () => {
		const owner = await login(rig, 'victim@example.com', 'the victim password', '198.51.100.20');
		expect(owner.status).toBe(200);
	});

	it('one address guessing across many accounts meets the per-address ceiling', async () => {
		const statuses: number[] = [];
		// 25 accounts (mostly unknown), one guess each: the address may spend 20 across accounts.
		for (let i = 0; i < 25; i++)
			statuses.push((await login(rig, `person${i}@example.com`, 'some guess', '203.0.113.99')).status);
		expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
		expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
		// The victim, from their own address, still signs in.
		expect((await login(rig, 'victim@example.com', 'the victim password', '198.51.100.21')).status).toBe(200);
	});

	it('16 concurrent sign-ins do not stall the health check (hashing off the event loop)', async () => {
		const waits: number[] = [];
		let running = true;
		const probe = (async () => {
			while (running) {
				const started = performance.now();
				await fetch(`${rig.server.url}/api/health`);
				waits.push(performance.now() - started);
			}
		})();
		const started = performance.now();
		await Promise.all(
			Array.from({ length: 16 }, (_, i) =>
				login(rig, 'victim@example.com', i % 2 ? 'the victim password' : `wrong ${i}`, `192.0.2.${i + 1}`),
			),
		);
		const signInsTook = performance.now() - started;
		running = false;
		await probe;
		waits.sort((a, b) => a - b);
		const p95 = waits[Math.floor(waits.length * 0.95)]!;
		// On a shared test machine the bound is generous; npm run bench records the real figure (target p95 < 200 ms).
		// A blocking hash would hold each probe for most of the burst.
		expect(waits.length).toBeGreaterThan(3);
		expect(p95).toBeLessThan(Math.max(1000, signInsTook / 4));
	});
});
