/**
 * OpenCC's whole-text conversions between Simplified (`cn`) and Traditional (`t`) Chinese, for the character-form
 * lint and the importer's script detection. opencc-js loads on first use (src/lib/on-first-use.ts), and each
 * direction's converter (its dictionaries) is built once per process.
 */
import { onFirstUse } from './on-first-use.ts';

const openCC = onFirstUse<typeof import('opencc-js')>('opencc-js');

let simplifiedToTraditional: ((text: string) => string) | undefined;
let traditionalToSimplified: ((text: string) => string) | undefined;

/** The text with Simplified forms made Traditional. */
export function toTraditional(text: string): string {
	simplifiedToTraditional ??= openCC().Converter({ from: 'cn', to: 't' });
	return simplifiedToTraditional(text);
}

/** The text with Traditional forms made Simplified. */
export function toSimplified(text: string): string {
	traditionalToSimplified ??= openCC().Converter({ from: 't', to: 'cn' });
	return traditionalToSimplified(text);
}
