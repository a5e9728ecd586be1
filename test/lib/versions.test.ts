import { describe, expect, it } from 'vitest';
import {
	addMonths,
	resolveVersions,
	reviewDue,
	scheduledVersions,
	todayIn,
	versionInForce,
	type DatedVersion,
} from '#lib/versions.ts';

const versions: DatedVersion[] = [
	{ version: '1.0', status: 'approved' },
	{ version: '1.1', status: 'approved', effective: '2025-01-01' },
	{ version: '1.2', status: 'approved', effective: '2026-03-01' },
	{ version: '2.0', status: 'approved', effective: '2027-01-01' },
	{ version: '2.1', status: 'in-review' },
	{ version: '2.2', status: 'draft', effective: '2020-01-01' },
];

const states = (today: string) => resolveVersions(versions, today).map((r) => `${r.version.version}:${r.state}`);

describe('version in force', () => {
	it('follows effective dates: superseded, in force, scheduled; drafts never in force', () => {
		expect(states('2026-11-22')).toEqual([
			'1.0:superseded',
			'1.1:superseded',
			'1.2:in-force',
			'2.0:scheduled',
			'2.1:in-review',
			'2.2:draft',
		]);
		expect(versionInForce(versions, '2026-11-22')?.version).toBe('1.2');
		expect(scheduledVersions(versions, '2026-11-22').map((v) => v.version)).toEqual(['2.0']);
	});

	it('switches on the effective date itself, not the day after', () => {
		expect(versionInForce(versions, '2026-12-31')?.version).toBe('1.2');
		expect(versionInForce(versions, '2027-01-01')?.version).toBe('2.0');
	});

	it('treats a version without a stated effective date as the earliest', () => {
		expect(versionInForce(versions, '2024-06-30')?.version).toBe('1.0');
		expect(resolveVersions(versions, '2026-11-22')[0]).toMatchObject({ supersededOn: '2025-01-01' });
	});

	it('has nothing in force before the first effective date', () => {
		expect(versionInForce([{ version: '1.0', status: 'approved', effective: '2030-01-01' }], '2026-11-22')).toBe(
			undefined,
		);
	});

	it('orders by effective date, not version number, when they disagree', () => {
		const odd: DatedVersion[] = [
			{ version: '1.0', status: 'approved', effective: '2026-06-01' },
			{ version: '1.1', status: 'approved', effective: '2026-01-01' },
		];
		expect(versionInForce(odd, '2026-11-22')?.version).toBe('1.0');
	});
});

describe('calendar dates in the company time zone', () => {
	it('is already tomorrow in Taipei when it is still today in UTC', () => {
		const now = new Date('2026-11-22T17:30:00Z'); // 01:30 on 23 November in Taipei
		expect(todayIn('UTC', now)).toBe('2026-11-22');
		expect(todayIn('Asia/Taipei', now)).toBe('2026-11-23');
	});

	it('adds months to a date, clamping at month end', () => {
		expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
		expect(addMonths('2026-11-22', 12)).toBe('2027-11-22');
		expect(reviewDue('2026-11-22', 24)).toBe('2028-11-22');
		expect(reviewDue(undefined, 12)).toBeUndefined();
	});
});
