/**
 * Configuration from environment variables, validated once with a message
 * that names the variable. Shared by the build, the server and the CLI.
 */
import { z } from 'zod';
import { isTimeZone } from './calendar.ts';
import { defaultContentDir } from './config-defaults.ts';
import { uiLanguages } from './i18n/index.ts';

export const buildConfigSchema = z.object({
	ZHIDU_CONTENT_DIR: z.string().min(1).default(defaultContentDir),
	ZHIDU_QUIZZES_DIR: z.string().min(1).default('quizzes'),
	ZHIDU_PREVIEW: z
		.enum(['0', '1', ''])
		.default('')
		.transform((v) => v === '1'),
	ZHIDU_TIMEZONE: z
		.string()
		.default('Asia/Taipei')
		.refine(isTimeZone, { error: (issue) => `"${String(issue.input)}" is not an IANA time zone such as Asia/Taipei` }),
	ZHIDU_UI_LANG: z.enum(uiLanguages).default('zh-Hant-TW'),
});

export interface BuildConfig {
	contentDir: string;
	quizzesDir: string;
	preview: boolean;
	timeZone: string;
	uiLanguage: (typeof uiLanguages)[number];
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

export function readBuildConfig(env: Record<string, string | undefined> = process.env): BuildConfig {
	const parsed = buildConfigSchema.safeParse(env);
	if (!parsed.success) {
		throw new ConfigError(
			`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`).join('\n')}`,
		);
	}
	const c = parsed.data;
	return {
		contentDir: c.ZHIDU_CONTENT_DIR,
		quizzesDir: c.ZHIDU_QUIZZES_DIR,
		preview: c.ZHIDU_PREVIEW,
		timeZone: c.ZHIDU_TIMEZONE,
		uiLanguage: c.ZHIDU_UI_LANG,
	};
}
