/** Passwords (scrypt) and random tokens (stored only as SHA-256 hashes). */
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
	new Promise<Buffer>((resolve, reject) =>
		scryptCallback(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
	);

// N=2^15, r=8: ~30 ms and 32 MiB per hash on this class of machine; maxmem leaves room for it.
const productionCost = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
// The test suite hashes hundreds of passwords in its servers, CLI runs and stores: N=2^10 is ~1 ms each.
const testCost = { ...productionCost, N: 2 ** 10 };

/**
 * The cost new hashes are made with. Tests only: `ZHIDU_TEST_PASSWORD_COST=low` is honoured with the flag that also
 * allows the test clock (`ZHIDU_TEST_CLOCK=1`, src/lib/calendar.ts) and ignored without it. A hash carries its own
 * parameters, so verifying never depends on this.
 */
function cost(env: Record<string, string | undefined> = process.env) {
	return env['ZHIDU_TEST_CLOCK'] === '1' && env['ZHIDU_TEST_PASSWORD_COST'] === 'low' ? testCost : productionCost;
}

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const params = cost();
	const key = await scrypt(password.normalize('NFKC'), salt, 32, params);
	return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
	// With no stored hash, still spend the time, so timing does not reveal which accounts exist.
	const [scheme, n, r, p, saltText, keyText] = (
		stored ?? `scrypt$${cost().N}$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`
	).split('$');
	if (scheme !== 'scrypt' || !saltText || !keyText) return false;
	const expected = Buffer.from(keyText, 'base64url');
	const key = await scrypt(password.normalize('NFKC'), Buffer.from(saltText, 'base64url'), expected.length, {
		N: Number(n),
		r: Number(r),
		p: Number(p),
		maxmem: productionCost.maxmem,
	});
	return stored !== null && stored !== undefined && timingSafeEqual(key, expected);
}

/** A random token for cookies, setup links and API tokens. */
export const newToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
