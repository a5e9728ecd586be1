/**
 * HR publishes from the browser (issue 17), in Chromium against the real server (the whole revision on SQLite, the
 * stale save on SQLite and PostgreSQL),
 * on a git repository holding a copy of the content and quiz banks (never the project's own repository).
 *
 * As HR would: upload a revised .docx, edit two clauses, insert one, move one down and one into another
 * section, confirm a quiz question, submit; a reviewer who is not HR (named in policy.yaml) requests changes; the author fixes them; a second person signs with their password;
 * the server rebuilds the site in the background; the version takes effect the next day (moved clock) and
 * staff see the redline and their new duty; the git log shows each step with its author; the printed
 * version shows the signature. Also: two tabs saving the same draft meet a conflict instead of overwriting.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { versionToPlainText } from '#lib/content/plain-text.ts';
import { launchChromium } from '../support/browser.ts';
import { projectRoot } from '../support/build-site.ts';
import { zhidu } from '../support/cli.ts';
import { noonInTaipei, testClock } from '../support/clock.ts';
import { testDatabases } from '../support/databases.ts';
import { Client, setUpHr } from '../support/http-client.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { acquireBuildLockAsync, releaseBuildLock } from '../support/build-lock.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const policy = 'pharma-operations-department';

/** The text of 1.1 as a Word document, with clause 三、(一) 1. revised. */
async function revisedDocx(): Promise<Buffer> {
	const loaded = loadContentOrThrow({ policiesDir: join(projectRoot, 'content/policies') }).find(
		(p) => p.id === policy,
	)!;
	const v = loaded.versions.find((x) => x.meta.version === '1.1')!;
	const text = versionToPlainText(
		loaded.meta.title,
		v.chapters.map((c) => c.chapter),
		v.numbers,
	)
		.replace('1.每年初,市場調研小組', '1.每年一月底前,市場調研小組')
		// The source broke off in its last section; the revision completes it.
		.trimEnd()
		.concat('\n1.運營經理應與員工定期溝通,了解員工的職業發展需求,共同制定職業發展規劃。');
	const doc = new Document({ sections: [{ children: text.split('\n').map((line) => new Paragraph(line)) }] });
	return Packer.toBuffer(doc);
}

const bank = parse(readFileSync(join(projectRoot, 'quizzes', `${policy}.yaml`), 'utf8')) as {
	questions: { id: string; type: string; answer?: boolean; options?: { id: string; correct?: boolean }[] }[];
};
const rightAnswers = (questions: { id: string }[]) =>
	Object.fromEntries(
		questions.map((q) => {
			const b = bank.questions.find((x) => x.id === q.id)!;
			return [q.id, b.type === 'true-false' ? b.answer! : b.options!.filter((o) => o.correct).map((o) => o.id)];
		}),
	);

let browser: Browser;
beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	await browser?.close();
});

