/**
 * Body limits apply to every body: ZHIDU_BODY_LIMIT_KB is enforced on the
 * stream, before parsing, on every route (chunked uploads without a
 * Content-Length included): 413, never "malformed JSON", never stored. A
 * JSON body that is not valid UTF-8 is refused with 400 naming the field,
 * never stored with U+FFFD in it. On SQLite and PostgreSQL.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';

const distDir = inject('serverDistDir');
const limitKb = 16;

/** Sends the body in 1 KB chunks with Transfer-Encoding: chunked (no Content-Length). */
function chunkedPost(
	port: number,
	path: string,
	headers: Record<string, string>,
	body: Buffer,
): Promise<{ status: number; text: string }> {
	return new Promise((settle, fail) => {
		const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (d: string) => (text += d));
			res.on('end', () => settle({ status: res.statusCode!, text }));
		});
		// The server may answer 413 and close while we still write: the answer is what counts.
		req.on('error', (error) =>
			error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? null : fail(error),
		);
		let at = 0;
		const writeMore = () => {
			while (at < body.length) {
				const chunk = body.subarray(at, at + 1024);
				at += chunk.length;
				if (!req.write(chunk)) return void req.once('drain', writeMore);
			}
			req.end();
		};
		writeMore();
	});
}

const personJson = (email: string, padBytes: number) =>
	Buffer.from(
		JSON.stringify({
			employeeId: `E-${email}`,
			name: '大檔案',
			email,
			department: '運營部',
			role: 'staff',
			padding: 'x'.repeat(padBytes),
		}),
	);

describe.each(testDatabases)('body limits on $name', (database) => {
	let drop: () => Promise<void>;
	let server: RunningServer;
	let hr: Client;
	const auth = () => ({ cookie: hr.cookie!, 'x-csrf-token': hr.csrf! });
	const roster = async () =>
		((await (await hr.request('/api/v1/people')).json()) as { people: { email: string; name: string }[] }).people;

	beforeAll(async () => {
		const { drop: dropDb, ...options } = await database.options();
		drop = dropDb;
		const env = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! };
		server = await startServer({ ...env, ZHIDU_BODY_LIMIT_KB: String(limitKb) }, distDir);
		hr = await setUpHr(server);
	}, 120_000);
	afterAll(async () => {
		await server?.stop();
		await drop?.();
	});

	it('a chunked JSON upload over the limit (no Content-Length) is refused with 413 and not stored', async () => {
		const response = await chunkedPost(
			server.port,
			'/api/v1/people',
			{ ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
			personJson('chunked@example.com', 3 * limitKb * 1024),
		);
		expect(response.status, response.text).toBe(413);
		expect(response.text).not.toContain('malformed JSON');
		expect(JSON.parse(response.text)).toMatchObject({ error: expect.stringContaining('limit') });
		expect((await roster()).map((p) => p.email)).not.toContain('chunked@example.com');
	});

	it('a body declared over the limit by Content-Length is refused with 413 before it is read', async () => {
		const response = await hr.request('/api/v1/people', {
			method: 'POST',
			body: personJson('declared@example.com', 2 * limitKb * 1024),
			headers: { 'content-type': 'application/json', 'x-csrf-token': hr.csrf! },
		});
		expect(response.status).toBe(413);
		expect((await roster()).map((p) => p.email)).not.toContain('declared@example.com');
	});

	it('a chunked sign-in form over the limit is refused with 413 (signed out, an open route)', async () => {
		const form = Buffer.from(
			`email=hr%40example.com&password=first+hr+password&next=%2F&pad=${'y'.repeat(2 * limitKb * 1024)}`,
		);
		const response = await chunkedPost(
			server.port,
			'/login/',
			{ origin: server.url, 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
			form,
		);
		expect(response.status, response.text).toBe(413);
	});

	it('a chunked acknowledgement over the limit is refused with 413, not "malformed JSON"', async () => {
		const body = Buffer.from(
			JSON.stringify({ policy: 'pharma-operations-department', note: 'z'.repeat(2 * limitKb * 1024) }),
		);
		const response = await chunkedPost(
			server.port,
			'/api/v1/acknowledgements',
			{ ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
			body,
		);
		expect(response.status, response.text).toBe(413);
		const mine = (await (await hr.request('/api/v1/acknowledgements')).json()) as { acknowledgements: unknown[] };
		expect(mine.acknowledgements).toEqual([]);
	});

	it('a chunked POST to a static page over the limit is refused with 413, whatever the route', async () => {
		const response = await chunkedPost(
			server.port,
			'/policies/pharma-operations-department/',
			{ ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
			Buffer.alloc(3 * limitKb * 1024, 0x20),
		);
		expect(response.status, response.text).toBe(413);
	});

	it('a chunked body under the limit still works', async () => {
		const response = await chunkedPost(
			server.port,
			'/api/v1/people',
			{ ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
			personJson('small@example.com', 4 * 1024),
		);
		expect(response.status, response.text).toBe(201);
		expect((await roster()).map((p) => p.email)).toContain('small@example.com');
	});

	it('invalid UTF-8 in a JSON field is refused with 400 naming the field, never stored as U+FFFD', async () => {
		const before = Buffer.from('{"employeeId":"U1","name":"陳');
		const after = Buffer.from('","email":"utf8@example.com","department":"運營部","role":"staff"}');
		for (const bad of [
			Buffer.from([0xff, 0xfe]), // never valid
			Buffer.from([0xc0, 0xae]), // overlong "."
			Buffer.from([0xe5, 0x88]), // a character cut short
			Buffer.from([0xed, 0xa0, 0x80]), // a lone surrogate
		]) {
			const response = await hr.request('/api/v1/people', {
				method: 'POST',
				body: Buffer.concat([before, bad, after]),
				headers: { 'content-type': 'application/json', 'x-csrf-token': hr.csrf! },
			});
			expect(response.status).toBe(400);
			const answer = (await response.json()) as { error: string; fields: Record<string, string> };
			expect(answer.error).toContain('UTF-8');
			expect(answer.fields).toEqual({ name: expect.stringContaining('UTF-8') });
		}
		const people = await roster();
		expect(people.map((p) => p.email)).not.toContain('utf8@example.com');
		expect(people.some((p) => p.name.includes('\uFFFD'))).toBe(false);
	});
});
