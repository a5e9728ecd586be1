/**
 * Real receivers for notification tests: an SMTP server in-process
 * (smtp-server) that keeps every message it accepts, and an HTTP webhook
 * receiver that verifies Standard Webhooks signatures and can refuse first
 * attempts.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface ReceivedMail {
	raw: string;
	/** Header value by lower-case name (the first occurrence, unfolded). */
	header: (name: string) => string | undefined;
	to: string[];
}

export async function startSmtp(options: { delayMs?: number } = {}) {
	const messages: ReceivedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
				const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim();
				const done = () => {
					messages.push({ raw, header, to: session.envelope.rcptTo.map((r) => r.address) });
					callback();
				};
				if (options.delayMs) setTimeout(done, options.delayMs);
				else done();
			});
		},
	});
	// A sender killed mid-message (the notifications test kills an instance with SIGKILL) resets its
	// connection: the server reports it as an 'error' event, which is the sender's fault, not the test's.
	const connectionErrors: Error[] = [];
	server.on('error', (error: Error) => connectionErrors.push(error));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		messages,
		connectionErrors,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export interface Delivery {
	id: string;
	type: string;
	body: { type: string; timestamp: string; data: Record<string, unknown> };
	status: number;
}

/** The request's body; undefined when the sender went away before sending all of it (a killed instance). */
const readBody = (req: IncomingMessage) =>
	new Promise<string | undefined>((resolve) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(undefined));
	});

/**
 * A webhook receiver: every request is verified against the secret (a bad signature is answered 401
 * and counted in `badSignatures`); the first `refuseFirst` attempts of each webhook id are answered 503.
 */
export async function startWebhookReceiver(options: { refuseFirst?: number; delayMs?: number } = {}) {
	let secret: string | undefined;
	const attempts = new Map<string, number>();
	const accepted: Delivery[] = [];
	let badSignatures = 0;
	let requests = 0;
	const server = createServer(async (req, res) => {
		requests++;
		const body = await readBody(req);
		if (body === undefined) return;
		const headers = Object.fromEntries(
			['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]),
		);
		try {
			new Webhook(secret!).verify(body, headers);
		} catch {
			badSignatures++;
			res.writeHead(401).end();
			return;
		}
		const id = headers['webhook-id']!;
		const seen = (attempts.get(id) ?? 0) + 1;
		attempts.set(id, seen);
		if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
		if (seen <= (options.refuseFirst ?? 0)) {
			res.writeHead(503).end('not now');
			return;
		}
		const parsed = JSON.parse(body) as Delivery['body'];
		accepted.push({ id, type: parsed.type, body: parsed, status: 200 });
		res.writeHead(200).end('ok');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hooks`,
		setSecret: (s: string) => (secret = s),
		accepted,
		attempts,
		badSignatures: () => badSignatures,
		requests: () => requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Waits for a condition, polling; fails with the description after the timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
