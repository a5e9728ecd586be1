/**
 * Issue 17 item 4 through issue 16's outbox: a version submitted for review emails its reviewers and
 * approvers (people named by email, and everyone holding a named role), in the event's transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '#lib/auth/audit.ts';
import { addPerson } from '#lib/auth/people.ts';
import { recordWorkflowEvent } from '#lib/cms/review.ts';
import { listOutbox } from '#lib/notify/outbox.ts';
import type { Store } from '#lib/store/database.ts';
import { openTestStore, testDatabases } from '../support/databases.ts';

const env = { ZHIDU_SMTP_URL: 'smtp://127.0.0.1:2525', ZHIDU_MAIL_FROM: 'Zhidu <zhidu@example.com>' };

describe.each(testDatabases)('workflow emails on $name', (database) => {
	let store: Store;
	let drop: () => Promise<void>;
	const saved = { ...process.env };
	beforeAll(async () => {
		Object.assign(process.env, env, { ZHIDU_PUBLIC_URL: 'https://policies.example.com' });
		({ store, drop } = await openTestStore(database));
		const person = (n: number, role: 'hr' | 'staff') =>
			addPerson(
				store,
				{ employeeId: `W${n}`, name: `人員${n}`, email: `w${n}@example.com`, department: '人資部', role },
				cliActor(),
			);
		await person(1, 'hr');
		await person(2, 'hr');
		await person(3, 'staff');
	});
	afterAll(async () => {
		process.env = saved;
		await drop();
	});

	it('submitting for review writes one email per reviewer and approver, linking to the version', async () => {
		await recordWorkflowEvent(
			store,
			{
				kind: 'submitted',
				policy: 'leave-policy',
				version: '1.2',
				policyTitle: '員工請假管理辦法',
				recipients: ['reviewer@example.com', 'hr', 'w1@example.com'],
			},
			cliActor(),
		);
		const emails = (await listOutbox(store)).entries.filter((e) => e.event === 'policy.submitted');
		expect(emails.map((e) => e.recipient).sort()).toEqual(['reviewer@example.com', 'w1@example.com', 'w2@example.com']);
		expect(emails.every((e) => e.channel === 'email')).toBe(true);
	});

	it('an event for nobody (a draft revised) sends nothing', async () => {
		const before = (await listOutbox(store)).entries.length;
		await recordWorkflowEvent(
			store,
			{ kind: 'revised', policy: 'leave-policy', version: '1.3', recipients: [] },
			cliActor(),
		);
		expect((await listOutbox(store)).entries.length).toBe(before);
	});
});
