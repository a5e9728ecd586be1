/** An HTTP client that keeps the session cookie and CSRF token, and the first-start HR set-up, for server tests. */
import { expect } from 'vitest';
import type { RunningServer } from './server-process.ts';

/** A cookie jar of one: the session cookie a browser would keep. */
export class Client {
	cookie: string | undefined;
	csrf: string | undefined;
	readonly base: string;
	constructor(base: string) {
		this.base = base;
	}
	async request(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookie) headers.set('cookie', this.cookie);
		let body = init.body ?? null;
		if (init.json !== undefined) {
			headers.set('content-type', 'application/json');
			body = JSON.stringify(init.json);
		}
		const { json: _json, ...rest } = init;
		const response = await fetch(this.base + path, { ...rest, headers, body, redirect: 'manual' });
		const set = response.headers.get('set-cookie');
		if (set) this.cookie = set.split(';')[0]!.endsWith('=') ? undefined : set.split(';')[0];
		return response;
	}
	async signIn(email: string, password: string): Promise<Response> {
		const response = await this.request('/api/v1/auth/login', { method: 'POST', json: { email, password } });
		if (response.ok) this.csrf = ((await response.clone().json()) as { csrfToken: string }).csrfToken;
		return response;
	}
	write(path: string, method: string, json: unknown) {
		return this.request(path, { method, json, headers: this.csrf ? { 'x-csrf-token': this.csrf } : {} });
	}
}

export async function setUpHr(server: RunningServer): Promise<Client> {
	expect(server.setupUrl, server.output()).toBeDefined();
	const setup = new URL(server.setupUrl!);
	const client = new Client(server.url);
	const form = new URLSearchParams({
		name: '林人資',
		email: 'hr@example.com',
		employeeId: 'HR001',
		department: '人力資源部',
		password: 'first hr password',
		confirm: 'first hr password',
	});
	const response = await client.request(`/setup/${setup.search}`, {
		method: 'POST',
		body: form,
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
	});
	expect(response.status, await response.clone().text()).toBe(303);
	expect(client.cookie).toMatch(/^zhidu_session=/);
	const signedIn = new Client(server.url);
	expect((await signedIn.signIn('hr@example.com', 'first hr password')).status).toBe(200);
	return signedIn;
}
