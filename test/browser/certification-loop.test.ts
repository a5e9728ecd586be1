/**
 * Issue 15, "Done when": the whole certification loop, played in Chromium as people would, against the real
 * server on a site built from a temporary copy of the fixture policy (one version, 1.1, taking effect on
 * 2027-03-01, acknowledged by signature) and its quiz bank, with the test clock moved through the story
 * (ZHIDU_NOW_FILE):
 *
 * HR imports a Big5 roster of existing staff; the day the policy takes effect nobody is overdue; a person reads every
 * chapter (receipts), attests and signs (a wrong password first), takes the quiz (flag, reload, summary) and
 * passes; HR revises a quizzed clause with the CLI workflow and approval is refused until the question is
 * reviewed; after approval and the rebuild, the person sees the redline, reads, signs and recertifies; the
 * transcript and the HR dashboard agree on every date.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parse } from 'yaml';
import { launchChromium } from '../support/browser.ts';
import { buildSite, projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { noonInTaipei, testClock } from '../support/clock.ts';
import { sqliteFileInTemp } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { keepScreenshot } from '../support/screenshots.ts';

const fixtures = join(projectRoot, 'test/fixtures');
// Written on every run: test-output/ (ignored); docs/screenshots/ keeps the committed, looked-at copies.
const shots = join(projectRoot, 'test-output/screenshots');
// Inside the project: the built server's prerender chunks resolve packages from the project's node_modules.
mkdirSync(join(projectRoot, 'test-output'), { recursive: true });
const work = mkdtempSync(join(projectRoot, 'test-output', 'loop-'));
const policiesDir = join(work, 'policies');
const quizzesDir = join(work, 'quizzes');
const bankFile = join(quizzesDir, 'leave-policy.yaml');
const policyDir = join(policiesDir, 'leave-policy');
const dbFile = sqliteFileInTemp();
const password = 'loop staff password';

/** The server's (and the CLI's) clock, moved to noon in Taipei on each day of the story. */
const clock = testClock(noonInTaipei('2027-02-20'));
const clockEnv = { ...clock.env, ZHIDU_TIMEZONE: 'Asia/Taipei' };
const serverEnv = {
	...clockEnv,
	ZHIDU_CONTENT_DIR: policiesDir,
	ZHIDU_QUIZZES_DIR: quizzesDir,
	ZHIDU_DB_FILE: dbFile,
	ZHIDU_COMPANY_NAME: '範例生技股份有限公司',
};
const cli = (...args: string[]) =>
	zhidu([...args, '--content', policiesDir, '--quizzes', quizzesDir], { env: { ...clockEnv, ZHIDU_DB_FILE: dbFile } });

const edit = (file: string, from: string | RegExp, to: string) => {
	const text = readFileSync(file, 'utf8');
	const next = text.replace(from, to);
	expect(next, `${file}: ${String(from)} not found`).not.toBe(text);
	writeFileSync(file, next);
};

/** Builds the site from the temporary content, as the daily rebuild would. */
function build(name: string): string {
	const outDir = join(work, name);
	const result = buildSite(outDir, { ZHIDU_CONTENT_DIR: policiesDir, ZHIDU_QUIZZES_DIR: quizzesDir });
	expect(result.status, result.output.slice(-3000)).toBe(0);
	return outDir;
}

let browser: Browser;
let server: RunningServer;
let hr: Client;

beforeAll(async () => {
	mkdirSync(shots, { recursive: true });
	mkdirSync(policyDir, { recursive: true });
	mkdirSync(quizzesDir, { recursive: true });
	// One version, 1.1, in force from 2027-03-01: the policy's first day. Acknowledged by signing.
	cpSync(join(fixtures, 'content/policies/leave-policy/1.1'), join(policyDir, '1.1'), { recursive: true });
	writeFileSync(
		join(policyDir, 'policy.yaml'),
		`${readFileSync(join(fixtures, 'content/policies/leave-policy/policy.yaml'), 'utf8')}acknowledgement: signature\n`,
	);
	edit(join(policyDir, '1.1/version.yaml'), /^effective: .*$/m, 'effective: 2027-03-01');
	writeFileSync(
		bankFile,
		readFileSync(join(fixtures, 'quizzes/leave-policy.yaml'), 'utf8')
			.replace('versions: ["1.0", "1.1"]', 'versions: ["1.1"]')
			.replace(/^cooldownMinutes: .*$/m, 'cooldownMinutes: 0'),
	);
	clock.onDay('2027-02-20');
	const [launched, dist] = await Promise.all([launchChromium(), Promise.resolve(build('site-1'))]);
	browser = launched;
	server = await startServer(serverEnv, dist);
	hr = await setUpHr(server);
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
	rmSync(work, { recursive: true, force: true });
});

