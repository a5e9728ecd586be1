/**
 * Email (issue 16, item 2) through a real SMTP server in-process (smtp-server): the daily job's
 * assignment, due-in-7-days and overdue messages and the weekly HR and manager digests, read as
 * delivered: headers (From, To, Message-ID as stored, the event), the Chinese subject encoded per
 * RFC 2047, plain text and HTML with links to the exact pages, one message per event however often the
 * job runs; reminders turned off are respected unless the policy makes them mandatory.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import { loadCatalog, type Catalog } from '#lib/catalog/index.ts';
import { readBuildConfig } from '#lib/config.ts';
import { runCalendarJob } from '#lib/notify/calendar-job.ts';
import { readNotifyConfig, type NotifyConfig } from '#lib/notify/config.ts';
import { createSender } from '#lib/notify/delivery.ts';
import { claim, settle } from '#lib/notify/outbox.ts';
import { setRemindersOff } from '#lib/notify/settings.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';
import { startSmtp, type ReceivedMail } from '../support/receivers.ts';

const root = join(import.meta.dirname, '../..');
const fixtures = (): Catalog =>
	loadCatalog({
		config: {
			...readBuildConfig({}),
			contentDir: join(root, 'test/fixtures/content/policies'),
			quizzesDir: join(root, 'test/fixtures/quizzes'),
		},
	});

/** RFC 2047 encoded words (B or Q, UTF-8) back to text. */
function decodeWords(value: string): string {
	return value
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
			kind.toUpperCase() === 'B'
				? Buffer.from(text, 'base64').toString('utf8')
				: Buffer.from(
						text
							.replace(/_/g, ' ')
							.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
						'latin1',
					).toString('utf8'),
		);
}

/** The decoded text of a MIME part of this content type (quoted-printable or base64). */
function part(mail: ReceivedMail, type: string): string {
	const match = new RegExp(
		`Content-Type: ${type}[^\\r\\n]*\\r?\\nContent-Transfer-Encoding: ([\\w-]+)\\r?\\n\\r?\\n([\\s\\S]*?)\\r?\\n--`,
		'i',
	).exec(mail.raw);
	if (!match) throw new Error(`no ${type} part in\n${mail.raw}`);
	const [, encoding, body] = match;
	if (encoding!.toLowerCase() === 'base64') return Buffer.from(body!, 'base64').toString('utf8');
	return Buffer.from(
		body!.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
		'latin1',
	).toString('utf8');
}

