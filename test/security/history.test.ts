/**
 * History cannot be rewritten, against the real server on SQLite and
 * PostgreSQL: leaving or an exemption dated before a person's records is
 * refused with the reason; 20 concurrent acknowledgements of one version
 * store exactly one record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';
import { readEveryChapterOverHttp } from '../support/reading.ts';

const clock = { ZHIDU_TEST_CLOCK: '1', ZHIDU_NOW: '2026-05-10T03:00:00Z', ZHIDU_TIMEZONE: 'Asia/Taipei' };

describe.each(testDatabases)('history on $name', (database) => {
	let rig: SecurityRig;
	let staff: Client;
	let staffId: string;
	beforeAll(async () => {
		rig = await securityRig(database, clock);
		staffId = await staffWithPassword(
			rig,
			{ employeeId: 'H001', email: 'h001@example.com' },
			'history password',
			clock,
		);
		staff = new Client(rig.server.url);
		expect((await staff.signIn('h001@example.com', 'history password')).status).toBe(200);
	}, 180_000);
	afterAll(() => rig?.close());

	it('20 concurrent acknowledgements of the same version store exactly one record', async () => {
		await readEveryChapterOverHttp(staff, 'leave-policy');
		const responses = await Promise.all(
			Array.from({ length: 20 }, () => staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' })),
		);
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 201)).toHaveLength(1);
		expect(statuses.filter((s) => s === 200)).toHaveLength(19);
		const ids = new Set(
			await Promise.all(
				responses.map(async (r) => ((await r.json()) as { acknowledgement: { id: string } }).acknowledgement.id),
			),
		);
		expect(ids.size).toBe(1);
		const rows = await rig.store.db
			.selectFrom('acknowledgements')
			.selectAll()
			.where('person_id', '=', staffId)
			.execute();
		expect(rows).toHaveLength(1);
		const audit = await rig.store.db
			.selectFrom('audit_log')
			.select('detail')
			.where('event', '=', 'acknowledgement.recorded')
			.execute();
		expect(audit).toHaveLength(1);
	});

	it('leaving dated before an acknowledgement the person already made is refused, with the reason', async () => {
		const response = await rig.hr.write(`/api/v1/people/${staffId}`, 'PATCH', { disabledOn: '2026-05-01' });
		expect(response.status).toBe(409);
		const body = (await response.json()) as { error: string; fields: Record<string, string> };
		expect(body.fields['disabledOn']).toMatch(/acknowledgement on 2026-05-10/);
		const row = await rig.store.db
			.selectFrom('people')
			.select('disabled_on')
			.where('id', '=', staffId)
			.executeTakeFirstOrThrow();
		expect(row.disabled_on).toBeNull();
	});

	it('an exemption dated before the records the person already has is refused, with the reason', async () => {
		const response = await rig.hr.write('/api/v1/exemptions', 'POST', {
			user: 'h001@example.com',
			policy: 'leave-policy',
			reason: '留職停薪',
			from: '2026-01-01',
		});
		expect(response.status).toBe(409);
		expect(((await response.json()) as { fields: Record<string, string> }).fields['from']).toMatch(/2026-05-10/);
		expect(await rig.store.db.selectFrom('exemptions').selectAll().execute()).toHaveLength(0);
		// From after the records: accepted.
		const later = await rig.hr.write('/api/v1/exemptions', 'POST', {
			user: 'h001@example.com',
			policy: 'leave-policy',
			reason: '留職停薪',
			from: '2026-06-01',
		});
		expect(later.status).toBe(201);
		expect((await rig.hr.write(`/api/v1/people/${staffId}`, 'PATCH', { disabledOn: '2026-07-01' })).status).toBe(200);
	});
});
