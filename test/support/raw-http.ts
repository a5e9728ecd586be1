/**
 * HTTP/1.1 over a bare socket: the request target goes on the wire byte for
 * byte (fetch and node:http would normalise `..`, backslashes or refuse
 * control characters before the server ever saw them).
 */
import { connect } from 'node:net';

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

export function rawRequest(
	port: number,
	target: string,
	{ method = 'GET', headers = {} as Record<string, string> } = {},
): Promise<RawResponse> {
	return new Promise((settle, fail) => {
		const socket = connect(port, '127.0.0.1');
		const chunks: Buffer[] = [];
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('error', fail);
		socket.on('close', () => {
			const all = Buffer.concat(chunks);
			const end = all.indexOf('\r\n\r\n');
			if (end < 0) return fail(new Error(`no HTTP answer to ${JSON.stringify(target)}: ${all.toString('latin1')}`));
			const [statusLine, ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
			const entries = lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
			const responseHeaders: Record<string, string> = Object.fromEntries(entries);
			const body = all.subarray(end + 4);
			settle({
				status: Number(statusLine!.split(' ')[1]),
				headers: responseHeaders,
				body: responseHeaders['transfer-encoding'] === 'chunked' ? unchunk(body) : body,
			});
		});
		const head = [
			`${method} ${target} HTTP/1.1`,
			`Host: 127.0.0.1:${port}`,
			'Connection: close',
			...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
			'',
			'',
		].join('\r\n');
		// UTF-8 on the wire: a raw non-ASCII target arrives as the bytes a careless client would send.
		socket.end(Buffer.from(head, 'utf8'));
	});
}

function unchunk(data: Buffer): Buffer {
	const parts: Buffer[] = [];
	let at = 0;
	while (at < data.length) {
		const lineEnd = data.indexOf('\r\n', at);
		if (lineEnd < 0) break;
		const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
		if (!size) break;
		parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
		at = lineEnd + 2 + size + 2;
	}
	return Buffer.concat(parts);
}