describe.each(testDatabases)('email reminders on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	let smtp: Awaited<ReturnType<typeof startSmtp>>;
	let config: NotifyConfig;
	const catalog = fixtures();
	const cli = cliActor();

	async function deliverAll() {
		const sender = createSender(store, config);
		for (;;) {
			const batch = await claim(store, 50, 60);
			if (!batch.length) break;
			for (const c of batch) await settle(store, c, await sender.send(c.row), config);
		}
		sender.close();
	}
	const byEvent = (event: string) => smtp.messages.filter((m) => m.header('x-zhidu-event') === event);

	beforeAll(async () => {
		({ store, drop } = await openTestStore(database));
		smtp = await startSmtp();
		config = readNotifyConfig({
			ZHIDU_SMTP_URL: smtp.url,
			ZHIDU_MAIL_FROM: '制度 <policies@example.com>',
			ZHIDU_PUBLIC_URL: 'https://policies.example.com',
		});
		const add = (
			employeeId: string,
			name: string,
			department: string,
			role: 'staff' | 'hr',
			hireDate: string,
			manager?: string,
		) =>
			addPerson(
				store,
				{
					employeeId,
					name,
					email: `${employeeId.toLowerCase()}@example.com`,
					department,
					role,
					hireDate,
					...(manager ? { manager } : {}),
				},
				cli,
			);
		await add('H1', '林人資', '人力資源部', 'hr', '2024-01-01');
		await add('M1', '張經理', '門市', 'staff', '2024-01-01');
		// Due 2025-01-15: five days after the job's day.
		await add('A1', '王小明', '門市', 'staff', '2025-01-01', 'M1');
		// Due 2024-12-15: overdue, reminders off.
		const b = await add('B1', '陳美玲', '門市', 'staff', '2024-12-01', 'M1');
		await setRemindersOff(store, b.id, true, cli);
	});
	afterAll(async () => {
		await smtp?.close();
		await drop?.();
	});

	it('sends each event once, in Chinese, with text, HTML and the exact links', async () => {
		expect(await runCalendarJob(store, '2025-01-10', config, catalog)).toBeGreaterThan(0);
		await deliverAll();
		const assigned = byEvent('assignment.created');
		expect(assigned.flatMap((m) => m.to).sort()).toEqual([
			'a1@example.com',
			'b1@example.com',
			'h1@example.com',
			'm1@example.com',
		]);
		const mail = assigned.find((m) => m.to[0] === 'a1@example.com')!;
		expect(mail.header('from')).toMatch(/policies@example\.com/);
		expect(mail.header('subject')).toMatch(/^=\?UTF-8\?[BQ]\?/i);
		expect(decodeWords(mail.header('subject')!)).toBe('新的待辦：員工請假管理辦法 1.1 版，2025-01-15 前完成');
		const stored = await store.db
			.selectFrom('outbox')
			.select('payload')
			.where('recipient', '=', 'a1@example.com')
			.where('event', '=', 'assignment.created')
			.executeTakeFirstOrThrow();
		expect(mail.header('message-id')).toBe((JSON.parse(stored.payload) as { messageId: string }).messageId);
		const text = part(mail, 'text/plain');
		expect(text).toContain('王小明 您好');
		expect(text).toContain('https://policies.example.com/policies/leave-policy/1.1/');
		expect(text).toContain('https://policies.example.com/quizzes/leave-policy/');
		const html = part(mail, 'text/html');
		expect(html).toContain('<a href="https://policies.example.com/policies/leave-policy/1.1/">');
		expect(html).toContain('<html lang="zh-Hant-TW">');

		// Due in 7 days: only 王小明; overdue: 張經理 and 林人資, not 陳美玲 (reminders off).
		expect(byEvent('reminder.due-soon').flatMap((m) => m.to)).toEqual(['a1@example.com']);
		expect(
			byEvent('person.overdue')
				.flatMap((m) => m.to)
				.sort(),
		).toEqual(['h1@example.com', 'm1@example.com']);
		// HR's weekly digest lists everyone overdue; the manager's only their people.
		const [hrDigest] = byEvent('digest.hr');
		expect(hrDigest!.to).toEqual(['h1@example.com']);
		expect(part(hrDigest!, 'text/plain')).toMatch(/陳美玲（B1，門市）/);
		const [managerDigest] = byEvent('digest.manager');
		expect(managerDigest!.to).toEqual(['m1@example.com']);
		const managerText = part(managerDigest!, 'text/plain');
		expect(managerText).toContain('陳美玲');
		expect(managerText).not.toContain('林人資（H1');

		// The job again, the next days of the week: nothing new is sent twice.
		const before = smtp.messages.length;
		await runCalendarJob(store, '2025-01-10', config, catalog);
		await runCalendarJob(store, '2025-01-11', config, catalog);
		await runCalendarJob(store, '2025-01-12', config, catalog);
		await deliverAll();
		expect(smtp.messages.length).toBe(before);
		const ids = smtp.messages.map((m) => m.header('message-id'));
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('a week later the overdue reminder comes again; a mandatory policy reminds even with reminders off', async () => {
		const mandatory = fixtures();
		mandatory.policies[0]!.meta.mandatoryReminders = true;
		await runCalendarJob(store, '2025-01-13', config, mandatory);
		await deliverAll();
		// 2025-01-13 is in the next week for 陳美玲 (first overdue 2024-12-16; weekly: …, 2025-01-06, 2025-01-13).
		expect(byEvent('person.overdue').flatMap((m) => m.to)).toContain('b1@example.com');
	});
});
