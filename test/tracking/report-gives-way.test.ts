/**
 * A report on thousands of people never holds the server's one thread for its
 * whole length (issue 19, item 4): a request that arrives while it is being
 * made is answered before it ends, on SQLite (whose reads run synchronously)
 * as on PostgreSQL. Thousands of real rows; no timing thresholds: the report
 * must simply still be running when the other answer has come back.
 */
import { randomUUID } from 'node:crypto';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { insertMany } from '#lib/store/bulk-insert.ts';
import type { Store } from '#lib/store/database.ts';
import { trackingAsOf, type TrackingContext } from '#lib/tracking/tracking.ts';
import { syntheticPass, syntheticPeople } from '../../scripts/bench-support.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const root = resolve(import.meta.dirname, '../..');
const policies = loadContentOrThrow({ policiesDir: join(root, 'content/policies') });
const ctx: TrackingContext = {
	policies,
	quizzes: loadQuizzes(join(root, 'quizzes'), policies).quizzes,
	timeZone: 'Asia/Taipei',
};
const PEOPLE = 3000;

/** PEOPLE people, half of them in the department the operations policy is assigned to; a pass and an acknowledgement each. */
async function seed(store: Store): Promise<void> {
	const at = '2026-01-05T02:00:00.000Z';
	const people = syntheticPeople(PEOPLE, { prefix: 'R', createdAt: at });
	const quiz = ctx.quizzes[0]!;
	const passes = people.map((p, i) =>
		syntheticPass({ personId: p.id, quizId: quiz.id, policyId: quiz.policy, seed: i, startedAt: at }),
	);
	await store.db.transaction().execute(async (tx) => {
		await insertMany(store, tx, 'people', people);
		await insertMany(
			store,
			tx,
			'person_history',
			people.map((p, i) => ({
				id: randomUUID(),
				person_id: p.id,
				department: i % 2 ? '運營部門' : '市場部',
				role: 'staff' as const,
				effective_from: '2025-01-01',
				recorded_at: at,
				recorded_by: null,
			})),
		);
		await insertMany(
			store,
			tx,
			'attempts',
			passes.map((x) => x.attempt),
		);
		await insertMany(
			store,
			tx,
			'attempt_grades',
			passes.map((x) => x.grade),
		);
		await insertMany(
			store,
			tx,
			'acknowledgements',
			passes.map((x) => x.acknowledgement),
		);
	});
}

describe.each(testDatabases)('a large report on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	const server = createServer((_, res) => res.end('ok'));
	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		await seed(store);
		await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
	});
	afterAll(async () => {
		server.close();
		await drop();
	});

	it('answers a request that arrives while it is being made, before the report ends', async () => {
		const { port } = server.address() as AddressInfo;
		let reportDone = false;
		// The request goes out as the report starts: connecting, sending and reading the answer each need
		// the event loop, which the report must give back while it works.
		const answered = new Promise<boolean>((done, fail) =>
			get(`http://127.0.0.1:${port}/`, (res) => {
				res.resume();
				res.on('end', () => done(reportDone));
			}).on('error', fail),
		);
		const report = trackingAsOf(store, ctx, '2026-02-01').then((rows) => {
			reportDone = true;
			return rows;
		});
		expect(await answered).toBe(false);
		const rows = await report;
		// Everyone owes the policy for everyone; half also owe the operations department's.
		expect(rows).toHaveLength(PEOPLE + PEOPLE / 2);
	});
});
