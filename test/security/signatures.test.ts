/**
 * Attacks on signed acknowledgements, against the real server on SQLite and PostgreSQL (a policy whose
 * acknowledgement is a signature): acknowledging without reading is refused by the server; guessing the password
 * is limited like sign-ins (then 429 with Retry-After, even for the right one) and audited; a wrong password signs
 * nothing; serving a chapter page writes nothing (the receipt is its own CSRF-protected POST).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePoliciesDir } from '../support/build-site.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { readEveryChapterOverHttp } from '../support/reading.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';

function signedContent(): string {
	const dir = join(mkdtempSync(join(tmpdir(), 'zhidu-signed-')), 'policies');
	cpSync(fixturePoliciesDir, dir, { recursive: true });
	const file = join(dir, 'leave-policy/policy.yaml');
	writeFileSync(file, `${readFileSync(file, 'utf8')}acknowledgement: signature\n`);
	return dir;
}

describe.each(testDatabases)('signed acknowledgements on $name', (database) => {
	let rig: SecurityRig;
	let staff: Client;
	beforeAll(async () => {
		rig = await securityRig(database, { ZHIDU_CONTENT_DIR: signedContent() });
		await staffWithPassword(rig, { employeeId: 'G001', email: 'guess@example.com', name: '吳猜' }, 'guess password 1');
		staff = new Client(rig.server.url);
		expect((await staff.signIn('guess@example.com', 'guess password 1')).status).toBe(200);
	}, 180_000);
	afterAll(() => rig?.close());

	const ack = (password?: string) =>
		staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy', ...(password ? { password } : {}) });
	const count = async (table: 'reading_receipts' | 'signatures' | 'acknowledgements') =>
		(await rig.store.db.selectFrom(table).selectAll().execute()).length;

	it('serving a chapter page writes nothing; acknowledging before reading every chapter is refused', async () => {
		const page = await staff.request('/policies/leave-policy/1.1/ch-1/', { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		expect(await count('reading_receipts')).toBe(0);
		const refused = await ack('guess password 1');
		expect(refused.status).toBe(409);
		expect(await refused.json()).toMatchObject({ fields: { chapters: expect.stringContaining('ch-1') } });
		expect(await count('acknowledgements')).toBe(0);
	});

	it('a signature needs the password; wrong ones sign nothing; guessing stops after 5 tries, even for the right one', async () => {
		await readEveryChapterOverHttp(staff, 'leave-policy');
		const missing = await ack();
		expect(missing.status).toBe(400);
		expect(await missing.json()).toMatchObject({ fields: { password: expect.any(String) } });
		const wrong = await Promise.all(Array.from({ length: 7 }, (_, i) => ack(`wrong guess ${i}!`)));
		expect(wrong.filter((r) => r.status === 403)).toHaveLength(5);
		const limited = wrong.filter((r) => r.status === 429);
		expect(limited).toHaveLength(2);
		expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
		const right = await ack('guess password 1');
		expect(right.status).toBe(429);
		expect(await count('signatures')).toBe(0);
		expect(await count('acknowledgements')).toBe(0);
		const audit = await rig.store.db.selectFrom('audit_log').select('event').execute();
		expect(audit.filter((e) => e.event === 'signature.failed')).toHaveLength(5);
		expect(audit.filter((e) => e.event === 'signature.rate-limited').length).toBeGreaterThanOrEqual(3);
	});

	it('the right password signs: the record and its signature, shown with name, time and meaning', async () => {
		await staffWithPassword(rig, { employeeId: 'G002', email: 'signer@example.com', name: '鄭簽' }, 'signer password');
		staff = new Client(rig.server.url);
		expect((await staff.signIn('signer@example.com', 'signer password')).status).toBe(200);
		await readEveryChapterOverHttp(staff, 'leave-policy');
		const signed = await ack('signer password');
		expect(signed.status, await signed.clone().text()).toBe(201);
		const body = (await signed.json()) as {
			acknowledgement: {
				statement: string;
				signature: { printedName: string; meaning: string; manifestation: string };
			};
		};
		expect(body.acknowledgement.statement).toBe('本人已閱讀並理解《員工請假管理辦法》第 1.1 版，並同意遵守。');
		expect(body.acknowledgement.signature).toMatchObject({ printedName: '鄭簽', meaning: '閱讀確認並同意遵守' });
		expect(body.acknowledgement.signature.manifestation).toMatch(
			/^鄭簽　\d{4}\/\d{2}\/\d{2}\s\d{2}:\d{2}（Asia\/Taipei）　閱讀確認並同意遵守$/,
		);
		// Again: the record already made, no second signature.
		expect((await ack('signer password')).status).toBe(200);
		expect(await count('signatures')).toBe(1);
	});
});
