/**
 * What the configuration (config.ts, validated with zod) takes when a
 * variable is not set, apart from zod so that a plain read needs no schema:
 * `zhidu search` names its content folder without loading zod (a tenth of a
 * second of every run).
 */
export const defaultContentDir = 'content/policies';

/**
 * ZHIDU_CONTENT_DIR as readBuildConfig reads it, when that needs no
 * validation: set (any non-empty path) or unset (the default). Undefined when
 * it is set but empty: readBuildConfig then says what is wrong.
 */
export function plainContentDir(env: Record<string, string | undefined>): string | undefined {
	const dir = env['ZHIDU_CONTENT_DIR'];
	return dir === undefined ? defaultContentDir : dir || undefined;
}
