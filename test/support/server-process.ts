/** Starts the real Zhidu server (src/server/main.ts) as a child process on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { projectRoot } from './build-site.ts';

export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

export interface RunningServer {
	url: string;
	port: number;
	child: ChildProcess;
	output: () => string;
	/** The one-time setup link printed on first start, if any. */
	setupUrl: string | undefined;
	stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export async function startServer(env: Record<string, string>, distDir: string): Promise<RunningServer> {
	const port = await freePort();
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: projectRoot,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ZHIDU_DIST_DIR: distDir, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	// Generous: on a loaded 2-core machine a start (migrations, content load) can take tens of seconds; this catches hangs.
	const deadline = Date.now() + 180_000;
	while (!/zhidu: serving/.test(output)) {
		if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
		if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
		await new Promise((r) => setTimeout(r, 50));
	}
	// The server prints the setup link in the same write as the serving line.
	const setup = /(http:\/\/\S+\/setup\/\?token=\S+)/.exec(output)?.[1];
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		child,
		output: () => output,
		setupUrl: setup,
		stop: async (signal = 'SIGTERM') => {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		},
	};
}

/** Runs the server only long enough to see it refuse to start. */
export async function startFailure(
	env: Record<string, string>,
	distDir: string,
): Promise<{ code: number | null; output: string }> {
	const child = spawn(process.execPath, ['src/server/main.ts'], {
		cwd: projectRoot,
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(await freePort()), ZHIDU_DIST_DIR: distDir, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	return { code, output };
}
