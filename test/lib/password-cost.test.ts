/** The test suite's lower password cost (src/lib/auth/secrets.ts) is honoured only with the test flag. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '#lib/auth/secrets.ts';

const costOf = (hash: string) => Number(hash.split('$')[1]);

describe('password hashing cost', () => {
	afterEach(() => vi.unstubAllEnvs());

	it('is the production cost without the test flag, whatever ZHIDU_TEST_PASSWORD_COST says', async () => {
		vi.stubEnv('ZHIDU_TEST_CLOCK', '');
		vi.stubEnv('ZHIDU_TEST_PASSWORD_COST', 'low');
		const hash = await hashPassword('a production password');
		expect(costOf(hash)).toBe(2 ** 15);
		expect(await verifyPassword('a production password', hash)).toBe(true);
	});

	it('is lower with ZHIDU_TEST_CLOCK=1 and ZHIDU_TEST_PASSWORD_COST=low, and each hash verifies at its own cost', async () => {
		vi.stubEnv('ZHIDU_TEST_CLOCK', '1');
		vi.stubEnv('ZHIDU_TEST_PASSWORD_COST', 'low');
		const low = await hashPassword('a test password');
		expect(costOf(low)).toBe(2 ** 10);
		vi.stubEnv('ZHIDU_TEST_PASSWORD_COST', '');
		const production = await hashPassword('a test password');
		expect(costOf(production)).toBe(2 ** 15);
		// Verifying reads the parameters from the hash, whatever the setting now.
		expect(await verifyPassword('a test password', low)).toBe(true);
		expect(await verifyPassword('another password', low)).toBe(false);
		expect(await verifyPassword('a test password', production)).toBe(true);
	});
});
