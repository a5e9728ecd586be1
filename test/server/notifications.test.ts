/**
 * Issue 16, Done when: two server instances on one PostgreSQL, a real SMTP server and a webhook
 * receiver. A policy takes effect (the test clock moves across the company's midnight) for 50 people;
 * exactly 50 distinct assignment emails (by Message-ID) and 50 distinct accepted webhook deliveries
 * (by webhook id) arrive, although one instance is killed with SIGKILL in the middle of delivery and
 * the receiver refuses every first attempt.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testClock } from '../support/clock.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { fixturePoliciesDir, fixtureQuizzesDir } from '../support/build-site.ts';
import { Client as HttpClient, type Client } from '../support/http-client.ts';
import { startSmtp, startWebhookReceiver, waitFor } from '../support/receivers.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const distDir = dirname(inject('fixtureProductionSiteDir'));
const PEOPLE = 50;

/** leave-policy 1.0 takes effect on 2024-01-01; here it is assigned to the 門市 department only. */
function content(): string {
	const dir = join(mkdtempSync(join(tmpdir(), 'zhidu-notify-')), 'policies');
	cpSync(fixturePoliciesDir, dir, { recursive: true });
	const file = join(dir, 'leave-policy/policy.yaml');
	const yaml = readFileSync(file, 'utf8');
	const next = yaml.replace(/assignment:\n  everyone: true\n/, 'assignment:\n  departments: [門市]\n');
	expect(next).not.toBe(yaml);
	writeFileSync(file, next);
	return dir;
}

