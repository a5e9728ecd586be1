/**
 * The yaml package for all of src/, loaded on first use (src/lib/on-first-use.ts): a start that finds its
 * policies, quiz banks and training paths in the content cache parses no YAML.
 */
import { onFirstUse } from '../on-first-use.ts';

export const yaml = onFirstUse<typeof import('yaml')>('yaml');

/** The data of a YAML text (yaml's `parse`). */
export const parseYaml = (text: string): unknown => yaml().parse(text);
