/**
 * Every request body is read here, on the stream, before anything parses it:
 * a body over the limit (whatever Content-Length says, chunked uploads
 * included) is refused with 413 and never reaches a route. The buffered body
 * is handed to Astro as `req.body`, which its Node adapter uses instead of
 * reading the (already drained) stream.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; received: number };

/**
 * Reads the body up to `limit` bytes. Over the limit it stops keeping data and
 * leaves the rest to be discarded (not the socket destroyed, so the client can
 * read the 413 answer).
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<BodyResult> {
	return new Promise((settle, fail) => {
		const chunks: Buffer[] = [];
		let received = 0;
		const onData = (chunk: Buffer) => {
			received += chunk.length;
			if (received <= limit) return void chunks.push(chunk);
			req.off('data', onData).off('end', onEnd).off('error', fail);
			chunks.length = 0;
			// Discard whatever else arrives; the answer closes the connection.
			req.resume();
			settle({ ok: false, received });
		};
		const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks, received) });
		req.on('data', onData).once('end', onEnd).once('error', fail);
	});
}

/** What the Astro Node adapter reads the body from when present. */
export function handBodyToAstro(req: IncomingMessage, body: Buffer): void {
	(req as IncomingMessage & { body?: Buffer }).body = body;
}
