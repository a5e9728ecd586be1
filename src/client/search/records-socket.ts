/**
 * The records of a page of results over one WebSocket to the server
 * (src/server/search-socket.ts): in Chromium a message on an open socket
 * answers in about a third of a fetch's round trip, and every query reads its
 * first page's records. Opened when the search loads; until it is open, and
 * whenever it is not (closed, refused by a proxy without WebSocket, `astro
 * dev`), `askSocket` returns undefined and the caller fetches instead.
 */
import type { SearchRecord } from './record.ts';

interface Reply {
	n: number | null;
	records?: Record<string, SearchRecord | null>;
	error?: string;
}

interface Waiting {
	resolve: (records: Record<string, SearchRecord | null>) => void;
	reject: (error: Error) => void;
	timer: ReturnType<typeof setTimeout>;
}

/**
 * An answer later than this is given up on, and the socket with it (after a sleep or a network change a socket
 * can look open and be dead): the caller fetches, and the next search opens a new one.
 */
const answerWithinMs = 2_000;
/** After a socket that never opened (refused), wait this long before trying again. */
const retryAfterMs = 60_000;

let socket: WebSocket | undefined;
let open = false;
let refusedAt = -Infinity;
let sent = 0;
const waiting = new Map<number, Waiting>();

// An open socket keeps a page out of the back/forward cache: closed when the reader leaves (a result clicked), so
// Back restores the search as it was; the next search opens it again.
if (typeof window !== 'undefined') window.addEventListener('pagehide', () => socket?.close());

/** Opens the socket unless it is open, opening, or was refused a moment ago. */
export function openRecordsSocket(): void {
	if (socket || typeof WebSocket === 'undefined' || performance.now() - refusedAt < retryAfterMs) return;
	const url = new URL('/api/v1/search/records', location.href);
	url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
	let opening: WebSocket;
	try {
		opening = socket = new WebSocket(url);
	} catch {
		// A browser that blocks it outright (an older reading of the page's connect-src): fetch, as without a socket.
		refusedAt = performance.now();
		return;
	}
	opening.addEventListener('open', () => (open = true));
	opening.addEventListener('message', (event: MessageEvent<string>) => {
		let reply: Reply;
		try {
			reply = JSON.parse(event.data) as Reply;
		} catch {
			return;
		}
		const asked = reply.n === null ? undefined : waiting.get(reply.n);
		if (!asked) return;
		waiting.delete(reply.n!);
		clearTimeout(asked.timer);
		if (reply.records) asked.resolve(reply.records);
		else asked.reject(new Error(reply.error ?? 'no records'));
	});
	opening.addEventListener('close', () => {
		if (!open) refusedAt = performance.now();
		socket = undefined;
		open = false;
		for (const [n, asked] of waiting) {
			waiting.delete(n);
			clearTimeout(asked.timer);
			asked.reject(new Error('the records socket closed'));
		}
	});
}

/** The records of `ids` over the socket; undefined when it is not open (fetch them instead). */
export function askSocket(ids: readonly string[]): Promise<Record<string, SearchRecord | null>> | undefined {
	if (!socket || !open || socket.readyState !== WebSocket.OPEN) {
		openRecordsSocket();
		return undefined;
	}
	const n = ++sent;
	const answered = new Promise<Record<string, SearchRecord | null>>((resolve, reject) => {
		const timer = setTimeout(() => {
			waiting.delete(n);
			reject(new Error('the records socket did not answer'));
			socket?.close();
		}, answerWithinMs);
		waiting.set(n, { resolve, reject, timer });
	});
	socket.send(JSON.stringify({ n, ids: ids.join(',') }));
	return answered;
}
