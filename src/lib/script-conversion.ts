/**
 * OpenCC's whole-text conversions between Simplified (`cn`) and Traditional (`t`) Chinese, for the character-form
 * lint and the importer's script detection. opencc-js loads on first use (src/lib/on-first-use.ts), and each
 * direction's converter (its dictionaries) is built once per process.
 */
import { onFirstUse } from './on-first-use.ts';

const openCC = onFirstUse<typeof import('opencc-js')>('opencc-js');

type Direction = 'cn→t' | 't→cn';
const converters = new Map<Direction, (text: string) => string>();

function converter(direction: Direction): (text: string) => string {
	let convert = converters.get(direction);
	if (!convert) {
		const [from, to] = direction.split('→') as ['cn' | 't', 'cn' | 't'];
		convert = openCC().Converter({ from, to });
		converters.set(direction, convert);
	}
	return convert;
}

/** The text with Simplified forms made Traditional. */
export const toTraditional = (text: string): string => converter('cn→t')(text);

/** The text with Traditional forms made Simplified. */
export const toSimplified = (text: string): string => converter('t→cn')(text);
