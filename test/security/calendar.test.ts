/**
 * One company calendar, against the real server on SQLite and PostgreSQL:
 * with ZHIDU_TIMEZONE=Asia/Taipei, a person disabled from 2026-03-02 is locked
 * out at Taipei's midnight, while UTC still says 03-01; times shown to people
 * are in the company zone and UI language; a production server refuses an
 * injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '#lib/datetime.ts';
import { testClock } from '../support/clock.ts';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { startFailure } from '../support/server-process.ts';
import { databaseEnv, securityRig, serverDist, staffWithPassword, type SecurityRig } from '../support/security.ts';
import { readEveryChapterOverHttp } from '../support/reading.ts';

// 18:00 in Taipei on 03-01; then 00:30 in Taipei on 03-02, still 03-01 in UTC.
const eveningBefore = '2026-03-01T10:00:00Z';
const afterMidnight = '2026-03-01T16:30:00Z';
const clock = testClock(eveningBefore);
const companyClock = { ...clock.env, ZHIDU_TIMEZONE: 'Asia/Taipei' };

describe.each(testDatabases)('company calendar on $name', (database) => {
	let rig: SecurityRig;
	let staff: Client;
	let staffId: string;
	beforeAll(async () => {
		clock.set(eveningBefore);
		rig = await securityRig(database, companyClock);
		staffId = await staffWithPassword(
			rig,
			{ employeeId: 'C001', email: 'leaver@example.com' },
			'leaver password 1',
			companyClock,
		);
		staff = new Client(rig.server.url);
		expect((await staff.signIn('leaver@example.com', 'leaver password 1')).status).toBe(200);
	}, 180_000);
	afterAll(() => rig?.close());

	it('times shown to people are in the company time zone and UI language, not UTC', async () => {
		await readEveryChapterOverHttp(staff, 'leave-policy');
		const ack = await staff.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' });
		expect(ack.status).toBe(201);
		const page = await rig.hr.request(`/hr/people/${staffId}/`, { headers: { accept: 'text/html' } });
		const html = await page.text();
		// 10:00 UTC is 18:00 in Taipei, written the zh-Hant-TW way.
		expect(html).toContain(formatDateTime('2026-03-01T10:00:00Z', 'zh-Hant-TW', 'Asia/Taipei'));
		expect(formatDateTime('2026-03-01T10:00:00Z', 'zh-Hant-TW', 'Asia/Taipei')).toMatch(/^2026\/03\/01\s18:00$/);
		expect(html).not.toContain('2026-03-01 10:00');
	});

	it('a person disabled "today" in company time cannot sign in, nor write with their session, after its midnight while UTC is still on the day before', async () => {
		const disabled = await rig.hr.write(`/api/v1/people/${staffId}`, 'PATCH', { disabledOn: '2026-03-02' });
		expect(disabled.status, await disabled.clone().text()).toBe(200);
		// Still 03-01 in Taipei: they work until tomorrow.
		expect((await staff.request('/api/v1/me')).status).toBe(200);
		// Taipei's midnight has passed; UTC's has not. The server keeps running: no restart clears what it holds.
		clock.set(afterMidnight);
		const signIn = await new Client(rig.server.url).signIn('leaver@example.com', 'leaver password 1');
		expect(signIn.status).toBe(401);
		const session = new Client(rig.server.url);
		session.cookie = staff.cookie;
		session.csrf = staff.csrf;
		expect((await session.request('/api/v1/me')).status).toBe(401);
		const write = await session.write('/api/v1/acknowledgements', 'POST', { policy: 'leave-policy' });
		expect(write.status).toBe(401);
	});
});

describe('an injected clock', () => {
	it('a production server refuses to start with ZHIDU_NOW but no test flag', async () => {
		const { env, drop } = await databaseEnv(testDatabases[0]!);
		try {
			const { code, output } = await startFailure(
				{ ...env, ZHIDU_NOW: '2026-03-01T16:30:00Z', ZHIDU_TEST_CLOCK: '' },
				serverDist(),
			);
			expect(code).not.toBe(0);
			expect(output).toMatch(/ZHIDU_NOW/);
			expect(output).not.toMatch(/zhidu: serving/);
		} finally {
			await drop();
		}
	});
});
