/**
 * The webhook and outbox API (issue 16) against the real server, every answer checked against the
 * OpenAPI document: endpoints registered (the secret once), listed without secrets, their delivery log;
 * a graded attempt reaches a local receiver as a signed attempt.graded event; bad input names the
 * field; a retry of a message that has not failed is 404; staff get 403.
 */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { openApiChecker } from '../support/openapi.ts';
import { startWebhookReceiver, waitFor } from '../support/receivers.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';

const clientDir = inject('fixtureProductionSiteDir');
const check = openApiChecker(clientDir);
let server: RunningServer;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let hr: Client;

beforeAll(async () => {
	receiver = await startWebhookReceiver({ refuseFirst: 1 });
	server = await startServer(
		{
			...fixtureServerEnv,
			ZHIDU_DB_FILE: sqliteFileInTemp(),
			ZHIDU_OUTBOX_POLL_MS: '100',
			ZHIDU_OUTBOX_RETRY_SECONDS: '1',
		},
		dirname(clientDir),
	);
	hr = await setUpHr(server);
});
afterAll(async () => {
	await server?.stop();
	await receiver?.close();
});

describe('webhooks API', () => {
	it('registers, lists, logs and disables endpoints; events arrive signed', async () => {
		const bad = await hr.write('/api/v1/webhooks', 'POST', { url: 'ftp://example.com', events: ['nope'] });
		await check('POST', '/api/v1/webhooks', bad);
		expect(Object.keys(((await bad.json()) as { fields: Record<string, string> }).fields).sort()).toEqual([
			'events.0',
			'url',
		]);
		const created = await hr.write('/api/v1/webhooks', 'POST', { url: receiver.url, events: ['attempt.graded'] });
		expect(created.status).toBe(201);
		await check('POST', '/api/v1/webhooks', created);
		const endpoint = (await created.json()) as { id: string; secret: string };
		expect(endpoint.secret).toMatch(/^whsec_/);
		receiver.setSecret(endpoint.secret);
		const list = await hr.request('/api/v1/webhooks');
		await check('GET', '/api/v1/webhooks', list);
		expect(await list.text()).not.toContain(endpoint.secret);

		// HR takes the quiz and hands it in: attempt.graded goes out, refused once, then accepted.
		const started = await hr.write('/api/v1/attempts', 'POST', { quiz: 'leave-policy' });
		const { attempt } = (await started.json()) as { attempt: { id: string } };
		expect((await hr.write(`/api/v1/attempts/${attempt.id}/submit`, 'POST', { answers: {} })).status).toBe(200);
		await waitFor('the accepted delivery', () => receiver.accepted.length === 1);
		const [delivery] = receiver.accepted;
		expect(delivery!.body).toMatchObject({ type: 'attempt.graded', data: { attempt: attempt.id, passed: false } });
		expect(receiver.badSignatures()).toBe(0);

		const log = await hr.request(`/api/v1/webhooks/${endpoint.id}/deliveries`);
		await check('GET', '/api/v1/webhooks/{id}/deliveries', log);
		const { entries } = (await log.json()) as { entries: { status: string; attempts: number; id: string }[] };
		expect(entries).toMatchObject([{ status: 'delivered', attempts: 2 }]);
		expect(delivery!.id).toBe(`msg_${entries[0]!.id}`);

		const outbox = await hr.request('/api/v1/outbox?status=delivered');
		await check('GET', '/api/v1/outbox', outbox);
		expect((await hr.request('/api/v1/outbox?status=lost')).status).toBe(400);
		const retry = await hr.write(`/api/v1/outbox/${entries[0]!.id}/retry`, 'POST', {});
		await check('POST', '/api/v1/outbox/{id}/retry', retry);
		expect(retry.status).toBe(404);

		const disabled = await hr.write(`/api/v1/webhooks/${endpoint.id}`, 'DELETE', {});
		await check('DELETE', '/api/v1/webhooks/{id}', disabled);
		expect(disabled.status).toBe(200);
		expect((await hr.write(`/api/v1/webhooks/${endpoint.id}`, 'DELETE', {})).status).toBe(404);
	});
});
