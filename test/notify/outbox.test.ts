/**
 * The durable outbox (issue 16, item 1) on SQLite and PostgreSQL: messages are written in the
 * transaction of their record (a rolled-back record leaves none), the daily calendar job runs once per
 * day however many instances race, each calendar event happens once under its key, two workers never
 * claim the same row, and a failing message backs off exponentially until it is marked failed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import { loadCatalog, policyOf, type Catalog } from '#lib/catalog/index.ts';
import { readBuildConfig } from '#lib/config.ts';
import { runCalendarJob } from '#lib/notify/calendar-job.ts';
import { readNotifyConfig } from '#lib/notify/config.ts';
import { claim, enqueue, listOutbox, retryMessage, settle } from '#lib/notify/outbox.ts';
import { createEndpoint } from '#lib/notify/webhooks.ts';
import type { Store } from '#lib/store/database.ts';
import { acknowledge } from '#lib/tracking/tracking.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { readEveryChapter } from '../support/reading.ts';

const root = join(import.meta.dirname, '../..');
const fixtures: Catalog = loadCatalog({
	config: {
		...readBuildConfig({}),
		contentDir: join(root, 'test/fixtures/content/policies'),
		quizzesDir: join(root, 'test/fixtures/quizzes'),
	},
});
const leave = policyOf('leave-policy', fixtures)!;
const config = readNotifyConfig({
	ZHIDU_SMTP_URL: 'smtp://127.0.0.1:2525',
	ZHIDU_MAIL_FROM: 'Zhidu <zhidu@example.com>',
	ZHIDU_PUBLIC_URL: 'https://policies.example.com',
	ZHIDU_OUTBOX_RETRY_SECONDS: '10',
	ZHIDU_OUTBOX_MAX_ATTEMPTS: '3',
});
const cli = cliActor();

describe.each(testDatabases)('outbox on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	const saved = { ...process.env };
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
	});
	afterAll(async () => drop?.());
	afterEach(() => {
		process.env = { ...saved };
	});

	const person = (n: number, department = '門市') =>
		addPerson(
			store,
			{
				employeeId: `E${n}`,
				name: `員工${n}`,
				email: `e${n}@example.com`,
				department,
				role: 'staff',
				hireDate: '2020-01-01',
			},
			cli,
		);

	it('writes messages with the record: a rolled-back transaction leaves none', async () => {
		await expect(
			store.db.transaction().execute(async (tx) => {
				await enqueue(
					tx,
					[{ event: 'test.event', email: { to: 'a@example.com', subject: 's', text: 't', html: 'h' } }],
					config,
				);
				throw new Error('the record failed');
			}),
		).rejects.toThrow('the record failed');
		expect((await listOutbox(store)).entries.filter((e) => e.event === 'test.event')).toEqual([]);
	});

	it('an acknowledgement writes its webhook event and xAPI statement in its transaction', async () => {
		process.env['ZHIDU_LRS_URL'] = 'http://lrs:secret@127.0.0.1:9/xapi/';
		await createEndpoint(store, { url: 'http://127.0.0.1:9/hook', events: ['acknowledgement.recorded'] }, cli);
		const p = await person(1);
		await readEveryChapter(store, leave, '1.1', p.id);
		const { created } = await acknowledge(store, leave, '1.1', p.id, { at: new Date('2025-02-01T02:00:00Z') });
		expect(created).toBe(true);
		const rows = (await listOutbox(store)).entries.filter((e) => e.event === 'acknowledgement.recorded');
		expect(rows.map((r) => r.channel).sort()).toEqual(['webhook', 'xapi']);
		expect(rows.find((r) => r.channel === 'xapi')!.recipient).toBe('http://127.0.0.1:9/xapi/statements');
		// The same acknowledgement again writes nothing more.
		await acknowledge(store, leave, '1.1', p.id, { at: new Date('2025-02-01T03:00:00Z') });
		expect((await listOutbox(store)).entries.filter((e) => e.event === 'acknowledgement.recorded')).toHaveLength(2);
	});

	it('runs the calendar job once per day, however many instances race, and each event once', async () => {
		for (const n of [2, 3, 4]) await person(n);
		const day = '2025-01-10';
		const results = await Promise.all([1, 2, 3].map(() => runCalendarJob(store, day, config, fixtures)));
		expect(results.filter((r) => r !== undefined)).toHaveLength(1);
		const again = await runCalendarJob(store, day, config, fixtures);
		expect(again).toBeUndefined();
		const events = await store.db.selectFrom('notification_events').select('key').execute();
		const keys = events.map((e) => e.key);
		expect(keys).toContain('version.in_force|leave-policy|1.1|-|2025-01-01');
		// The next day: no second assignment for anyone.
		await runCalendarJob(store, '2025-01-11', config, fixtures);
		const outbox = await store.db.selectFrom('outbox').select(['event_key', 'channel']).execute();
		const keyed = outbox
			.filter((r) => r.event_key?.startsWith('assigned|') && r.channel === 'email')
			.map((r) => r.event_key);
		expect(new Set(keyed).size).toBe(keyed.length);
	});

	it('two workers never claim the same row; failures back off, then fail; HR can retry', async () => {
		await store.db.transaction().execute((tx) =>
			enqueue(
				tx,
				Array.from({ length: 30 }, (_, i) => ({
					event: 'test.claim',
					email: { to: `c${i}@example.com`, subject: 's', text: 't', html: 'h' },
				})),
				config,
			),
		);
		const wall = new Date(Date.now() + 1000);
		const [a, b] = await Promise.all([claim(store, 1000, 60, wall), claim(store, 1000, 60, wall)]);
		const ids = [...a, ...b].map((c) => c.row.id);
		expect(new Set(ids).size).toBe(ids.length);
		const mine = [...a, ...b].find((c) => c.row.event === 'test.claim')!;
		// A held row is not claimed again before its lease ends.
		expect((await claim(store, 1000, 60, wall)).map((c) => c.row.id)).not.toContain(mine.row.id);
		await settle(store, mine, { ok: false, detail: '451 try later' }, config, wall);
		let row = await store.db.selectFrom('outbox').selectAll().where('id', '=', mine.row.id).executeTakeFirstOrThrow();
		expect(row.status).toBe('pending');
		expect(Date.parse(row.next_attempt_at) - wall.getTime()).toBe(10_000);
		// Second try: 20 s; third (the last): failed with the last error.
		let at = new Date(Date.parse(row.next_attempt_at));
		let again = (await claim(store, 1000, 60, at)).find((c) => c.row.id === mine.row.id)!;
		await settle(store, again, { ok: false, detail: '451 try later' }, config, at);
		row = await store.db.selectFrom('outbox').selectAll().where('id', '=', mine.row.id).executeTakeFirstOrThrow();
		expect(Date.parse(row.next_attempt_at) - at.getTime()).toBe(20_000);
		at = new Date(Date.parse(row.next_attempt_at));
		again = (await claim(store, 1000, 60, at)).find((c) => c.row.id === mine.row.id)!;
		await settle(store, again, { ok: false, detail: '452 mailbox full' }, config, at);
		row = await store.db.selectFrom('outbox').selectAll().where('id', '=', mine.row.id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: '452 mailbox full' });
		expect(await retryMessage(store, mine.row.id, cli)).toBe(true);
		row = await store.db.selectFrom('outbox').selectAll().where('id', '=', mine.row.id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'pending', attempts: 0 });
		// A settle by a worker whose lease was taken over does not overwrite the new holder's row.
		const later = new Date(Date.now() + 120_000);
		const stale = (await claim(store, 1000, 60, later)).find((c) => c.row.id === mine.row.id)!;
		const taker = (await claim(store, 1000, 60, new Date(later.getTime() + 61_000))).find(
			(c) => c.row.id === mine.row.id,
		)!;
		await settle(store, stale, { ok: true, detail: 'late' }, config, later);
		row = await store.db.selectFrom('outbox').selectAll().where('id', '=', mine.row.id).executeTakeFirstOrThrow();
		expect(row.status).toBe('pending');
		expect(row.claim).toBe(taker.claim);
	});
});
