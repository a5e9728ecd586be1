import { describe, expect, it } from 'vitest';
import { readBuildConfig } from '../../src/lib/config.ts';
import { translator } from '../../src/lib/i18n/index.ts';
import { en } from '../../src/lib/i18n/en.ts';
import { zhHantTW } from '../../src/lib/i18n/zh-Hant-TW.ts';

describe('build configuration', () => {
	it('defaults to Asia/Taipei and Traditional Chinese, today in that zone', () => {
		const config = readBuildConfig({}, new Date('2026-11-22T17:30:00Z'));
		expect(config).toMatchObject({
			timeZone: 'Asia/Taipei',
			uiLanguage: 'zh-Hant-TW',
			preview: false,
			today: '2026-11-23',
		});
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
