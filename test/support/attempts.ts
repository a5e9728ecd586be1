/**
 * What the attempt tests share (test/security/attempts.test.ts, test/server/attempt-progress.test.ts): the fixture
 * quiz bank and its right or wrong answers, a server environment reading a folder of bank copies, and a signed-in
 * staff member added by HR with a password set through the CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from './build-site.ts';
import { zhidu } from './cli.ts';
import type { TestDatabase } from './databases.ts';
import { Client } from './http-client.ts';
import { fixtureServerEnv } from './site-server.ts';

export interface BankQuestion {
	id: string;
	type: 'single' | 'multiple' | 'true-false';
	prompt: string;
	explanation: string;
	cites: string[];
	answer?: boolean;
	options?: { id: string; text: string; correct?: boolean }[];
}
export type Bank = Record<string, unknown> & { questions: BankQuestion[] };

const fixtureText = readFileSync(join(projectRoot, 'test/fixtures/quizzes/leave-policy.yaml'), 'utf8');
/** A fresh copy of the fixture bank (test/fixtures/quizzes/leave-policy.yaml). */
export const fixtureBank = () => parse(fixtureText) as Bank;

/** The right answer to a question of the fixture bank, as the API takes it. */
export function rightAnswer(id: string, bank: Bank = fixtureBank()): string[] | boolean {
	const q = bank.questions.find((b) => b.id === id)!;
	return q.type === 'true-false' ? q.answer! : q.options!.filter((o) => o.correct).map((o) => o.id);
}

/** A wrong answer (one wrong option, or the opposite). */
export function wrongAnswer(id: string, bank: Bank = fixtureBank()): string[] | boolean {
	const q = bank.questions.find((b) => b.id === id)!;
	return q.type === 'true-false' ? !q.answer! : [q.options!.find((o) => !o.correct)!.id];
}

/** Right (or wrong) answers to every question shown, from the fixture bank as it was when drawn. */
export function answersFor(questions: readonly { id: string }[], right: boolean) {
	const bank = fixtureBank();
	return Object.fromEntries(questions.map((q) => [q.id, right ? rightAnswer(q.id, bank) : wrongAnswer(q.id, bank)]));
}

/** The server environment for a database, reading quiz banks from `bankDir`; and the database's drop. */
export async function attemptServerEnv(database: TestDatabase, bankDir: string, extra: Record<string, string> = {}) {
	const { drop, ...options } = await database.options();
	const env: Record<string, string> = {
		...fixtureServerEnv,
		ZHIDU_QUIZZES_DIR: bankDir,
		...extra,
		...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { ZHIDU_DB_FILE: options.sqliteFile! }),
	};
	return { env, drop };
}

/** openStore's options for that environment (a second look at the server's data). */
export const storeOptionsOf = (env: Record<string, string>) =>
	env['DATABASE_URL'] ? { databaseUrl: env['DATABASE_URL'] } : { sqliteFile: env['ZHIDU_DB_FILE']! };

/** A staff member `<key>@example.com` added by HR, with the password `<key> password`, signed in. */
export async function signedInStaff(
	serverUrl: string,
	hr: Client,
	env: Record<string, string>,
	key: string,
): Promise<Client> {
	const email = `${key}@example.com`;
	const added = await hr.write('/api/v1/people', 'POST', {
		employeeId: key.toUpperCase(),
		name: `受測者 ${key}`,
		email,
		department: '運營部',
		role: 'staff',
	});
	expect(added.status, await added.clone().text()).toBe(201);
	// The CLI in-process (asynchronous: a blocked event loop would let the server close pooled sockets unseen).
	const set = await zhidu(['users', 'set-password', email], { env: { ...env, ZHIDU_NEW_PASSWORD: `${key} password` } });
	expect(set.status, set.output).toBe(0);
	const client = new Client(serverUrl);
	expect((await client.signIn(email, `${key} password`)).status).toBe(200);
	return client;
}
