/**
 * The browser search's records socket (src/server/search-socket.ts) keeps the
 * guards of GET /api/v1/search/records: a page on another site cannot open it
 * with the reader's cookies (cross-site WebSocket hijacking), a signed-out
 * visitor cannot open it where reading needs a sign-in, a session that ends
 * closes it at the next message, only its own path upgrades (decided on the
 * normalised path), an oversized or malformed message is refused, and a
 * reader that asks faster than it reads is closed: none of it ends the server.
 */
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabases } from '../support/databases.ts';
import { Client } from '../support/http-client.ts';
import { securityRig, staffWithPassword, type SecurityRig } from '../support/security.ts';

const socketPath = '/api/v1/search/records';

interface Opened {
	ws: WebSocket;
	/** The next message, parsed. */
	next: () => Promise<{ n: number | null; records?: Record<string, { url: string } | null>; error?: string }>;
	closed: Promise<{ code: number }>;
}

/** Opens the socket as a browser would (Origin, cookie); rejects with the HTTP status of a refused upgrade. */
function open(base: string, path: string, headers: Record<string, string>): Promise<Opened> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(base.replace(/^http/, 'ws') + path, { headers });
		const messages: string[] = [];
		const waiters: ((m: string) => void)[] = [];
		ws.on('message', (data) => {
			const text = String(data);
			const waiter = waiters.shift();
			if (waiter) waiter(text);
			else messages.push(text);
		});
		const closed = new Promise<{ code: number }>((done) => ws.on('close', (code) => done({ code })));
		ws.on('unexpected-response', (_req, res) => {
			reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
			ws.terminate();
		});
		ws.on('error', (error) => reject(error));
		ws.on('open', () =>
			resolve({
				ws,
				closed,
				next: () =>
					new Promise((got) => {
						const queued = messages.shift();
						if (queued !== undefined) return got(JSON.parse(queued));
						waiters.push((m) => got(JSON.parse(m)));
					}),
			}),
		);
	});
}

/** The status line the server answers an upgrade whose path is sent exactly as given. */
function rawUpgrade(base: string, path: string, headers: Record<string, string>): Promise<string> {
	const { hostname, port } = new URL(base);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () =>
			socket.write(
				[
					`GET ${path} HTTP/1.1`,
					`Host: ${hostname}:${port}`,
					'Connection: Upgrade',
					'Upgrade: websocket',
					'Sec-WebSocket-Version: 13',
					'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
					...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
					'',
					'',
				].join('\r\n'),
			),
		);
		let answer = '';
		socket.on('data', (chunk) => {
			answer += String(chunk);
			if (answer.includes('\r\n')) {
				socket.destroy();
				resolve(answer.slice(0, answer.indexOf('\r\n')));
			}
		});
		socket.on('error', reject);
		socket.on('end', () => resolve(answer));
	});
}

const refusedWith = (opening: Promise<unknown>) =>
	opening.then(
		() => 'opened',
		(error: { status?: number }) => error.status ?? 'error',
	);

