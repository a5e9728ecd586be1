/**
 * The server is the only clock: a version whose effective date arrives is in
 * force from the company's midnight, with no rebuild and no restart. The test
 * starts the real server on the fixture build with a test clock in a file,
 * one minute before 2099-01-01 in Asia/Taipei (when leave-policy 2.0 takes
 * effect), then moves the clock across midnight and sees every page and API
 * that depends on today switch together. An injected clock without the test
 * flag refuses to start.
 */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testClock } from '../support/clock.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startFailure, startServer, type RunningServer } from '../support/server-process.ts';
import { fixtureServerEnv } from '../support/site-server.ts';

const distDir = dirname(inject('fixtureProductionSiteDir'));
const text = (html: string) =>
	html
		.replace(/<script[\s\S]*?<\/script>/g, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ');

/** 23:59 on 2098-12-31 and 00:00 on 2099-01-01 in Asia/Taipei (UTC+8). */
const beforeMidnight = '2098-12-31T15:59:00Z';
const afterMidnight = '2098-12-31T16:00:00Z';

describe('one clock: a scheduled version takes effect at the company midnight without a rebuild', () => {
	let server: RunningServer;
	let hr: Client;
	const clock = testClock(beforeMidnight);

	beforeAll(async () => {
		server = await startServer(
			{
				...fixtureServerEnv,
				ZHIDU_DB_FILE: sqliteFileInTemp(),
				ZHIDU_TIMEZONE: 'Asia/Taipei',
				...clock.env,
			},
			distDir,
		);
		// A fresh database: the server prints the one-time setup link after it starts serving; wait for it.
		const deadline = Date.now() + 30_000;
		while (!/\/setup\/\?token=/.test(server.output()) && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 50));
		server.setupUrl ??= /(http:\/\/\S+\/setup\/\?token=\S+)/.exec(server.output())?.[1];
		hr = await setUpHr(server);
	});
	afterAll(async () => {
		await server?.stop();
	});

	const page = async (path: string) => {
		const response = await hr.request(path, { headers: { accept: 'text/html' } });
		expect(response.status, path).toBe(200);
		return response.text();
	};

	/** The chapter banner as a browser gets it: the prerendered page, then the fragment it fetches. */
	const banner = async (path: string) => {
		const html = await page(path);
		const fragment = /data-version-status="([^"]+)"/.exec(html)?.[1];
		expect(fragment, `no version status in ${path}`).toBeTruthy();
		return text(await page(fragment!.replace(/&amp;/g, '&')));
	};

	/** Everything that depends on today, read in one go. */
	const observe = async () => {
		const alias = await hr.request('/policies/leave-policy/clauses/c-1-0-2/');
		const current = (await (await hr.request('/api/v1/policies/leave-policy/current.json')).json()) as {
			version: { version: string; state: string };
		};
		const policies = (await (await hr.request('/api/v1/policies.json')).json()) as {
			asOf: string;
			policies: { id: string; versionInForce: string }[];
		};
		const training = (await (await hr.request('/api/v1/me/training')).json()) as {
			asOf: string;
			training: { policy: string; versionInForce: string }[];
		};
		const dashboard = await page('/hr/dashboard/');
		const reviewRow = /<tr data-review-state[^>]*>([\s\S]*?)<\/tr>/.exec(dashboard)?.[1] ?? '';
		return {
			home: text(await page('/')),
			overview: text(await page('/policies/leave-policy/')),
			history: text(await page('/policies/leave-policy/history/')),
			banner10: await banner('/policies/leave-policy/1.1/ch-1/'),
			banner20: await banner('/policies/leave-policy/2.0/ch-2/'),
			alias: { status: alias.status, location: alias.headers.get('location') },
			current: current.version,
			policies,
			training,
			review: text(reviewRow),
		};
	};

	/** Moves the server's clock to `instant` and reads everything that depends on today. */
	const observeAt = async (instant: string) => {
		clock.set(instant);
		return observe();
	};

	/** What every page and API agree on while `version` is in force on `asOf`. */
	const expectInForce = (seen: Awaited<ReturnType<typeof observe>>, version: string, asOf: string) => {
		const v = version.replace('.', '\\.');
		expect(seen.home).toMatch(new RegExp(`版本 ${v} 現行`));
		expect(seen.overview).toMatch(new RegExp(`現行版本 ${v} 現行`));
		expect(seen.history).toMatch(new RegExp(`版本 ${v} 現行`));
		expect(seen.alias).toEqual({ status: 302, location: `/policies/leave-policy/${version}/ch-1/#c-1-0-2` });
		expect(seen.current).toMatchObject({ version, state: 'in-force' });
		expect(seen.policies).toMatchObject({ asOf, policies: [{ id: 'leave-policy', versionInForce: version }] });
		expect(seen.training).toMatchObject({ asOf, training: [{ policy: 'leave-policy', versionInForce: version }] });
		expect(seen.review).toMatch(new RegExp(`員工請假管理辦法 ${v}`));
	};

	it('switches the home page, overview, history, banner, clause alias, JSON, my training and the HR dashboard together', async () => {
		const before = await observeAt(beforeMidnight);
		expectInForce(before, '1.1', '2098-12-31');
		expect(before.home).toContain('2.0 版將於 2099-01-01 生效');
		expect(before.history).toMatch(/版本 2\.0 預定生效/);
		expect(before.banner10).toContain('2.0 版將於 2099-01-01 生效');
		expect(before.banner20).toContain('2.0 版將於 2099-01-01 生效');

		const after = await observeAt(afterMidnight);
		expectInForce(after, '2.0', '2099-01-01');
		expect(after.home).not.toContain('將於 2099-01-01 生效');
		expect(after.history).toMatch(/版本 1\.1 已廢止/);
		expect(after.banner10).toContain('您正在閱讀已廢止的 1.1 版（適用至 2099-01-01）');
		expect(after.banner20).not.toContain('將於');
	});
});

describe('an injected clock is refused outside the test suite', () => {
	it.each([
		['ZHIDU_NOW', '2099-01-01T00:00:00Z'],
		['ZHIDU_NOW_FILE', '/tmp/zhidu-clock-anything'],
	])('%s without ZHIDU_TEST_CLOCK=1 stops the server at start, naming it', async (name, value) => {
		const { code, output } = await startFailure(
			{
				...fixtureServerEnv,
				ZHIDU_DB_FILE: sqliteFileInTemp(),
				ZHIDU_TEST_CLOCK: '',
				ZHIDU_NOW: '',
				ZHIDU_NOW_FILE: '',
				[name]: value,
			},
			distDir,
		);
		expect(code).not.toBe(0);
		expect(output).toContain(`${name} is only honoured by the test suite (ZHIDU_TEST_CLOCK=1)`);
	});
});
