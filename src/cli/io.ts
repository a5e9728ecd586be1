/**
 * What a CLI command reads from and writes to, passed in so that tests run
 * commands in-process (`run(args, io)`) instead of starting a Node process.
 */
export interface CliIo {
	/** Prints one line (or several) to standard output. */
	out(text: string): void;
	/** Prints one line (or several) to standard error. */
	err(text: string): void;
	env: Record<string, string | undefined>;
	/** The folder relative paths are resolved against. */
	cwd: string;
	/** Standard input, read to its end (e.g. a password). */
	stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
	/** Whether standard output is a terminal (colours, prompts). */
	isTTY: boolean;
}

export const processIo: CliIo = {
	out: (text) => console.log(text),
	err: (text) => console.error(text),
	env: process.env,
	cwd: process.cwd(),
	stdin: process.stdin,
	isTTY: !!process.stdout.isTTY,
};

/** An io that collects what a command prints (for tests and callers that want the text). */
export function capturingIo(options: Partial<Pick<CliIo, 'env' | 'cwd' | 'stdin' | 'isTTY'>> = {}) {
	const stdout: string[] = [];
	const stderr: string[] = [];
	const io: CliIo = {
		out: (text) => void stdout.push(text),
		err: (text) => void stderr.push(text),
		env: options.env ?? process.env,
		cwd: options.cwd ?? process.cwd(),
		stdin: options.stdin ?? (async function* () {})(),
		isTTY: options.isTTY ?? false,
	};
	return {
		io,
		stdout: () => stdout.map((line) => `${line}\n`).join(''),
		stderr: () => stderr.map((line) => `${line}\n`).join(''),
	};
}