describe.each(testDatabases.filter((d) => d.name === 'sqlite'))('the search records socket on $name', (database) => {
	let rig: SecurityRig;
	let staff: Client;
	let origin: string;
	const fragments = () => join(inject('fixtureProductionSiteDir'), 'pagefind', 'fragment');
	const ids = () => readdirSync(fragments()).map((f) => f.replace(/\.pf_fragment$/, ''));

	beforeAll(async () => {
		// Reading needs a sign-in (the default): the socket must be as closed as the pages.
		rig = await securityRig(database, { ZHIDU_READ: 'signed-in' });
		origin = rig.server.url;
		await staffWithPassword(rig, { employeeId: 'ws-1', email: 'ws-1@example.com' }, 'socket-password-1');
		staff = new Client(rig.server.url);
		expect((await staff.signIn('ws-1@example.com', 'socket-password-1')).status).toBe(200);
	}, 120_000);
	afterAll(async () => rig?.close());

	it('signed in, from the site itself: the records of a page of results, as GET gives them', async () => {
		const asked = ids().slice(0, 3);
		const socket = await open(rig.server.url, socketPath, { origin, cookie: staff.cookie! });
		socket.ws.send(JSON.stringify({ n: 7, ids: asked.join(',') }));
		const reply = await socket.next();
		const viaGet = (await (await staff.request(`${socketPath}?ids=${asked.join(',')}`)).json()) as {
			records: unknown;
		};
		expect(reply.n).toBe(7);
		expect(reply.records).toEqual(viaGet.records);
		expect(Object.values(reply.records!).every((r) => r?.url.startsWith('/policies/'))).toBe(true);
		socket.ws.close();
	});

	it('a page on another site cannot open it with the reader’s cookie (cross-site WebSocket hijacking): 403', async () => {
		for (const foreign of ['https://evil.example', 'null', origin.replace('127.0.0.1', 'localhost')])
			expect(
				await refusedWith(open(rig.server.url, socketPath, { origin: foreign, cookie: staff.cookie! })),
				foreign,
			).toBe(403);
		// No Origin at all (not a browser): refused too; programs use GET.
		expect(await refusedWith(open(rig.server.url, socketPath, { cookie: staff.cookie! }))).toBe(403);
	});

	it('signed out, where reading needs a sign-in: 401; a made-up session: 401', async () => {
		expect(await refusedWith(open(rig.server.url, socketPath, { origin }))).toBe(401);
		expect(await refusedWith(open(rig.server.url, socketPath, { origin, cookie: 'zhidu_session=forged' }))).toBe(401);
	});

	it('a session that ends closes the open socket at its next message, with no records', async () => {
		const reader = new Client(rig.server.url);
		expect((await reader.signIn('ws-1@example.com', 'socket-password-1')).status).toBe(200);
		const socket = await open(rig.server.url, socketPath, { origin, cookie: reader.cookie! });
		socket.ws.send(JSON.stringify({ n: 1, ids: ids()[0] }));
		expect((await socket.next()).records).toBeTruthy();
		expect((await reader.write('/api/v1/auth/logout', 'POST', {})).status).toBe(200);
		let answered = false;
		socket.ws.on('message', () => (answered = true));
		socket.ws.send(JSON.stringify({ n: 2, ids: ids()[0] }));
		expect((await socket.closed).code).toBe(1008);
		expect(answered).toBe(false);
	});

	it('only its own path upgrades, decided on the normalised path', async () => {
		for (const path of ['/api/v1/attempts', '/api/v1/search/states', '/search/'])
			expect(await refusedWith(open(rig.server.url, path, { origin, cookie: staff.cookie! })), path).toBe(404);
		// Dot segments as sent on the wire (a client library would tidy them away first): refused, never resolved.
		for (const path of [
			'/api/v1/search/records/../states',
			'/api/v1/search/x/../records',
			'/api/v1/search/%2e%2e/records',
		])
			expect(await rawUpgrade(rig.server.url, path, { origin, cookie: staff.cookie! }), path).toMatch(
				/^HTTP\/1\.1 404 /,
			);
		// The same path, percent-encoded, is the same path.
		const encoded = await open(rig.server.url, '/api/v1/search/%72ecords', { origin, cookie: staff.cookie! });
		encoded.ws.send(JSON.stringify({ n: 1, ids: ids()[0] }));
		expect(Object.keys((await encoded.next()).records!)).toEqual([ids()[0]]);
		encoded.ws.close();
	});

	it('a malformed message is answered with an error naming the field; an oversized one closes the socket', async () => {
		const socket = await open(rig.server.url, socketPath, { origin, cookie: staff.cookie! });
		socket.ws.send(JSON.stringify({ n: 3, ids: '../../etc/passwd' }));
		expect(await socket.next()).toEqual({ n: 3, error: expect.stringMatching(/^ids: /) });
		socket.ws.send('not json');
		expect((await socket.next()).n).toBeNull();
		// Still usable after both.
		socket.ws.send(JSON.stringify({ n: 4, ids: ids()[0] }));
		expect((await socket.next()).n).toBe(4);
		socket.ws.send('x'.repeat(64 * 1024));
		expect((await socket.closed).code).toBe(1009);
		// The protocol error ended that socket, not the server.
		expect((await fetch(`${rig.server.url}/api/health`)).status).toBe(200);
		const again = await open(rig.server.url, socketPath, { origin, cookie: staff.cookie! });
		again.ws.send(JSON.stringify({ n: 5, ids: ids()[0] }));
		expect((await again.next()).n).toBe(5);
		again.ws.close();
	});

	it('a reader that asks far faster than it reads is closed (1013), and the server goes on', async () => {
		const socket = await open(rig.server.url, socketPath, { origin, cookie: staff.cookie! });
		const page = ids().slice(0, 50).join(',');
		for (let n = 1; n <= 200; n++) socket.ws.send(JSON.stringify({ n, ids: page }));
		expect((await socket.closed).code).toBe(1013);
		expect((await fetch(`${rig.server.url}/api/health`)).status).toBe(200);
	});
});
