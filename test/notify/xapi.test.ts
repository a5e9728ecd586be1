/**
 * xAPI (issue 16, item 4): with ZHIDU_LRS_URL set, a graded attempt sends "attempted" and
 * "passed"/"failed" with the score, an acknowledgement sends "completed", to a local LRS stand-in that
 * checks Basic credentials, the version header and each statement's required fields, and answers a
 * reused id with different content 409. Statement ids are deterministic, so sending one again is a no-op.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import { loadCatalog, policyOf } from '#lib/catalog/index.ts';
import { readBuildConfig } from '#lib/config.ts';
import { readNotifyConfig, type NotifyConfig } from '#lib/notify/config.ts';
import { createSender } from '#lib/notify/delivery.ts';
import { claim, enqueue, settle } from '#lib/notify/outbox.ts';
import { uuidV5, type XapiStatement } from '#lib/notify/xapi.ts';
import { startAttempt, submitAttempt } from '#lib/quiz/attempts.ts';
import type { Store } from '#lib/store/database.ts';
import { acknowledge } from '#lib/tracking/tracking.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { readEveryChapter } from '../support/reading.ts';

const root = join(import.meta.dirname, '../..');
const catalog = loadCatalog({
	config: {
		...readBuildConfig({}),
		contentDir: join(root, 'test/fixtures/content/policies'),
		quizzesDir: join(root, 'test/fixtures/quizzes'),
	},
});
const quiz = catalog.quizzes[0]!;
const leave = policyOf('leave-policy', catalog)!;
const bank = parse(readFileSync(join(root, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};
const rightAnswers = (questions: readonly { id: string }[]) =>
	Object.fromEntries(
		questions.map((q) => {
			const b = bank.questions.find((x) => x.id === q.id)!;
			return [q.id, b.type === 'true-false' ? b.answer! : b.options!.filter((o) => o.correct).map((o) => o.id)];
		}),
	);

const iri = /^https?:\/\/\S+$/;

/** A minimal LRS: PUT /xapi/statements?statementId=…, validated as xAPI 1.0.3 requires. */
async function startLrs() {
	const statements = new Map<string, string>();
	const problems: string[] = [];
	let conflicts = 0;
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url!, 'http://lrs');
			const fail = (status: number, why: string) => {
				problems.push(why);
				res.writeHead(status).end(why);
			};
			if (req.headers.authorization !== `Basic ${Buffer.from('lrs-user:lrs pass').toString('base64')}`)
				return fail(401, 'bad credentials');
			if (req.headers['x-experience-api-version'] !== '1.0.3') return fail(400, 'X-Experience-API-Version');
			if (req.method !== 'PUT' || url.pathname !== '/xapi/statements')
				return fail(405, `${req.method} ${url.pathname}`);
			const body = Buffer.concat(chunks).toString('utf8');
			const s = JSON.parse(body) as XapiStatement;
			const id = url.searchParams.get('statementId');
			if (!id || id !== s.id || !/^[0-9a-f-]{36}$/.test(id)) return fail(400, 'statementId');
			if (!s.actor?.mbox?.startsWith('mailto:')) return fail(400, 'actor.mbox');
			if (!iri.test(s.verb?.id ?? '') || !s.verb.display) return fail(400, 'verb');
			if (!iri.test(s.object?.id ?? '')) return fail(400, 'object.id');
			const score = s.result?.score;
			if (score && (score.scaled < -1 || score.scaled > 1 || score.raw < score.min || score.raw > score.max))
				return fail(400, 'result.score');
			if (Number.isNaN(Date.parse(s.timestamp))) return fail(400, 'timestamp');
			const seen = statements.get(id);
			if (seen !== undefined && seen !== body) {
				conflicts++;
				res.writeHead(409).end(`statement ${id} exists with other content`);
				return;
			}
			statements.set(id, body);
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://lrs-user:lrs%20pass@127.0.0.1:${port}/xapi/`,
		statements,
		problems,
		conflicts: () => conflicts,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe.each(testDatabases)('xAPI statements on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let lrs: Awaited<ReturnType<typeof startLrs>>;
	let config: NotifyConfig;
	const saved = { ...process.env };

	async function deliverAll() {
		const sender = createSender(store, config);
		for (;;) {
			const batch = await claim(store, 50, 60);
			if (!batch.length) break;
			for (const c of batch) await settle(store, c, await sender.send(c.row), config);
		}
		sender.close();
	}

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		lrs = await startLrs();
		// The records' transactions read the configuration from the environment, as in the server.
		process.env['ZHIDU_LRS_URL'] = lrs.url;
		process.env['ZHIDU_PUBLIC_URL'] = 'https://policies.example.com';
		config = readNotifyConfig({ ZHIDU_LRS_URL: lrs.url, ZHIDU_PUBLIC_URL: 'https://policies.example.com' });
	});
	afterAll(async () => {
		process.env = saved;
		await lrs?.close();
		await drop?.();
	});

	it('sends attempted, passed with the score, and completed; a repeat is a no-op, a changed one conflicts', async () => {
		const person = await addPerson(
			store,
			{ employeeId: 'X1', name: '王小明', email: 'x1@example.com', department: '門市', role: 'staff' },
			cliActor(),
		);
		const started = await startAttempt(store, quiz, person.id, '1.1', () => 'ch-1');
		if (!started.ok) throw new Error(started.reason);
		const graded = await submitAttempt(store, quiz, started.attempt, rightAnswers(started.questions));
		expect(graded.ok).toBe(true);
		await readEveryChapter(store, leave, '1.1', person.id);
		const { record } = await acknowledge(store, leave, '1.1', person.id);
		await deliverAll();
		expect(lrs.problems).toEqual([]);
		const sent = [...lrs.statements.values()].map((b) => JSON.parse(b) as XapiStatement);
		expect(sent.map((s) => s.verb.display['en-US']).sort()).toEqual(['attempted', 'completed', 'passed']);
		const passed = sent.find((s) => s.verb.id.endsWith('/passed'))!;
		expect(passed.id).toBe(uuidV5(`attempt:${started.attempt.id}:passed`));
		expect(passed.actor).toEqual({ objectType: 'Agent', name: '王小明', mbox: 'mailto:x1@example.com' });
		expect(passed.object.id).toBe('https://policies.example.com/quizzes/leave-policy/');
		expect(passed.result).toMatchObject({ success: true, score: { min: 0, raw: expect.any(Number), scaled: 1 } });
		expect(passed.result!.score!.raw).toBe(passed.result!.score!.max);
		const completed = sent.find((s) => s.verb.id.endsWith('/completed'))!;
		expect(completed.id).toBe(uuidV5(`acknowledgement:${record.id}:completed`));
		expect(completed.object.id).toBe('https://policies.example.com/policies/leave-policy/1.1/');

		// Sent again (a retry after a crash): the same id and content, the LRS accepts it as a no-op.
		await store.db
			.updateTable('outbox')
			.set({ status: 'pending', attempts: 0 })
			.where('channel', '=', 'xapi')
			.execute();
		await deliverAll();
		expect(lrs.statements.size).toBe(3);
		expect(lrs.conflicts()).toBe(0);
		const rows = await store.db.selectFrom('outbox').select('status').where('channel', '=', 'xapi').execute();
		expect(rows.every((r) => r.status === 'delivered')).toBe(true);

		// Another statement under a used id: the LRS refuses (409) and the message fails at once, with the reason.
		await store.db
			.transaction()
			.execute((tx) =>
				enqueue(tx, [{ event: 'test.conflict', xapi: [{ ...passed, timestamp: '2020-01-01T00:00:00Z' }] }], config),
			);
		await deliverAll();
		const conflict = await store.db
			.selectFrom('outbox')
			.selectAll()
			.where('event', '=', 'test.conflict')
			.executeTakeFirstOrThrow();
		expect(conflict).toMatchObject({ status: 'failed', attempts: 1 });
		expect(conflict.last_error).toMatch(/^HTTP 409/);
		expect(lrs.conflicts()).toBe(1);
	});
});
