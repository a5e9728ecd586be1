import { parseArgs, type ParseArgsConfig } from 'node:util';

/** node:util parseArgs with errors that name the bad option. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
	args: string[],
	options: T,
	allowPositionals = true,
) {
	try {
		return parseArgs({ args, options, allowPositionals, strict: true });
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

export class UsageError extends Error {
	override name = 'UsageError';
}
