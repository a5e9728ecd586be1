/** What the server tells a person who may not start yet: when, in the company time zone and UI language. */
import { readBuildConfig } from '../lib/config.ts';
import { translator } from '../lib/i18n/index.ts';
import type { Quiz } from '../lib/quiz/schema.ts';
import { formatCompanyTime } from '../lib/quiz/limits.ts';
import { catalog } from './catalog.ts';

const language = () => readBuildConfig().uiLanguage;

export function companyTime(iso: string): string {
	return formatCompanyTime(iso, catalog().timeZone, language());
}

export function retryMessage(quiz: Quiz, reason: 'cooldown' | 'daily-limit', until: string): string {
	const t = translator(language());
	const time = companyTime(until);
	return reason === 'cooldown'
		? t('quizCooldownUntil', { time })
		: t('quizDailyLimitUntil', { time, max: quiz.maxAttemptsPerDay });
}
