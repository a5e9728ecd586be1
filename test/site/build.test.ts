/** The built site: a page for every chapter of both policies, read from the real build. */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { walkClauses } from '#lib/content/clause-tree.ts';
import { currentStamp, readStamp, staleReason } from '#integrations/build-stamp.ts';
import { buildSite, projectRoot } from '../support/build-site.ts';

const siteDir = inject('siteDir');
const page = (path: string) => readFileSync(join(siteDir, path, 'index.html'), 'utf8');
const policies = loadContentOrThrow();

describe('the built site', () => {
	it('has a page for every chapter of every approved version, with every clause anchored by its id', () => {
		let chapters = 0;
		for (const policy of policies) {
			for (const version of policy.versions) {
				for (const { chapter } of version.chapters) {
					const html = page(`policies/${policy.id}/${version.meta.version}/${chapter.id}`);
					expect(html).toContain(`lang="zh-Hant-TW"`);
					expect(html).toContain(chapter.title);
					for (const section of chapter.sections) expect(html).toContain(`id="${section.id}"`);
					for (const { clause } of walkClauses(chapter)) expect(html).toContain(`id="${clause.id}"`);
					chapters += 1;
				}
			}
		}
		// 8 + 6 chapters, each in 1.0 and 1.1.
		expect(chapters).toBe(28);
	});

	it('renders template blanks as labelled blanks, never as brackets', () => {
		const html = page('policies/operating-model-process/1.1/ch-2');
		expect(html).toMatch(/class="blank"[^>]*>待填寫[:：] ?具體運營模式名稱</);
		expect(html).not.toContain('[具體運營模式名稱]');
	});

	it('says where the source breaks off, and never shows the omitted fragment', () => {
		const html = page('policies/pharma-operations-department/1.1/ch-8');
		expect(html).toContain('原始文件至此中斷');
		expect(html).not.toContain('了解員');
	});

	it('shows derived numbers and source titles: 一、總則, (三)基本原則, 1.合法性原則:', () => {
		const text = page('policies/pharma-operations-department/1.1/ch-1').replace(/<[^>]+>/g, '');
		expect(text).toContain('一、總則');
		expect(text).toMatch(/\(三\)\s*基本原則/);
		expect(text).toMatch(/1\.\s*合法性原則:\s*嚴格遵守/);
	});

	it('shows 未載明 where the source states no approval', () => {
		// The version page (prerendered) states the approval; the overview is rendered on demand.
		expect(page('policies/pharma-operations-department/1.1')).toContain('未載明');
	});
});

describe('astro build on broken content', () => {
	it('fails, naming the file, the field and the reason', { timeout: 300_000 }, () => {
		const root = mkdtempSync(join(tmpdir(), 'zhidu-broken-'));
		const policiesDir = join(root, 'policies');
		cpSync(join(projectRoot, 'test/fixtures/content/policies'), policiesDir, { recursive: true });
		const file = join(policiesDir, 'leave-policy/1.1/version.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('status: approved', 'status: publish'));
		const { status, output } = buildSite(join(root, 'out'), { ZHIDU_CONTENT_DIR: policiesDir });
		expect(status).not.toBe(0);
		expect(output).toMatch(/leave-policy\/1\.1\/version\.yaml: status: /);
		expect(existsSync(join(root, 'out/client/index.html'))).toBe(false);
	});
});

async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

describe('npm start', () => {
	it('the build stamps what it was made from, so npm start can tell when it is stale', () => {
		// The integration wrote the stamp; it matches what a build with the same environment would be made from.
		const distDir = inject('serverDistDir');
		expect(readStamp(distDir)).toEqual(currentStamp(projectRoot, process.env));
		expect(staleReason(distDir, currentStamp(projectRoot, process.env))).toBeUndefined();
		expect(staleReason(distDir, currentStamp(projectRoot, { ...process.env, ZHIDU_UI_LANG: 'en' }))).toMatch(
			/^ZHIDU_UI_LANG changed/,
		);
	});

	it('serves an up-to-date build without rebuilding it: every chapter on HOST:PORT', async () => {
		// Never let it rebuild the build other tests are reading (e.g. after a source edit during the run).
		expect(staleReason(inject('serverDistDir'), currentStamp(projectRoot, process.env))).toBeUndefined();
		const port = await freePort();
		const child = spawn(process.execPath, ['scripts/start.ts'], {
			cwd: projectRoot,
			env: {
				...process.env,
				HOST: '127.0.0.1',
				PORT: String(port),
				// The build the test run made of content/policies, with this environment.
				ZHIDU_DIST_DIR: inject('serverDistDir'),
				ZHIDU_READ: 'public',
				ZHIDU_DB_FILE: join(mkdtempSync(join(tmpdir(), 'zhidu-start-')), 'zhidu.db'),
			},
			stdio: 'pipe',
		});
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		try {
			const base = `http://127.0.0.1:${port}`;
			const deadline = Date.now() + 120_000;
			let home: Response | undefined;
			while (Date.now() < deadline) {
				home = await fetch(base).catch(() => undefined);
				if (home) break;
				await new Promise((r) => setTimeout(r, 250));
			}
			expect(home?.status, output).toBe(200);
			expect(output).toContain('is up to date');
			for (const policy of policies) {
				const version = policy.versions.at(-1)!;
				for (const { chapter } of version.chapters) {
					const res = await fetch(`${base}/policies/${policy.id}/${version.meta.version}/${chapter.id}/`);
					expect(res.status).toBe(200);
					expect(await res.text()).toContain(chapter.title);
				}
			}
		} finally {
			child.kill('SIGTERM');
			await new Promise((r) => child.once('exit', r));
		}
	}, 180_000);
});