describe.each(testDatabases)('HR publishes from the browser ($name)', (database) => {
	let server: RunningServer;
	let root: string;
	const clock = testClock(noonInTaipei('2026-12-01'));
	let dropDatabase: () => Promise<void> = async () => {};
	/** Holding the build lock while the server builds the approved version. */
	let building = false;

	beforeAll(async () => {
		// Inside the project (test-output/ is ignored, and untracked): Astro resolves chapter modules only under
		// the project root, and the background rebuild builds this content.
		root = join(projectRoot, 'test-output', `cms-${database.name}`);
		rmSync(root, { recursive: true, force: true });
		mkdirSync(join(root, 'content'), { recursive: true });
		cpSync(join(projectRoot, 'content/policies'), join(root, 'content/policies'), { recursive: true });
		cpSync(join(projectRoot, 'content/training'), join(root, 'content/training'), { recursive: true });
		cpSync(join(projectRoot, 'quizzes'), join(root, 'quizzes'), { recursive: true });
		// The reviewer is not HR: policy.yaml names them, as reviewer and approver, and that lets them in.
		const policyYaml = join(root, 'content/policies', policy, 'policy.yaml');
		writeFileSync(
			policyYaml,
			`${readFileSync(policyYaml, 'utf8')}reviewers:\n  - reviewer@example.com\napprovers:\n  - reviewer@example.com\n`,
		);
		git(root, 'init', '--quiet');
		git(root, 'add', '.');
		execFileSync('git', ['commit', '--quiet', '-m', 'content as deployed'], {
			cwd: root,
			env: {
				...process.env,
				GIT_AUTHOR_NAME: 'dev',
				GIT_AUTHOR_EMAIL: 'dev@example.com',
				GIT_COMMITTER_NAME: 'dev',
				GIT_COMMITTER_EMAIL: 'dev@example.com',
			},
		});
		const { drop, ...db } = await database.options();
		dropDatabase = drop;
		const dbEnv = db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : { ZHIDU_DB_FILE: db.sqliteFile! };
		const env = {
			...dbEnv,
			ZHIDU_CONTENT_DIR: join(root, 'content/policies'),
			ZHIDU_QUIZZES_DIR: join(root, 'quizzes'),
			...clock.env,
		};
		server = await startServer(env, inject('serverDistDir'));
		const hr = await setUpHr(server);
		const people = [
			{ employeeId: 'Q002', name: '陳審查', email: 'reviewer@example.com', department: '品質部', role: 'staff' },
			{
				employeeId: 'S001',
				name: '王小明',
				email: 'staff@example.com',
				department: '運營部門',
				role: 'staff',
				hireDate: '2026-01-05',
			},
		];
		for (const person of people) {
			const response = await hr.write('/api/v1/people', 'POST', person);
			expect(response.status, await response.clone().text()).toBe(201);
			const set = await zhidu(['users', 'set-password', person.email], {
				env: { ...dbEnv, ZHIDU_NEW_PASSWORD: `${person.employeeId} password` },
			});
			expect(set.status, set.stderr).toBe(0);
		}
		// The staff member passes the quiz on 1.1, the version in force.
		const staff = new Client(server.url);
		expect((await staff.signIn('staff@example.com', 'S001 password')).status).toBe(200);
		const started = (await (await staff.write('/api/v1/attempts', 'POST', { quiz: policy })).json()) as {
			attempt: { id: string; questions: { id: string }[] };
		};
		const graded = await staff.write(`/api/v1/attempts/${started.attempt.id}/submit`, 'POST', {
			answers: rightAnswers(started.attempt.questions),
		});
		expect(((await graded.json()) as { attempt: { passed: boolean } }).attempt.passed).toBe(true);
	}, 300_000);

	afterAll(async () => {
		await server?.stop();
		if (building) releaseBuildLock();
		await dropDatabase();
		// The folder stays until the next run: Astro's content cache may still name its files.
	});

	const signIn = async (context: BrowserContext, email: string, password: string, next: string) => {
		const page = await context.newPage();
		await page.goto(`${server.url}/login/?next=${encodeURIComponent(next)}`);
		await page.getByLabel('電子郵件').fill(email);
		await page.getByLabel('密碼').fill(password);
		await page.getByRole('button', { name: '登入' }).click();
		await page.waitForURL((url) => url.pathname === next);
		return page;
	};
	const commits = () =>
		git(root, 'log', '--format=%an|%s')
			.split('\n')
			.filter((line) => !line.startsWith('dev|'))
			.reverse();
	const save = async (page: Page, clause: string, text: string) => {
		const article = page.locator(`#k-${clause}`);
		await article.locator('textarea[name="text"]').fill(text);
		await article.getByRole('button', { name: '儲存', exact: true }).click();
		await page.waitForURL(/#k-/);
		await page.waitForLoadState();
	};
	const editorUrl = `/hr/policies/${policy}/1.2/`;

	// The whole revision plays on SQLite, the store `npm start` opens; PostgreSQL gets the editor's stale save below.
	// Each step's domain functions and views run on both stores in the unit lane (test/lib/cms-approval.test.ts,
	// test/lib/cms-views.test.ts), the review page's access on both in the server lane
	// (test/security/review-access.test.ts): a second play, with its own build, doubled the run's longest file.
	if (database.name === 'sqlite')
		it('plays the whole revision as HR would', { timeout: 900_000 }, async () => {
			const author = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const page = await signIn(author, 'hr@example.com', 'first hr password', '/hr/policies/');

			// Upload a revised .docx: the next draft, clause ids kept, the import report on screen.
			const card = page.locator(`[data-policy="${policy}"]`);
			await card.locator('input[type="file"]').setInputFiles({
				name: '醫藥公司運營部門制度-修訂.docx',
				mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
				buffer: await revisedDocx(),
			});
			await card.getByRole('button', { name: '上傳為下一版草稿' }).click();
			await page.locator('.import-report').waitFor();
			expect(await page.locator('.import-report pre').innerText()).toMatch(/Aligned with 1\.1|reworded/);
			await page.getByRole('link', { name: '開啟 1.2 版草稿' }).click();
			await page.waitForURL((url) => url.pathname === editorUrl);

			// Edit two clauses, insert one, move one (chapter 一、總則 opens first).
			await save(page, 'c-1-3-2', '優化工作流程,減少不必要的環節,提高運營效率,於三個工作日內響應市場變化。');
			await save(page, 'c-1-3-4', '鼓勵員工積極創新,探索新的運營模式和方法,並每季提出改善建議。');
			const innovate = page.locator('#k-c-1-3-4');
			await innovate.locator('summary', { hasText: '插入條文' }).click();
			await innovate
				.locator('details.insert textarea[name="newText"]')
				.fill('誠信原則:如實記錄與報告運營數據,不得隱瞞或虛構。');
			await innovate.getByRole('button', { name: '插入', exact: true }).click();
			await page.waitForLoadState();
			expect(
				await page
					.locator('textarea[name="text"]')
					.evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value)),
			).toContain('誠信原則:如實記錄與報告運營數據,不得隱瞞或虛構。');
			await page.locator('#k-c-1-3-1').getByRole('button', { name: '下移' }).click();
			await page.waitForLoadState();
			const order = await page.locator('[data-clause]').evaluateAll((els) => els.map((e) => e.id));
			expect(order.indexOf('k-c-1-3-1')).toBe(order.indexOf('k-c-1-3-2') + 1);

			// Move one into another section with "move to…", by keyboard: 協作原則 to the end of 適用範圍.
			const cooperate = page.locator('#k-c-1-3-3');
			await cooperate.locator('summary', { hasText: '移到其他節…' }).focus();
			await page.keyboard.press('Enter');
			const target = cooperate.getByLabel('移到', { exact: true });
			const scope = (await target.locator('option', { hasText: '適用範圍' }).first().innerText()).trim();
			await target.focus();
			await target.selectOption({ label: scope });
			await cooperate.getByLabel('該節末尾').check();
			await cooperate.getByRole('button', { name: '移動條文' }).focus();
			await page.keyboard.press('Enter');
			await page.waitForURL(/#k-c-1-3-3$/);
			await page.waitForLoadState();
			expect(await page.locator('#k-s-1-2 [data-clause]').evaluateAll((els) => els.map((e) => e.id))).toEqual([
				'k-c-1-2-1',
				'k-c-1-3-3',
			]);
			expect(await page.locator('#k-s-1-3 #k-c-1-3-3').count()).toBe(0);

			// Confirm the quiz questions that cite changed clauses.
			const confirm = page.locator('#reviews button[value="confirm-review"]');
			await expect.poll(() => confirm.count(), { timeout: 60_000 }).toBeGreaterThan(0);
			while ((await confirm.count()) > 0) {
				await confirm.first().click();
				await page.waitForLoadState();
			}
			await page
				.getByLabel('修訂摘要（每行一項）')
				.fill('年度調研計劃改於一月底前制定；效率與創新原則修訂；新增誠信原則。');
			await page.locator('form:has(textarea[name="changeSummary"]) button[value="set-summary"]').click();
			await page.waitForLoadState();
			expect(await page.locator('#blockers-title + *').innerText()).toBe('沒有阻礙核准的事項。');
			await page.getByRole('button', { name: '送審' }).click();
			await page.waitForLoadState();
			await expect.poll(() => page.locator('h1 .state').innerText(), { timeout: 60_000 }).toBe('審查中');

			// The reviewer (staff, named in policy.yaml) reads the version without editing controls, comments on a
			// clause and requests changes; the policy list stays HR's.
			const reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const reviewer = await signIn(reviewerContext, 'reviewer@example.com', 'Q002 password', editorUrl);
			expect(await reviewer.locator('[data-clause-form], details.insert, [data-move-to]').count()).toBe(0);
			expect(await reviewer.locator('[data-reviewer-notice]').count()).toBe(1);
			expect((await reviewer.request.get(`${server.url}/hr/policies/`)).status()).toBe(403);
			await reviewer.locator('#k-c-1-3-2 textarea[name="body"]').fill('「三個工作日」請改為「兩個工作日」。');
			await reviewer.locator('#k-c-1-3-2').getByRole('button', { name: '留下意見' }).click();
			await reviewer.waitForLoadState();
			await reviewer.locator('#review textarea[name="body"]').fill('請依條文旁的意見修改。');
			await reviewer.getByRole('button', { name: '退回修改' }).click();
			await reviewer.waitForLoadState();
			await expect.poll(() => reviewer.locator('h1 .state').innerText(), { timeout: 60_000 }).toBe('草稿');

			// The author sees the comment beside the clause, fixes it and submits again.
			await page.goto(`${server.url}${editorUrl}`);
			expect(await page.locator('#k-c-1-3-2 .comment').innerText()).toContain('兩個工作日');
			await save(page, 'c-1-3-2', '優化工作流程,減少不必要的環節,提高運營效率,於兩個工作日內響應市場變化。');
			await page.getByRole('button', { name: '送審' }).click();
			await page.waitForLoadState();
			await expect.poll(() => page.locator('h1 .state').innerText(), { timeout: 60_000 }).toBe('審查中');
			// The author edited it: no signing for them.
			expect(await page.locator('#signatures').innerText()).toContain('您不能簽核此版本');

			// A second person signs with their password: a wrong one first, refused.
			await reviewer.goto(`${server.url}${editorUrl}`);
			await reviewer.getByRole('button', { name: '簽核' }).click();
			const dialog = reviewer.locator('[data-sign-dialog]');
			await dialog.getByLabel('請再次輸入您的密碼').fill('not my password');
			await dialog.getByRole('button', { name: '簽署' }).click();
			await reviewer.waitForLoadState();
			expect(await reviewer.locator('.problems').innerText()).toContain('密碼不正確');
			await dialog.getByLabel('請再次輸入您的密碼').fill('Q002 password');
			expect(await dialog.locator('input[name="effective"]').inputValue()).toBe('2026-12-02');
			// The approval starts the server's build: no test builds meanwhile (test/support/build-lock.ts).
			await acquireBuildLockAsync();
			building = true;
			await dialog.getByRole('button', { name: '簽署' }).click();
			await reviewer.waitForLoadState();
			await expect.poll(() => reviewer.locator('h1 .state').innerText(), { timeout: 60_000 }).toBe('已核准');
			expect(await reviewer.locator('#signatures [data-signature]').innerText()).toMatch(/陳審查.*2026.*核准/);

			// The site is rebuilt in the background and swapped in: 1.2's chapters are served, scheduled for tomorrow.
			const chapterUrl = `${server.url}/policies/${policy}/1.2/ch-1/`;
			await expect
				.poll(async () => (await reviewer.request.get(chapterUrl)).status(), { timeout: 600_000, interval: 500 })
				.toBe(200);
			building = false;
			releaseBuildLock();

			// The git log of the content shows each step with its author.
			const log = commits();
			expect(log[0]).toBe(`林人資|${policy} 1.2: new draft uploaded from 醫藥公司運營部門制度-修訂.docx`);
			expect(log).toContain(`陳審查|${policy} 1.2: changes requested, back to draft (2 comments)`);
			expect(log.filter((l) => l.startsWith(`林人資|${policy} 1.2: edit clause`))).toHaveLength(3);
			expect(log.some((l) => /^林人資\|.*insert clause/.test(l))).toBe(true);
			expect(log.filter((l) => /^林人資\|.*move clause/.test(l))).toHaveLength(2);
			expect(log.some((l) => /^林人資\|.*(confirmed|edited) quiz/.test(l))).toBe(true);
			expect(log.filter((l) => /^林人資\|.*submitted for review/.test(l))).toHaveLength(2);
			expect(log.at(-1)).toMatch(
				new RegExp(`^陳審查\\|${policy} 1.2: approved, signed by 陳審查 \\(核准\\), effective 2026-12-02`),
			);

			// The next day (moved clock): 1.2 is in force; staff see the redline and their new duty.
			clock.onDay('2026-12-02');
			const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
			const staff = await signIn(staffContext, 'staff@example.com', 'S001 password', '/me/training/');
			const training = await staff.locator('main').innerText();
			expect(training).toContain('1.2');
			expect(await staff.locator('.change').count()).toBeGreaterThan(0);
			// The redline marks words inside the text (ins/del), so the new wording is checked by its clause.
			expect(training).toContain('自您通過的 1.1 版以來的修訂');
			expect(training).toMatch(/實質修訂了測驗涵蓋的條文：.*效率原則/);

			// The printed version shows the signature.
			await staff.goto(`${server.url}/policies/${policy}/1.2/print/`);
			expect(await staff.locator('body').innerText()).toMatch(/陳審查.*核准/);
			await Promise.all([author.close(), reviewerContext.close(), staffContext.close()]);
		});

	it('refuses a stale save from a second tab with what changed and who, keeping the typed text', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		const page = await signIn(context, 'hr@example.com', 'first hr password', '/hr/policies/');
		const card = page.locator('[data-policy="operating-model-process"]');
		await card.getByRole('button', { name: '修訂（建立下一版草稿）' }).click();
		await page.waitForURL(/\/hr\/policies\/operating-model-process\/1\.2\/$/);
		const other = await context.newPage();
		await other.goto(page.url());
		const first = await page.locator('[data-clause]').first().getAttribute('id');
		await save(page, first!.slice(2), '第一個分頁儲存的文字。');
		const stale = other.locator(`#${first}`);
		await stale.locator('textarea[name="text"]').fill('第二個分頁的文字');
		await stale.getByRole('button', { name: '儲存', exact: true }).click();
		const conflict = other.locator('[data-conflict]');
		await conflict.waitFor();
		const said = await conflict.innerText();
		expect(said).toContain('林人資');
		expect(said).toContain('第一個分頁儲存的文字。');
		expect(await conflict.locator('textarea').inputValue()).toBe('第二個分頁的文字');
		// The typed text stays in the field, to be saved again knowingly; the panel shows what it would replace.
		expect(await other.locator(`#${first} textarea[name="text"]`).inputValue()).toBe('第二個分頁的文字');
		await context.close();
	});
});
