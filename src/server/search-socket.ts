/**
 * The browser search's records over one WebSocket (the same path as
 * GET /api/v1/search/records, which stays for everything else). A search
 * reads the records of its first page on every query, and in Chromium a
 * fetch round trip costs several times a message on an open socket (measured
 * in docs/bench.md): the socket is the search's fast lane, never its only way.
 *
 * The upgrade is guarded like a request: the path is normalised first, the
 * Origin must be the site's own (a page elsewhere could otherwise open it
 * with the reader's cookies: cross-site WebSocket hijacking), and access is
 * decided by the same function as every other path. Every message is decided
 * again, with the identity resolved anew from the upgrade's credentials, so a
 * session that ends closes the socket at the next message.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { searchRecordsParams } from '../lib/api/route-schemas.ts';
import { onFirstUse } from '../lib/on-first-use.ts';
import type { Store } from '../lib/store/database.ts';
import { decideAccess } from './access.ts';
import type { ServerConfig } from './config.ts';
import { isSameOrigin } from './form-origin.ts';
import { resolveIdentity } from './identity.ts';
import { normaliseRequestPath } from './request-path.ts';
import { searchRecordsAnswer, searchRecordsPath } from './search.ts';

/** A message: `{"n": 1, "ids": "a,b"}` (ids as the GET route takes them); the answer carries the same `n`. */
interface Asked {
	n: number;
	ids: string;
}

/** Messages larger than this are refused by closing the socket (50 ids of 64 characters fit well within it). */
const maxMessageBytes = 8 * 1024;
/** Questions waiting for their answers on one socket: a page asks one at a time, a few at most while typing. */
const maxWaiting = 16;
/** Answers not yet taken by the reader: past this, the reader is not reading, and the socket is closed. */
const maxUnsentBytes = 256 * 1024;
/** Sockets open at once, for the whole server (past this, a search page fetches instead). */
const maxSockets = 5_000;
/** Every this often, a socket that did not answer the last ping (a half-open connection) is ended. */
const heartbeatMs = 30_000;

/** ws loads on the first upgrade: a start that no search page reaches never needs it. */
const wsPackage = onFirstUse<typeof import('ws')>('ws');

export function createSearchSocket(options: { config: ServerConfig; store: Store; clientDir: () => string }) {
	const { config, store } = options;
	let opened: WebSocketServer | undefined;
	const sockets = () =>
		(opened ??= new (wsPackage().WebSocketServer)({
			noServer: true,
			maxPayload: maxMessageBytes,
			// A page of records is a few KB of text: compressed as a response would be. A small window and no context kept
			// between messages: each open socket's compressor holds about 16 KB, not zlib's default 256 KB.
			perMessageDeflate: {
				threshold: 1024,
				zlibDeflateOptions: { level: 1, memLevel: 4 },
				serverMaxWindowBits: 10,
				clientMaxWindowBits: 10,
				serverNoContextTakeover: true,
				clientNoContextTakeover: true,
			},
		}));

	/** Whether the person (or token) behind the upgrade may read the records now. */
	async function allowed(req: IncomingMessage, path: string): Promise<{ ok: true } | { ok: false; status: number }> {
		const resolved = await resolveIdentity(config, store, req);
		if (!resolved.ok) return { ok: false, status: resolved.status };
		const decision = decideAccess({
			path,
			target: path,
			method: 'GET',
			accept: 'application/json',
			identity: resolved.identity,
			config,
		});
		// An API path never sends to sign in: a refusal either way.
		if (decision.kind === 'allow') return { ok: true };
		return { ok: false, status: decision.kind === 'deny' ? decision.status : 401 };
	}

	function refuse(socket: Duplex, status: number): void {
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nCache-Control: private, no-store\r\nContent-Length: 0\r\n\r\n`,
		);
	}

	/** The answer to one message: records, an error naming the field, or the socket closed. */
	async function answer(ws: WebSocket, req: IncomingMessage, path: string, data: Buffer): Promise<void> {
		let asked: Asked;
		try {
			const message = JSON.parse(data.toString('utf8')) as Partial<Asked>;
			if (!Number.isSafeInteger(message.n)) throw new Error('n: expected a whole number');
			const checked = searchRecordsParams.safeParse({ ids: message.ids });
			if (!checked.success)
				return ws.send(JSON.stringify({ n: message.n, error: `ids: ${checked.error.issues[0]!.message}` }));
			asked = { n: message.n!, ids: checked.data.ids };
		} catch (error) {
			return ws.send(JSON.stringify({ n: null, error: (error as Error).message }));
		}
		const access = await allowed(req, path);
		// 1008: policy violation (the session ended or the access changed since the socket opened).
		if (!access.ok) return ws.close(1008, 'access ended');
		ws.send(JSON.stringify({ n: asked.n, ...searchRecordsAnswer(options.clientDir(), asked.ids) }));
	}

	/** A socket's messages, answered one after another; a reader that asks faster than it reads is closed. */
	function serve(ws: WebSocket, req: IncomingMessage, path: string): void {
		let alive = true;
		let waiting = 0;
		let turn: Promise<void> = Promise.resolve();
		// A protocol error (an oversized or malformed frame) ends this socket, never the process.
		ws.on('error', () => ws.terminate());
		ws.on('pong', () => (alive = true));
		ws.on('message', (data: Buffer) => {
			// 1013: try again later (too many questions waiting, or answers not being read).
			if (++waiting > maxWaiting || ws.bufferedAmount > maxUnsentBytes) return ws.close(1013, 'too many questions');
			turn = turn
				.then(() => (ws.readyState === ws.OPEN ? answer(ws, req, path, data) : undefined))
				.catch((error: unknown) => {
					console.error('zhidu: search socket:', error);
					ws.close(1011, 'internal error');
				})
				.finally(() => waiting--);
		});
		const heartbeat = setInterval(() => {
			if (!alive) return ws.terminate();
			alive = false;
			ws.ping();
		}, heartbeatMs);
		heartbeat.unref();
		ws.on('close', () => clearInterval(heartbeat));
	}

	/** The server's 'upgrade' handler: the records socket, or a refusal. */
	async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		socket.on('error', () => socket.destroy());
		try {
			const target = normaliseRequestPath(req.url);
			if (!target.ok || !searchRecordsPath.test(target.path)) return refuse(socket, 404);
			if (!isSameOrigin(req.headers, config.publicUrl)) return refuse(socket, 403);
			const access = await allowed(req, target.path);
			if (!access.ok) return refuse(socket, access.status);
			if (sockets().clients.size >= maxSockets) return refuse(socket, 503);
			sockets().handleUpgrade(req, socket, head, (ws) => serve(ws, req, target.path));
		} catch (error) {
			console.error('zhidu: search socket upgrade:', error);
			refuse(socket, 500);
		}
	}
	/** Ends every open socket (the server is closing). */
	const close = () => opened?.clients.forEach((ws) => ws.terminate());
	return { upgrade, close };
}
