/** Reading before acknowledging (issue 15, item 4): receipts, the attestation, the signed acknowledgement; both databases. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson, setPassword } from '#lib/auth/people.ts';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { signaturesFor } from '#lib/signature/index.ts';
import type { Store } from '#lib/store/database.ts';
import {
	attestationStatement,
	chapterReading,
	readingReceipts,
	ReadingError,
	recordReadingReceipt,
} from '#lib/tracking/reading.ts';
import { acknowledge, acknowledgeSigned } from '#lib/tracking/tracking.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const root = resolve(import.meta.dirname, '../..');

function content() {
	const dir = join(mkdtempSync(join(tmpdir(), 'zhidu-attest-')), 'policies');
	cpSync(join(root, 'test/fixtures/content/policies'), dir, { recursive: true });
	const file = join(dir, 'leave-policy/policy.yaml');
	writeFileSync(file, `${readFileSync(file, 'utf8')}acknowledgement: signature\n`);
	return loadContentOrThrow({ policiesDir: dir });
}
const policy = content().find((p) => p.id === 'leave-policy')!;
const version = '2.2';
const chapters = policy.versions.find((v) => v.meta.version === version)!.chapters.map((c) => c.chapter.id);

describe.each(testDatabases)('reading and attesting on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let personId: string;
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		personId = (
			await addPerson(
				store,
				{ employeeId: 'A001', name: '陳讀者', email: 'reader@example.com', department: '業務部', role: 'staff' },
				cliActor(),
			)
		).id;
		await setPassword(store, personId, 'correct horse battery', cliActor());
	});
	afterAll(() => drop());

	it('states the default attestation with the title and version, in the UI language', () => {
		expect(attestationStatement(policy, version, 'zh-Hant-TW')).toBe(
			'本人已閱讀並理解《員工請假管理辦法》第 2.2 版，並同意遵守。',
		);
		expect(attestationStatement(policy, version, 'en')).toBe(
			'I have read and understood “員工請假管理辦法”, version 2.2, and agree to comply with it.',
		);
		const own = { ...policy, meta: { ...policy.meta, attestation: '我會遵守{title}（{version}）' } };
		expect(attestationStatement(own, version, 'zh-Hant-TW')).toBe('我會遵守員工請假管理辦法（2.2）');
	});

	it('refuses an acknowledgement until every chapter has a receipt, naming the unread ones', async () => {
		expect(chapters.length).toBeGreaterThan(1);
		await recordReadingReceipt(store, { personId, policy, version, chapter: chapters[0]! });
		const refused = acknowledge(store, policy, version, personId);
		await expect(refused).rejects.toBeInstanceOf(ReadingError);
		await expect(refused).rejects.toThrow(chapters.slice(1).join(', '));
		expect(await store.db.selectFrom('acknowledgements').selectAll().execute()).toHaveLength(0);
	});

	it('keeps the first receipt per person, chapter and version; refuses a chapter the version does not have', async () => {
		const first = await readingReceipts(store.db, personId, { policy: policy.id, version });
		const again = await recordReadingReceipt(store, { personId, policy, version, chapter: chapters[0]! });
		expect(again.created).toBe(false);
		expect(again.receipt.readAt).toBe(first[0]!.readAt);
		await expect(recordReadingReceipt(store, { personId, policy, version, chapter: 'ch-99' })).rejects.toThrow(
			/no chapter ch-99/,
		);
		await expect(store.db.deleteFrom('reading_receipts').execute()).rejects.toThrow(/append-only/);
	});

	it('a signed acknowledgement: wrong password records nothing; the right one records it with its signature', async () => {
		for (const chapter of chapters.slice(1)) await recordReadingReceipt(store, { personId, policy, version, chapter });
		expect(chapterReading(policy, version, await readingReceipts(store.db, personId)).every((c) => c.read)).toBe(true);
		const signing = {
			method: 'account-password' as const,
			meaning: '閱讀確認並同意遵守',
			timeZone: 'Asia/Taipei',
		};
		const statement = attestationStatement(policy, version, 'zh-Hant-TW');
		const wrong = await acknowledgeSigned(store, policy, version, personId, { ...signing, credential: 'not it!!!!' });
		expect(wrong).toEqual({ ok: false, reason: 'invalid' });
		expect(await store.db.selectFrom('acknowledgements').selectAll().execute()).toHaveLength(0);
		const signed = await acknowledgeSigned(
			store,
			policy,
			version,
			personId,
			{ ...signing, credential: 'correct horse battery' },
			{ statement },
		);
		expect(signed.ok).toBe(true);
		if (!signed.ok) return;
		expect(signed.result.record.statement).toBe(statement);
		const stored = (await signaturesFor(store.db, 'acknowledgement', [signed.result.record.id])).get(
			signed.result.record.id,
		)!;
		expect(stored[0]).toMatchObject({
			printedName: '陳讀者',
			meaning: '閱讀確認並同意遵守',
			subject: { kind: 'acknowledgement', id: signed.result.record.id, textHash: signed.result.record.text_hash },
		});
	});
});
