/** The notification settings are parsed once per set of values (every graded attempt reads them), yet a change is seen at once. */
import { expect, it } from 'vitest';
import { readNotifyConfig } from '#lib/notify/config.ts';

it('reads the same values once, and a changed value at the next call', () => {
	const env: Record<string, string | undefined> = { ZHIDU_PUBLIC_URL: 'https://policies.example.com' };
	const first = readNotifyConfig(env);
	expect(readNotifyConfig({ ...env })).toBe(first);
	expect(Object.isFrozen(first)).toBe(true);
	env['ZHIDU_LRS_URL'] = 'https://key:secret@lrs.example.com/xapi';
	const changed = readNotifyConfig(env);
	expect(changed).not.toBe(first);
	expect(changed.lrs).toEqual({ endpoint: 'https://lrs.example.com/xapi/', username: 'key', password: 'secret' });
	expect(first.lrs).toBeUndefined();
	// A bad value is still refused every time, never served from the memo.
	expect(() => readNotifyConfig({ ...env, ZHIDU_OUTBOX_MAX_ATTEMPTS: 'x' })).toThrow(/ZHIDU_OUTBOX_MAX_ATTEMPTS/);
	expect(() => readNotifyConfig({ ...env, ZHIDU_OUTBOX_MAX_ATTEMPTS: 'x' })).toThrow(/ZHIDU_OUTBOX_MAX_ATTEMPTS/);
});