describe('a policy takes effect for 50 people: two instances, kill -9, a refusing receiver', () => {
	let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
	let smtp: Awaited<ReturnType<typeof startSmtp>>;
	let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
	const servers: RunningServer[] = [];
	let hr: Client;
	// 23:00 on 2023-12-31 in Asia/Taipei: leave-policy 1.0 is not yet in force.
	const clock = testClock('2023-12-31T15:00:00Z');
	let env: Record<string, string>;

	beforeAll(async () => {
		database = await createPostgresDatabase();
		smtp = await startSmtp({ delayMs: 30 });
		receiver = await startWebhookReceiver({ refuseFirst: 1, delayMs: 30 });
		env = {
			ZHIDU_CONTENT_DIR: content(),
			ZHIDU_QUIZZES_DIR: fixtureQuizzesDir,
			DATABASE_URL: database.url,
			ZHIDU_TIMEZONE: 'Asia/Taipei',
			...clock.env,
			ZHIDU_SMTP_URL: smtp.url,
			ZHIDU_MAIL_FROM: '制度 <policies@example.com>',
			ZHIDU_PUBLIC_URL: 'https://policies.example.com',
			ZHIDU_OUTBOX_POLL_MS: '200',
			ZHIDU_OUTBOX_RETRY_SECONDS: '1',
			ZHIDU_OUTBOX_LEASE_SECONDS: '5',
		};
		const first = await startServer(env, distDir);
		servers.push(first);
		await waitFor('the setup link', () => /\/setup\/\?token=/.test(first.output()), 30_000);
		first.setupUrl = /(https?:\/\/\S+\/setup\/\?token=\S+)/.exec(first.output())?.[1];
		// Forms are checked against ZHIDU_PUBLIC_URL's origin; the set-up form posts from it.
		hr = await setUpHrAt(first);
		const csv = [
			'employee_id,name,email,department,role,hire_date',
			...Array.from(
				{ length: PEOPLE },
				(_, i) => `S${i + 1},門市員工${i + 1},s${i + 1}@example.com,門市,staff,2023-06-01`,
			),
		].join('\n');
		const imported = await hr.request('/api/v1/people/import', {
			method: 'POST',
			body: csv,
			headers: { 'content-type': 'text/csv', 'x-csrf-token': hr.csrf! },
		});
		expect(imported.status, await imported.clone().text()).toBe(200);
		const created = await hr.write('/api/v1/webhooks', 'POST', {
			url: receiver.url,
			events: ['assignment.created', 'version.in_force'],
		});
		expect(created.status, await created.clone().text()).toBe(201);
		receiver.setSecret(((await created.json()) as { secret: string }).secret);
		servers.push(await startServer(env, distDir));
	});

	afterAll(async () => {
		for (const server of servers) await server.stop('SIGKILL');
		await smtp?.close();
		await receiver?.close();
		await database?.drop();
	});

	it('delivers exactly 50 assignment emails and 50 accepted webhooks, by identity', async () => {
		expect(servers[0]!.output()).toMatch(/notifications: email on/);
		// Nothing is in force yet: no assignment has been sent.
		expect(smtp.messages.filter((m) => m.header('x-zhidu-event') === 'assignment.created')).toHaveLength(0);

		// 09:00 on 2024-01-01 in Taipei: the policy is in force for the 50 people of 門市.
		clock.set('2024-01-01T01:00:00Z');
		// Kill the first instance in the middle of delivery.
		await waitFor('deliveries to start', () => smtp.messages.length + receiver.requests() >= 10);
		await servers[0]!.stop('SIGKILL');

		const assignmentMail = () => smtp.messages.filter((m) => m.header('x-zhidu-event') === 'assignment.created');
		const assignmentHooks = () => receiver.accepted.filter((d) => d.type === 'assignment.created');
		await waitFor(
			'50 distinct emails and 50 distinct accepted webhooks',
			() =>
				new Set(assignmentMail().map((m) => m.header('message-id'))).size >= PEOPLE &&
				new Set(assignmentHooks().map((d) => d.id)).size >= PEOPLE,
			120_000,
		);
		// Let the surviving instance finish whatever it holds, then count.
		const survivor = new HttpClient(servers[1]!.url);
		expect((await survivor.signIn('hr@example.com', 'first hr password')).status).toBe(200);
		await waitFor('the outbox to drain', async () => {
			const response = await survivor.request('/api/v1/outbox?status=pending');
			expect(response.status, await response.clone().text()).toBe(200);
			const outbox = (await response.json()) as { counts: { pending: number } };
			return outbox.counts.pending === 0;
		});
		const ids = new Set(assignmentMail().map((m) => m.header('message-id')));
		expect(ids.size).toBe(PEOPLE);
		const recipients = new Set(assignmentMail().flatMap((m) => m.to));
		expect(recipients.size).toBe(PEOPLE);
		expect([...recipients].every((r) => /^s\d+@example\.com$/.test(r))).toBe(true);
		// A repeat (the crash between acceptance and marking) carries the same Message-ID: at most one per person.
		const hooks = new Set(assignmentHooks().map((d) => d.id));
		expect(hooks.size).toBe(PEOPLE);
		expect(new Set(assignmentHooks().map((d) => (d.body.data['person'] as { email: string }).email)).size).toBe(PEOPLE);
		// The receiver refused each first attempt, and every signature verified.
		expect([...receiver.attempts.values()].every((n) => n >= 2)).toBe(true);
		expect(receiver.badSignatures()).toBe(0);
		// version.in_force once.
		expect(new Set(receiver.accepted.filter((d) => d.type === 'version.in_force').map((d) => d.id)).size).toBe(1);

		// The email: a Chinese subject, RFC 2047 encoded; text and HTML; the exact page.
		const mail = assignmentMail()[0]!;
		expect(mail.header('subject')).toMatch(/^=\?UTF-8\?[BQ]\?/i);
		expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
		expect(mail.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
		expect(mail.raw).toMatch(/Content-Type: text\/html; charset=utf-8/i);
	});
});

/** The first HR account through the setup form, posted from the public origin the forms are checked against. */
async function setUpHrAt(server: RunningServer): Promise<Client> {
	const setup = new URL(server.setupUrl!);
	const client = new HttpClient(server.url);
	const form = new URLSearchParams({
		name: '林人資',
		email: 'hr@example.com',
		employeeId: 'HR001',
		department: '人力資源部',
		password: 'first hr password',
		confirm: 'first hr password',
	});
	const response = await client.request(`/setup/${setup.search}`, {
		method: 'POST',
		body: form,
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://policies.example.com' },
	});
	expect(response.status, await response.clone().text()).toBe(303);
	const signedIn = new HttpClient(server.url);
	expect((await signedIn.signIn('hr@example.com', 'first hr password')).status).toBe(200);
	return signedIn;
}