async function signIn(page: Page, email: string, secret: string, next: string) {
	await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
	await page.getByLabel('電子郵件').fill(email);
	await page.getByLabel('密碼').fill(secret);
	await page.getByRole('button', { name: '登入' }).click();
	await page.waitForURL((url) => url.pathname === next);
}

const wide = async (page: Page) =>
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		page.viewportSize()!.width,
	);

/** Both widths of the page as it is now, into test-output/screenshots/<name>-360.png and -1280.png. */
async function screenshots(page: Page, name: string) {
	const size = page.viewportSize()!;
	for (const width of [360, 1280]) {
		await page.setViewportSize({ width, height: 900 });
		await wide(page);
		await keepScreenshot(page, { path: join(shots, `${name}-${width}.png`), fullPage: true });
	}
	await page.setViewportSize(size);
}

/** Reads every chapter listed on the attestation page to its end; back on the attestation page after. */
async function readEveryChapter(page: Page) {
	const attestation = page.url();
	const chapters = await page
		.locator('ol.chapters a')
		.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
	expect(chapters.length).toBeGreaterThan(1);
	for (const url of chapters) {
		await page.goto(url);
		await page.locator('[data-chapter-end]').scrollIntoViewIfNeeded();
		await page.locator('[data-chapter-end][data-receipt="recorded"]').waitFor();
	}
	await page.goto(attestation);
	expect(await page.locator('[data-read="no"]').count()).toBe(0);
}

/** Attests and signs on the attestation page: a wrong password signs nothing, the right one signs. */
async function attestAndSign(page: Page, version: string, name: string) {
	expect(await page.locator('[data-statement]').innerText()).toBe(
		`本人已閱讀並理解《員工請假管理辦法》第 ${version} 版，並同意遵守。`,
	);
	expect(await page.locator('[data-signer]').innerText()).toBe(name);
	const sign = page.getByRole('button', { name: '確認並簽署' });
	expect(await sign.isEnabled()).toBe(true);
	await page.getByLabel('再次輸入您的密碼以簽署').fill('not my password');
	await sign.click();
	await page.locator('[data-errors]', { hasText: '密碼不正確，未簽署' }).waitFor();
	await page.getByLabel('再次輸入您的密碼以簽署').fill(password);
	await sign.click();
	await page.locator('[data-acknowledged]').waitFor();
	const signature = await page.locator('[data-signature]').innerText();
	expect(signature).toContain(name);
	expect(signature).toContain('閱讀確認並同意遵守');
	expect(signature).toMatch(/\d{4}\/\d{2}\/\d{2}\s\d{2}:\d{2}（Asia\/Taipei）/);
}

/** The right answer to each question shown, from the bank as it is now (the test reads the file). */
async function answerEverything(page: Page, skip: number[] = []) {
	const bank = parse(readFileSync(bankFile, 'utf8')) as {
		questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
	};
	const boxes = page.locator('[id^="question-"][data-question]');
	const count = await boxes.count();
	for (let n = 1; n <= count; n++) {
		if (skip.includes(n)) continue;
		const box = page.locator(`#question-${n}`);
		const id = (await box.getAttribute('data-question'))!;
		const q = bank.questions.find((b) => b.id === id)!;
		const values = q.type === 'true-false' ? [String(q.answer)] : q.options!.filter((o) => o.correct).map((o) => o.id);
		for (const value of values) await box.locator(`input[name="q-${id}"][value="${value}"]`).check();
	}
	await page.locator('[data-save-status]', { hasText: '答案已儲存' }).waitFor();
	return count;
}

interface Row {
	person: { email: string };
	certification: {
		state: string;
		passedOn: string | null;
		validUntil: string | null;
		due: string | null;
		overdue: boolean;
	};
	acknowledgement: {
		state: string;
		acknowledgedOn: string | null;
		acknowledgedVersion: string | null;
		due: string | null;
		overdue: boolean;
	};
}
/** HR over the API, signed in afresh (a session lasts 8 hours, and the story moves the clock by days). */
async function hrRows(query = ''): Promise<Row[]> {
	hr = new Client(server.url);
	expect((await hr.signIn('hr@example.com', 'first hr password')).status).toBe(200);
	const response = await hr.request(`/api/v1/certifications?policy=leave-policy${query}`);
	expect(response.status).toBe(200);
	return ((await response.json()) as { certifications: Row[] }).certifications;
}

