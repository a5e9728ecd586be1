/**
 * The CLI in-process: `run(argv, io)` from src/cli/zhidu.ts with a capturing io, as fast as a function
 * call. Spawn a real `node src/cli/zhidu.ts` only for a smoke test of the program itself.
 */
import { capturingIo } from '#cli/io.ts';
import { run } from '#cli/zhidu.ts';
import { projectRoot } from './build-site.ts';

export interface CliResult {
	status: number;
	stdout: string;
	stderr: string;
	output: string;
}

/** `zhidu <args…>` with process.env plus `env` (NO_COLOR set), in `cwd` (default: the project root). */
export async function zhidu(
	args: string[],
	options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
	const { io, stdout, stderr } = capturingIo({
		env: { ...process.env, NO_COLOR: '1', ...options.env },
		cwd: options.cwd ?? projectRoot,
	});
	const status = await run(args, io);
	return { status, stdout: stdout(), stderr: stderr(), output: stdout() + stderr() };
}
