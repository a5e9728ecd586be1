/**
 * Certificate verification codes: 160 bits from the system CSPRNG (at least
 * 128 are needed; 160 fill 32 base32 characters exactly), written in
 * lower-case base32 (no look-alike case) and printed in groups of four, so a
 * code can be typed. Anyone holding one may check the certificate; nobody can
 * guess one.
 */
import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

export function newVerificationCode(): string {
	const bytes = randomBytes(20);
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
		value &= (1 << bits) - 1;
	}
	if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
	return out;
}

/** A code as typed (any case, spaces or dashes between groups) in its stored form, or undefined if it cannot be one. */
export function normaliseVerificationCode(input: string): string | undefined {
	const code = input.toLowerCase().replace(/[\s-]/g, '');
	return /^[a-z2-7]{32}$/.test(code) ? code : undefined;
}

/** Groups of four for print: `abcd-efgh-…`. */
export function formatVerificationCode(code: string): string {
	return code.match(/.{1,4}/g)!.join('-');
}