describe('the certification loop', () => {
	it(
		'roster, first day, read, attest and sign, quiz, revision, recertification, transcript = dashboard',
		{ timeout: 1_200_000 },
		async () => {
			// HR imports a roster of existing staff (hired years ago).
			const roster = [
				'員工編號,姓名,電子郵件,部門,角色,到職日',
				'L001,陳怡君,yijun@example.com,業務部,staff,2015-04-01',
				'L002,王建國,jianguo@example.com,倉儲部,staff,2019-09-16',
				'L003,李雅婷,yating@example.com,業務部,staff,2022-01-10',
			].join('\r\n');
			const hrContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const hrPage = await hrContext.newPage();
			await signIn(hrPage, 'hr@example.com', 'first hr password', '/hr/');
			// A spreadsheet saved in Big5 (as Excel on a Traditional Chinese Windows does): detected, previewed, imported.
			await hrPage.locator('input[type="file"][name="csv"]').setInputFiles({
				name: 'roster.csv',
				mimeType: 'text/csv',
				buffer: iconv.encode(roster, 'big5'),
			});
			await hrPage.getByRole('button', { name: '預覽', exact: true }).click();
			const preview = hrPage.locator('section.roster-preview');
			await preview.waitFor();
			if ((await preview.getAttribute('data-encoding')) !== 'big5') {
				// Big5 and GBK both plausible for so short a file: HR is asked, and chooses Big5.
				await preview.getByRole('button', { name: '使用 Big5' }).click();
				await preview.waitFor();
			}
			expect(await preview.getAttribute('data-encoding')).toBe('big5');
			expect(await preview.innerText()).toContain('陳怡君');
			await preview.getByRole('button', { name: '匯入', exact: true }).click();
			await hrPage.waitForLoadState('load');
			expect(await hrPage.locator('main').innerText()).toContain('yijun@example.com');
			const setPassword = await zhidu(['users', 'set-password', 'yijun@example.com'], {
				env: { ...clockEnv, ZHIDU_DB_FILE: dbFile, ZHIDU_NEW_PASSWORD: password },
			});
			expect(setPassword.status, setPassword.output).toBe(0);

			// The day the policy takes effect: everyone owes it, nobody is overdue.
			clock.onDay('2027-03-01');
			const firstDay = await hrRows();
			expect(firstDay.map((r) => r.person.email).sort()).toEqual([
				'hr@example.com',
				'jianguo@example.com',
				'yating@example.com',
				'yijun@example.com',
			]);
			for (const row of firstDay) {
				expect(row.certification.overdue || row.acknowledgement.overdue, row.person.email).toBe(false);
				expect(row.certification.due, row.person.email).toBe('2027-03-15');
			}
			expect(await hrRows('&status=overdue')).toEqual([]);
			await signIn(hrPage, 'hr@example.com', 'first hr password', '/hr/dashboard/');
			expect(await hrPage.locator('td.cell').count()).toBe(4);
			expect(await hrPage.locator('td.cell.overdue').count()).toBe(0);

			// 陳怡君 signs in: the home page says what she owes.
			const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
			const page = await context.newPage();
			await signIn(page, 'yijun@example.com', password, '/');
			expect(await page.locator('[data-owed-summary]').innerText()).toBe(
				'您有 1 項待辦訓練，最近的期限是 2027-03-15。',
			);
			await page.goto(`${server.url}/me/training/`);
			const duty = page.locator('section.owed[data-policy="leave-policy"] [data-duty]');
			expect(await duty.getAttribute('data-duty')).toBe('read');
			expect(await page.locator('section.owed').getByRole('link', { name: '前往測驗' }).count()).toBe(1);

			// The attestation waits for the reading: the button is off until every chapter's end is reached.
			await page.goto(`${server.url}/policies/leave-policy/acknowledge/`);
			expect(await page.getByRole('button', { name: '確認並簽署' }).isDisabled()).toBe(true);
			await readEveryChapter(page);
			await page.getByLabel('再次輸入您的密碼以簽署').fill(password);
			await screenshots(page, 'attestation');
			await attestAndSign(page, '1.1', '陳怡君');
			await screenshots(page, 'attestation-signed');
			await page.goto(`${server.url}/me/training/`);
			expect(await duty.getAttribute('data-duty')).toBe('pass');

			// The quiz: answers saved as she goes, a flag, a reload resumes, the summary asks to confirm.
			await page.goto(`${server.url}/quizzes/leave-policy/attempt/`);
			await page.getByRole('button', { name: '開始測驗' }).click();
			await page.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
			const attemptUrl = page.url();
			// Five questions an attempt (the bank's questionsPerAttempt): the last one left for the summary.
			const total = await answerEverything(page, [5]);
			await page.locator('#question-2').getByLabel('標記待複查').check();
			await page.locator('[data-save-status]', { hasText: '答案已儲存' }).waitFor();
			await page.reload();
			await page.locator('[data-save-status]', { hasText: '已恢復' }).waitFor();
			expect(await page.locator('#question-2').getByLabel('標記待複查').isChecked()).toBe(true);
			await page.getByRole('button', { name: '送出答案' }).click();
			const summary = page.getByRole('dialog', { name: '送出前確認' });
			await summary.waitFor();
			expect(await summary.innerText()).toContain(`已作答 ${total - 1} 題，共 ${total} 題`);
			expect(await summary.locator('[data-summary-unanswered] li').allInnerTexts()).toEqual([`第 ${total} 題`]);
			expect(await summary.locator('[data-summary-flagged] li').allInnerTexts()).toEqual(['第 2 題']);
			await page.setViewportSize({ width: 360, height: 800 });
			await keepScreenshot(page, { path: join(shots, 'attempt-summary-360.png') });
			await page.setViewportSize({ width: 1280, height: 800 });
			await keepScreenshot(page, { path: join(shots, 'attempt-summary-1280.png') });
			await summary.getByRole('link', { name: `第 ${total} 題` }).click();
			await answerEverything(page);
			await page.getByRole('button', { name: '送出答案' }).click();
			await summary.getByRole('button', { name: '確認送出' }).click();
			await page.waitForURL(attemptUrl);
			await page.locator('#result-heading', { hasText: '通過' }).waitFor();
			await page.getByRole('link', { name: '檢視證書' }).click();
			await page.locator('[data-certificate]').waitFor();
			expect(await page.locator('[data-certificate]').innerText()).toContain('第 1.1 版');
			await screenshots(page, 'certificate');

			// Certified: My training says done, with the certificate and its expiry; no "go to quiz".
			await page.goto(`${server.url}/me/training/`);
			expect(await duty.getAttribute('data-duty')).toBe('done');
			expect(await duty.innerText()).toContain('證書效期至 2028-03-01');
			expect(await page.locator('section.owed').getByRole('link', { name: '前往測驗' }).count()).toBe(0);
			await page.goto(`${server.url}/`);
			expect(await page.locator('[data-owed-summary]').innerText()).toBe('您的訓練都已完成。');

			// HR revises the quizzed clause (事假 14 → 7 days) with the CLI; approval waits for the question's review.
			clock.onDay('2027-03-10');
			expect((await cli('revise', 'leave-policy')).status).toBe(0);
			const chapter2 = join(policyDir, '1.2/02-假別.mdx');
			edit(chapter2, '全年以十四日為限', '全年以七日為限');
			edit(join(policyDir, '1.2/version.yaml'), '"TODO: 修訂摘要"', '事假全年上限由十四日改為七日。');
			const status = await cli('status', 'leave-policy');
			expect(status.stdout).toMatch(/blocker:.*question q02 cites c-2-1-1-1/);
			expect((await cli('submit', 'leave-policy', '1.2')).status).toBe(0);
			const approve = [
				'approve',
				'leave-policy',
				'1.2',
				'--effective',
				'2027-04-01',
				'--by',
				'林人資',
				'--meaning',
				'核准',
			];
			const refused = await cli(...approve);
			expect(refused.status).toBe(1);
			expect(refused.stderr).toContain('question q02 cites c-2-1-1-1');
			// The answers change with the rule: both questions on it are edited and marked reviewed for 1.2.
			edit(bankFile, '{ id: a, text: 七日 }', '{ id: a, text: 七日, correct: true }');
			edit(bankFile, '{ id: b, text: 十四日, correct: true }', '{ id: b, text: 十四日 }');
			edit(bankFile, /(  - id: q02\n)/, '$1    reviewedFor: "1.2"\n');
			edit(bankFile, /(  - id: q04\n)/, '$1    reviewedFor: "1.2"\n');
			edit(bankFile, '全年以十四日為限', '全年以七日為限');
			const approved = await cli(...approve);
			expect(approved.status, approved.output).toBe(0);

			// The daily rebuild picks the new version up; the server restarts on it, same data, same clock.
			await server.stop();
			const dist = build('site-2');
			clock.onDay('2027-04-01');
			server = await startServer(serverEnv, dist);

			// 1.2 in force: the pass is outdated; she sees the redline of what changed, reads, signs, recertifies.
			const again = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const page2 = await again.newPage();
			await signIn(page2, 'yijun@example.com', password, '/me/training/');
			const duty2 = page2.locator('section.owed[data-policy="leave-policy"] [data-duty]');
			expect(await duty2.getAttribute('data-duty')).toBe('read');
			expect(await page2.locator('.outdated h3').innerText()).toBe('自您通過的 1.1 版以來的修訂');
			expect(await page2.locator('.outdated #change-c-2-1-1-1').count()).toBe(1);
			await page2.goto(`${server.url}/policies/leave-policy/acknowledge/`);
			await readEveryChapter(page2);
			await attestAndSign(page2, '1.2', '陳怡君');
			await page2.goto(`${server.url}/quizzes/leave-policy/attempt/`);
			await page2.getByRole('button', { name: '開始測驗' }).click();
			await page2.waitForURL(/\/attempts\/[0-9a-f-]+\/$/);
			await answerEverything(page2);
			await page2.getByRole('button', { name: '送出答案' }).click();
			await page2.getByRole('dialog', { name: '送出前確認' }).getByRole('button', { name: '確認送出' }).click();
			await page2.locator('#result-heading', { hasText: '通過' }).waitFor();
			await page2.goto(`${server.url}/me/training/`);
			expect(await duty2.getAttribute('data-duty')).toBe('done');

			// The transcript: both acknowledgements (signed) and both certificates, with dates and versions.
			await page2.getByRole('link', { name: '訓練紀錄表' }).click();
			await page2.waitForURL(/\/me\/transcript\/$/);
			const acks = page2.locator('table[data-section="acknowledgements"] tbody tr');
			expect(
				await acks.evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-on'), r.getAttribute('data-version')])),
			).toEqual([
				['2027-03-01', '1.1'],
				['2027-04-01', '1.2'],
			]);
			expect(await page2.locator('td[data-signature="yes"]').count()).toBe(2);
			const certs = page2.locator('table[data-section="certificates"] tbody tr');
			expect(
				await certs.evaluateAll((rows) =>
					rows.map((r) => [
						r.getAttribute('data-passed'),
						r.getAttribute('data-version'),
						r.getAttribute('data-until'),
					]),
				),
			).toEqual([
				['2027-03-01', '1.1', '2028-03-01'],
				['2027-04-01', '1.2', '2028-04-01'],
			]);
			expect(
				await certs.locator('[data-state]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-state'))),
			).toEqual(['outdated', 'current']);
			await screenshots(page2, 'transcript');

			// The HR dashboard says the same dates.
			const [row] = await hrRows('&user=yijun@example.com');
			expect(row!.certification).toMatchObject({
				state: 'current',
				passedOn: '2027-04-01',
				validUntil: '2028-04-01',
				overdue: false,
			});
			expect(row!.acknowledgement).toMatchObject({
				state: 'current',
				acknowledgedOn: '2027-04-01',
				acknowledgedVersion: '1.2',
			});
			await signIn(hrPage, 'hr@example.com', 'first hr password', '/hr/dashboard/');
			const cell = hrPage.locator('tr[data-person="L001"] td.cell');
			expect(await cell.getAttribute('data-passed')).toBe('2027-04-01');
			expect(await cell.getAttribute('data-valid-until')).toBe('2028-04-01');
			expect(await cell.getAttribute('data-acknowledged')).toBe('2027-04-01');
			await screenshots(hrPage, 'hr-dashboard');
			// The others never read nor passed: overdue since 2027-03-15; she is not.
			const overdue = (await hrRows('&status=overdue')).map((r) => r.person.email);
			expect(overdue).toContain('jianguo@example.com');
			expect(overdue).not.toContain('yijun@example.com');
			await Promise.all([context.close(), again.close(), hrContext.close()]);
		},
	);
});
