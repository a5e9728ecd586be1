/**
 * The UI dictionary: Traditional Chinese first, English by configuration
 * (ZHIDU_UI_LANG). Policy text is never translated; only the furniture.
 */
import { zhHantTW } from './zh-Hant-TW.ts';
import { en } from './en.ts';

export const uiLanguages = ['zh-Hant-TW', 'en'] as const;
export type UiLanguage = (typeof uiLanguages)[number];
export type MessageKey = keyof typeof zhHantTW;

const dictionaries: Record<UiLanguage, Record<MessageKey, string>> = { 'zh-Hant-TW': zhHantTW, en };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** `t('takesEffectOn', { version: '2.0', date: '2027-01-01' })` */
export function translator(language: UiLanguage): Translate {
	const dictionary = dictionaries[language];
	return (key, values = {}) =>
		dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
