import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { companyToday } from '#lib/calendar.ts';
import { readBuildConfig } from '#lib/config.ts';
import { translator } from '#lib/i18n/index.ts';
import { en } from '#lib/i18n/en.ts';
import { zhHantTW } from '#lib/i18n/zh-Hant-TW.ts';

describe('build configuration', () => {
	it('defaults to Asia/Taipei and Traditional Chinese; today in that zone comes from the clock', () => {
		const config = readBuildConfig({});
		expect(config).toMatchObject({ timeZone: 'Asia/Taipei', uiLanguage: 'zh-Hant-TW', preview: false });
		expect(config).not.toHaveProperty('today');
		// Nothing in a built page depends on when it was built: a rebuild of unchanged content gives the same bytes.
		expect(config).not.toHaveProperty('builtAt');
		expect(companyToday({ ZHIDU_TEST_CLOCK: '1', ZHIDU_NOW: '2026-11-22T17:30:00Z' })).toBe('2026-11-23');
	});

	it('moves the test clock when its file changes, and refuses it without the test flag', () => {
		const file = join(mkdtempSync(join(tmpdir(), 'zhidu-clock-')), 'now');
		const env = { ZHIDU_TEST_CLOCK: '1', ZHIDU_NOW_FILE: file, ZHIDU_TIMEZONE: 'Asia/Taipei' };
		writeFileSync(file, '2098-12-31T15:59:59Z');
		expect(companyToday(env)).toBe('2098-12-31');
		writeFileSync(file, '2098-12-31T16:00:00Z');
		expect(companyToday(env)).toBe('2099-01-01');
		expect(() => companyToday({ ZHIDU_NOW_FILE: file })).toThrow(/ZHIDU_NOW_FILE is only honoured by the test suite/);
		writeFileSync(file, 'tomorrow');
		expect(() => companyToday(env)).toThrow(/ZHIDU_NOW_FILE: "tomorrow" is not an ISO date-time/);
	});

	it('names the variable and the reason for each bad value', () => {
		expect(() => readBuildConfig({ ZHIDU_TIMEZONE: 'Mars/Olympus', ZHIDU_UI_LANG: 'fr' })).toThrow(
			/ZHIDU_TIMEZONE: "Mars\/Olympus" is not an IANA time zone[\s\S]*ZHIDU_UI_LANG: /,
		);
	});
});

describe('UI dictionary', () => {
	it('has every key in both languages, and fills in values', () => {
		expect(Object.keys(en).sort()).toEqual(Object.keys(zhHantTW).sort());
		expect(translator('zh-Hant-TW')('takesEffectOn', { version: '2.0', date: '2027-01-01' })).toBe(
			'2.0 版將於 2027-01-01 生效',
		);
		expect(translator('en')('takesEffectOn', { version: '2.0', date: '2027-01-01' })).toBe(
			'Version 2.0 takes effect on 2027-01-01',
		);
	});
});
