/** The one signature module (src/lib/signature/): credential, limits, binding, manifestation; SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { addPerson, setPassword } from '#lib/auth/people.ts';
import { cliActor } from '#lib/auth/audit.ts';
import {
	hasSigningPassword,
	manifestation,
	setSigningPassword,
	sign,
	signaturesFor,
	signedTextHash,
	type SignatureSubject,
} from '#lib/signature/index.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const cli = cliActor();
const zone = 'Asia/Taipei';

describe.each(testDatabases)('signatures on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let personId: string;
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		const person = await addPerson(
			store,
			{ employeeId: 'S001', name: '林簽署', email: 'signer@example.com', department: '品保部', role: 'staff' },
			cli,
		);
		personId = person.id;
		await setPassword(store, personId, 'correct horse battery', cli);
	});
	afterAll(() => drop());

	const subject = (): SignatureSubject => ({ kind: 'test-record', id: randomUUID(), textHash: signedTextHash('本文') });
	const request = (credential: string) => ({
		personId,
		credential,
		method: 'account-password' as const,
		meaning: '核准',
		timeZone: zone,
		address: '10.0.0.9',
		limits: { maxFailures: 3, windowMinutes: 15 },
	});

	it('signs with the right password: the record and the signature in one transaction, bound to the subject', async () => {
		const what = subject();
		const result = await sign(store, request('correct horse battery'), async (tx) => {
			await tx
				.insertInto('audit_log')
				.values({
					id: what.id,
					at: new Date().toISOString(),
					actor_id: null,
					actor: null,
					event: 'test.record',
					subject: null,
					address: null,
					detail: '{}',
				})
				.execute();
			return { subject: what, result: 'written' };
		});
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.result).toBe('written');
		expect(result.signature).toMatchObject({ printedName: '林簽署', meaning: '核准', timeZone: zone, subject: what });
		const stored = (await signaturesFor(store.db, 'test-record', [what.id])).get(what.id)!;
		expect(stored).toHaveLength(1);
		expect(stored[0]).toEqual(result.signature);
		const shown = manifestation(stored[0]!, 'zh-Hant-TW');
		expect(shown.text).toContain('林簽署');
		expect(shown.text).toContain('核准');
		expect(shown.text).toContain('Asia/Taipei');
		expect(shown.text).toMatch(/\d{4}\/\d{2}\/\d{2}\s\d{2}:\d{2}/);
		expect(manifestation(stored[0]!, 'en').text).toMatch(/^林簽署 · .+ \(Asia\/Taipei\) · 核准$/);
		const audit = await store.db
			.selectFrom('audit_log')
			.selectAll()
			.where('event', '=', 'signature.recorded')
			.execute();
		expect(audit.some((e) => e.subject === `test-record:${what.id}`)).toBe(true);
	});

	it('finds the signatures of more subjects than a statement takes parameters (an export of 40,000 records)', async () => {
		const what = subject();
		const result = await sign(store, request('correct horse battery'), async () => ({ subject: what, result: 'ok' }));
		expect(result.ok).toBe(true);
		// SQLite takes at most 32,766 parameters in a statement: the ids are looked up in batches.
		const ids = [...Array.from({ length: 40_000 }, () => randomUUID()), what.id];
		const found = await signaturesFor(store.db, 'test-record', ids);
		expect([...found.keys()]).toEqual([what.id]);
	});

	it('a wrong password signs nothing and writes nothing but its audit entry', async () => {
		const what = subject();
		let wrote = false;
		const result = await sign(store, request('wrong password!!'), async () => {
			wrote = true;
			return { subject: what, result: null };
		});
		expect(result).toEqual({ ok: false, reason: 'invalid' });
		expect(wrote).toBe(false);
		expect((await signaturesFor(store.db, 'test-record', [what.id])).size).toBe(0);
	});

	it('limits failed tries like sign-ins: beyond the limit even the right password is refused, with a wait', async () => {
		const other = await addPerson(
			store,
			{ employeeId: 'S002', name: '王試', email: 'tries@example.com', department: '品保部', role: 'staff' },
			cli,
		);
		await setPassword(store, other.id, 'correct horse battery', cli);
		const tries = { ...request('wrong password!!'), personId: other.id };
		const results = await Promise.all(
			Array.from({ length: 6 }, () => sign(store, tries, async () => ({ subject: subject(), result: null }))),
		);
		expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(3);
		expect(results.filter((r) => !r.ok && r.reason === 'rate-limited')).toHaveLength(3);
		const right = await sign(store, { ...tries, credential: 'correct horse battery' }, async () => ({
			subject: subject(),
			result: null,
		}));
		expect(right).toMatchObject({ ok: false, reason: 'rate-limited' });
		if (!right.ok) expect(right.retryAfterSeconds).toBeGreaterThan(0);
	});

	it('a failure inside the record rolls the signature back too', async () => {
		const what = subject();
		await expect(
			sign(store, request('correct horse battery'), async () => {
				throw new Error('record refused');
			}),
		).rejects.toThrow('record refused');
		expect((await signaturesFor(store.db, 'test-record', [what.id])).size).toBe(0);
	});

	it('proxy mode signs with a signing password set on the account page, never the account password', async () => {
		const proxied = await addPerson(
			store,
			{ employeeId: 'S003', name: '代理人', email: 'sso@example.com', department: '品保部', role: 'staff' },
			cli,
		);
		const asProxy = { ...request('signing secret 1'), personId: proxied.id, method: 'signing-password' as const };
		expect(await hasSigningPassword(store, proxied.id)).toBe(false);
		expect(await sign(store, asProxy, async () => ({ subject: subject(), result: null }))).toEqual({
			ok: false,
			reason: 'no-credential',
		});
		await expect(setSigningPassword(store, proxied.id, 'short')).rejects.toThrow(/password/);
		await setSigningPassword(store, proxied.id, 'signing secret 1');
		expect(await hasSigningPassword(store, proxied.id)).toBe(true);
		const signed = await sign(store, asProxy, async () => ({ subject: subject(), result: 1 }));
		expect(signed.ok).toBe(true);
		if (signed.ok) expect(signed.signature.method).toBe('signing-password');
	});

	it('signatures are append-only in the database', async () => {
		await expect(store.db.updateTable('signatures').set({ meaning: '改' }).execute()).rejects.toThrow(/append-only/);
		await expect(store.db.deleteFrom('signatures').execute()).rejects.toThrow(/append-only/);
	});
});
