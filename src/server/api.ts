/** Helpers for API routes: plain JSON in and out, zod-validated, 4xx with a reason and field errors. */
import type { z } from 'zod';
import type { Actor } from '../lib/auth/audit.ts';
import type { Person } from '../lib/auth/people.ts';
import type { Identity } from './identity.ts';
import type { ZhiduLocals } from './app.ts';

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'private, no-store', ...headers },
	});

/**
 * A JSON answer before it is a Response: what the routes served both by Astro and by the plain Node handler
 * (src/server/plain-routes.ts) return, so one function decides the answer for both.
 */
export interface JsonAnswer {
	status: number;
	body: unknown;
	headers?: Record<string, string> | undefined;
}

export const answer = (status: number, body: unknown, headers?: Record<string, string>): JsonAnswer => ({
	status,
	body,
	headers,
});

export const toResponse = (answer: JsonAnswer): Response => jsonResponse(answer.status, answer.body, answer.headers);

export class HttpError extends Error {
	readonly status: number;
	readonly fields: Record<string, string> | undefined;
	readonly headers: Record<string, string>;
	constructor(status: number, message: string, fields?: Record<string, string>, headers: Record<string, string> = {}) {
		super(message);
		this.status = status;
		this.fields = fields;
		this.headers = headers;
	}
}

/** The server's locals; absent only if a route is reached without our server (e.g. astro dev). */
export function zhidu(locals: App.Locals): ZhiduLocals {
	if (!locals.zhidu) throw new HttpError(503, 'this route needs the Zhidu server (npm start)');
	return locals.zhidu;
}

export function signedInPerson(locals: App.Locals): Person {
	const { identity } = zhidu(locals);
	if (identity?.kind !== 'person') throw new HttpError(401, 'sign in first');
	return identity.person;
}

/** Who the audit log names for a request: the person, or the API token with its name and creator. */
export function actorOf(identity: Identity): Actor {
	return identity.kind === 'token'
		? { kind: 'token', tokenId: identity.tokenId, tokenName: identity.name, createdBy: identity.createdBy }
		: { kind: 'person', personId: identity.person.id };
}

/** HR only: staff get 403; API tokens may act for HR with read-write (or admin) scope. */
export function requireHr(
	locals: App.Locals,
	write = false,
): { actor: Actor; actorId: string | null; identity: Identity } {
	const { identity } = zhidu(locals);
	if (!identity) throw new HttpError(401, 'sign in first');
	if (identity.kind === 'token') {
		if (write && identity.scope === 'read') throw new HttpError(403, 'this API token is read-only');
		return { actor: actorOf(identity), actorId: null, identity };
	}
	if (identity.person.role !== 'hr') throw new HttpError(403, 'HR only');
	return { actor: actorOf(identity), actorId: identity.person.id, identity };
}

/** Creating an HR person or making someone HR: people may, API tokens only with the explicit `admin` scope. */
export function requireHrGrant(identity: Identity, role: string | undefined, field = 'role'): void {
	if (role === 'hr' && identity.kind === 'token' && identity.scope !== 'admin')
		throw new HttpError(403, 'only an API token with the admin scope may create or promote HR people', {
			[field]: 'hr needs a token with the admin scope',
		});
}

export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
	const type = request.headers.get('content-type');
	if (!type?.includes('application/json')) throw new HttpError(415, 'send JSON (Content-Type: application/json)');
	return parseJson(type, new Uint8Array(await request.arrayBuffer()), schema);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A request body (its Content-Type and bytes) as JSON valid under `schema`, or an HttpError naming what is wrong. */
export function parseJson<T extends z.ZodType>(
	type: string | null | undefined,
	bytes: Uint8Array,
	schema: T,
): z.infer<T> {
	if (!type?.includes('application/json')) throw new HttpError(415, 'send JSON (Content-Type: application/json)');
	let text: string;
	try {
		text = utf8.decode(bytes);
	} catch {
		throw new HttpError(400, 'the request body is not valid UTF-8', invalidUtf8Fields(bytes));
	}
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		throw new HttpError(400, 'malformed JSON');
	}
	const parsed = schema.safeParse(data);
	if (!parsed.success) {
		const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || '(body)', i.message]));
		throw new HttpError(400, 'invalid request', fields);
	}
	return parsed.data;
}

/**
 * Names the fields whose text is not valid UTF-8: decoded leniently, they hold
 * U+FFFD (only asked after strict decoding failed, so the U+FFFD are ours).
 */
function invalidUtf8Fields(bytes: Uint8Array): Record<string, string> {
	const fields: Record<string, string> = {};
	let data: unknown;
	try {
		data = JSON.parse(new TextDecoder('utf-8').decode(bytes));
	} catch {
		return { '(body)': 'not valid UTF-8' };
	}
	// An explicit stack, not recursion: the depth of the input is the sender's choice.
	const stack: { value: unknown; path: string }[] = [{ value: data, path: '' }];
	while (stack.length > 0) {
		const { value, path } = stack.pop()!;
		if (typeof value === 'string' && value.includes('\uFFFD')) fields[path || '(body)'] = 'not valid UTF-8';
		else if (value && typeof value === 'object') {
			for (const [key, child] of Object.entries(value)) {
				if (key.includes('\uFFFD')) fields[path || '(body)'] = 'a key is not valid UTF-8';
				stack.push({ value: child, path: path ? `${path}.${key}` : key });
			}
		}
	}
	return Object.keys(fields).length > 0 ? fields : { '(body)': 'not valid UTF-8' };
}

/** Runs a route body, turning HttpErrors into JSON answers (never a stack trace). */
export async function handle(run: () => Promise<Response>): Promise<Response> {
	try {
		return await run();
	} catch (error) {
		return toResponse(errorAnswer(error));
	}
}

/** `handle` for routes that answer a JsonAnswer (served by Astro and the plain handler alike). */
export async function handleAnswer(run: () => Promise<JsonAnswer>): Promise<JsonAnswer> {
	try {
		return await run();
	} catch (error) {
		return errorAnswer(error);
	}
}

/** Domain errors name the field; a date that would rewrite history is a conflict with the records. */
const fieldErrors: Record<string, number> = {
	PersonError: 400,
	TokenError: 400,
	HistoryError: 409,
	ReadingError: 404,
};

/** What a route's error answers: its status and reason, the fields it names; 500 (logged) for anything else. */
function errorAnswer(error: unknown): JsonAnswer {
	if (error instanceof HttpError)
		return answer(
			error.status,
			{ error: error.message, ...(error.fields ? { fields: error.fields } : {}) },
			error.headers,
		);
	if (error instanceof Error && error.name in fieldErrors) {
		const field = (error as Error & { field: string }).field;
		return answer(fieldErrors[error.name]!, {
			error: error.message,
			fields: { [field]: error.message.replace(`${field}: `, '') },
		});
	}
	console.error(error);
	return answer(500, { error: 'internal error' });
}
