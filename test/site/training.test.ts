/**
 * Training material in the built site: every 1.1 chapter carries it in boxes
 * that are not printed (no-print) and not indexed (data-pagefind-ignore); its
 * text never reaches the search index; its practice questions are never
 * certification questions; and the new-hire path page links the chapters in
 * the version in force and the quizzes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { unpackSearchIndex } from '#lib/search/clause-index.ts';
import { readSearchIndex } from '#lib/search/from-content.ts';
import { projectRoot } from '../support/build-site.ts';
import { fetchText } from '../support/on-demand.ts';
import { serveSite, type ServedSite } from '../support/site-server.ts';

const siteDir = inject('siteDir');
const page = (path: string) => readFileSync(join(siteDir, path, 'index.html'), 'utf8');
const policies = loadContentOrThrow({ policiesDir: join(projectRoot, 'content/policies'), root: projectRoot });

const decode = (html: string) =>
	html
		.replace(/<[^>]+>/g, '')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&')
		.trim();
/** The opening tags of the training boxes (one <aside> each; they never nest). */
const boxTags = (html: string) => [...html.matchAll(/<aside\b[^>]*\bclass="training\b[^"]*"[^>]*>/g)].map((m) => m[0]);
const boxes = (html: string) =>
	[...html.matchAll(/<aside\b[^>]*\bclass="training\b[^"]*"[^>]*>[\s\S]*?<\/aside>/g)].map((m) => m[0]);
const kinds = (html: string) => boxTags(html).map((tag) => /data-training="([^"]+)"/.exec(tag)![1]!);
const questions = (html: string) =>
	[...html.matchAll(/<p class="kc-question"[^>]*>([\s\S]*?)<\/p>/g)].map((m) => decode(m[1]!));
const scenarioTitles = (html: string) =>
	[...html.matchAll(/<p class="scenario-title"[^>]*>([\s\S]*?)<\/p>/g)].map((m) => decode(m[1]!));

const chapterPages = policies.flatMap((policy) =>
	policy.versions.flatMap((version) =>
		version.chapters.map(({ chapter }) => ({
			policy: policy.id,
			version: version.meta.version,
			chapter: chapter.id,
			html: page(`policies/${policy.id}/${version.meta.version}/${chapter.id}`),
		})),
	),
);
const v11 = chapterPages.filter((p) => p.version === '1.1');

describe('training boxes on chapter pages', () => {
	it('every 1.1 chapter opens with learning objectives; 1.0 has no training material', () => {
		expect(v11.length).toBe(14);
		for (const { policy, chapter, html } of v11) {
			expect(kinds(html)[0], `${policy} ${chapter}`).toBe('objectives');
			// The objectives come before the first section of policy text.
			expect(html.indexOf('data-training="objectives"')).toBeLessThan(html.indexOf('<section class="section"'));
		}
		for (const { html } of chapterPages.filter((p) => p.version === '1.0')) expect(boxTags(html)).toEqual([]);
	});

	it('every box is labelled training, not printed and not indexed by Pagefind', () => {
		const html = page('policies/pharma-operations-department/1.1/ch-7');
		expect(kinds(html)).toEqual(['objectives', 'key-points', 'check', 'scenario', 'check']);
		for (const { html } of v11) {
			for (const tag of boxTags(html)) {
				expect(tag).toMatch(/\bclass="training no-print\b/);
				expect(tag).toMatch(/\bdata-pagefind-ignore\b/);
				expect(tag).toMatch(/\baria-label="培訓：[^"]+"/);
				expect(tag).toMatch(/\brole="note"/);
			}
			for (const box of boxes(html)) expect(box).toMatch(/<span class="training-tag"[^>]*>培訓<\/span>/);
		}
	});

	it('has what the training plan asks for in each policy', () => {
		for (const policy of policies) {
			const pages = v11.filter((p) => p.policy === policy.id);
			const count = (kind: string) => pages.reduce((n, p) => n + kinds(p.html).filter((k) => k === kind).length, 0);
			expect(count('objectives'), policy.id).toBe(pages.length);
			expect(count('check'), policy.id).toBeGreaterThanOrEqual(6);
			expect(count('scenario'), policy.id).toBeGreaterThanOrEqual(Math.ceil(pages.length / 2));
			expect(count('key-points'), policy.id).toBeGreaterThan(0);
		}
	});

	it('scenarios hide the right action in a <details>; checks work without JavaScript through "show answer"', () => {
		const html = page('policies/pharma-operations-department/1.1/ch-7');
		const scenario = boxes(html).find((b) => b.includes('data-training="scenario"'))!;
		expect(scenario).toMatch(/<details class="training-action"[^>]*><summary[^>]*>查看正確做法<\/summary>/);
		const check = boxes(html).find((b) => b.includes('data-training="check"'))!;
		expect(check).toMatch(/<details class="kc-reveal"[^>]*><summary[^>]*>顯示答案<\/summary>\s*<p[^>]*>正確答案：B\. /);
		// No inline event handlers (the CSP forbids them).
		for (const { html } of v11) expect(html).not.toMatch(/<[^>]+\son[a-z]+=/);
	});

	it('the print page holds the boxes only with no-print', () => {
		const html = page('policies/pharma-operations-department/1.1/print');
		const tags = boxTags(html);
		expect(tags.length).toBeGreaterThan(8);
		for (const tag of tags) expect(tag).toMatch(/\bclass="training no-print\b/);
	});
});

describe('training text is not policy text', () => {
	const training = v11.flatMap(({ html }) => [...questions(html), ...scenarioTitles(html)]);

	it('never reaches the search index', () => {
		const { file: stored, readChunk } = readSearchIndex(join(siteDir, '..'))!;
		const file = unpackSearchIndex(stored, readChunk);
		expect(training.length).toBeGreaterThan(20);
		const indexed = file.documents.map((d) => `${d.chapterTitle} ${d.sectionTitle ?? ''} ${d.text}`).join('\n');
		for (const text of [...training, '學習目標', '重點整理', '情境演練', '隨堂練習', '查看正確做法']) {
			expect(indexed, text).not.toContain(text);
		}
	});

	const quizzesDir = join(projectRoot, 'quizzes');
	const quizFiles = readdirSync(quizzesDir).filter((n) => /\.ya?ml$/.test(n));
	it('knowledge checks never repeat a certification question', () => {
		expect(quizFiles.length).toBeGreaterThan(0);
		const normalize = (text: string) => text.replace(/\s+/g, '');
		const prompts = new Set(
			quizFiles.flatMap((name) => {
				const quiz = parseYaml(readFileSync(join(quizzesDir, name), 'utf8')) as { questions?: { prompt?: string }[] };
				return (quiz.questions ?? []).map((q) => normalize(String(q.prompt ?? '')));
			}),
		);
		expect(prompts.size).toBeGreaterThan(0);
		const checks = v11.flatMap(({ html }) => questions(html));
		expect(checks.length).toBeGreaterThanOrEqual(12);
		for (const question of checks) expect(prompts.has(normalize(question)), question).toBe(false);
	});
});

describe('the new-hire training path page (rendered on demand)', () => {
	let site: ServedSite;
	let html: string;
	beforeAll(async () => {
		site = await serveSite(siteDir);
		html = await fetchText(site.url, '/training/new-hire/');
	});
	afterAll(async () => {
		await site?.close();
	});

	it('lists the chapters in the version in force, then the quizzes with an empty status slot', () => {
		expect(html).toMatch(/<h1[^>]*>新進人員培訓路徑<\/h1>/);
		const links = [...html.matchAll(/href="(\/(?:policies|quizzes)\/[^"]+)"/g)].map((m) => m[1]!);
		const chapters = links.filter((href) => /\/ch-\d+\/$/.test(href));
		expect(chapters).toHaveLength(14);
		expect(chapters[0]).toBe('/policies/pharma-operations-department/1.1/ch-1/');
		expect(chapters.at(-1)).toBe('/policies/operating-model-process/1.1/ch-6/');
		const quizzes = links.filter((href) => href.startsWith('/quizzes/'));
		expect(quizzes).toEqual(['/quizzes/pharma-operations-department/', '/quizzes/operating-model-process/']);
		expect(links.indexOf(quizzes[0]!)).toBeGreaterThan(links.indexOf(chapters.at(-1)!));
		for (const id of ['pharma-operations-department', 'operating-model-process']) {
			expect(html).toMatch(new RegExp(`<span class="quiz-status"[^>]*data-quiz-status="${id}"[^>]*></span>`));
		}
		expect(html).toContain('一、總則');
	});

	it('is linked from the home page', async () => {
		expect(await fetchText(site.url, '/')).toMatch(/<a href="\/training\/new-hire\/"[^>]*>新進人員培訓路徑<\/a>/);
	});
});
