/**
 * Build benchmark: `npm run bench [-- --policies N]`.
 *
 * Makes a synthetic corpus from the real policies in content/policies (every
 * version, every chapter) replicated into N policies with distinct ids
 * (`bench-001-pharma-operations-department`, …), each copy with its own small
 * edits (its title, and one character per chapter of its newest version, a
 * different position and character per copy) so no two policies are
 * identical. The default N gives about 1,000 chapter pages. Builds it with
 * `astro build` into a temporary folder and prints figures: build time, page
 * counts, output size, and what one chapter page weighs (HTML, the JavaScript
 * it loads, its CSS; raw and gzipped). Prints figures only, asserts nothing.
 * The temporary folder (corpus and build) is removed afterwards.
 */
import { spawn } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const projectRoot = resolve(import.meta.dirname, '..');
const astroBin = realpathSync(join(projectRoot, 'node_modules/.bin/astro'));
const sourceDir = join(projectRoot, 'content/policies');
const targetChapterPages = 1000;

const usage = `Usage: npm run bench [-- --policies N]

Builds a synthetic corpus of N policies (copies of the policies in content/policies,
each with small edits) and prints build time, page counts and page weights.
  --policies N   number of policies (default: enough for about ${targetChapterPages} chapter pages)
  --keep         keep the temporary corpus and build (their folder is printed)`;

// ---------------------------------------------------------------- the corpus

interface SourcePolicy {
	id: string;
	policyYaml: string;
	/** Version folder name → files in it (name → text). */
	versions: Map<string, Map<string, string>>;
	chapterPages: number;
}

function readSources(): SourcePolicy[] {
	return readdirSync(sourceDir)
		.sort()
		.filter((id) => statSync(join(sourceDir, id)).isDirectory())
		.map((id) => {
			const versions = new Map<string, Map<string, string>>();
			for (const version of readdirSync(join(sourceDir, id)).sort()) {
				const dir = join(sourceDir, id, version);
				if (!statSync(dir).isDirectory()) continue;
				versions.set(version, new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')])));
			}
			const chapterPages = [...versions.values()].reduce(
				(sum, files) => sum + [...files.keys()].filter((name) => name.endsWith('.mdx')).length,
				0,
			);
			return { id, policyYaml: readFileSync(join(sourceDir, id, 'policy.yaml'), 'utf8'), versions, chapterPages };
		});
}

const replacements = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
const cjk = /[\u4e00-\u9fff]/u;

/**
 * One character of policy text changed: a CJK character on a text line (never
 * frontmatter, never a tag line), its position and replacement picked by
 * `seed`, so every copy differs from every other.
 */
function editOneCharacter(mdx: string, seed: number): string {
	const lines = mdx.split('\n');
	const frontmatterEnd = lines[0] === '---' ? lines.indexOf('---', 1) : -1;
	const spots: [line: number, column: number][] = [];
	lines.forEach((line, index) => {
		if (index <= frontmatterEnd || line.trimStart().startsWith('<')) return;
		[...line].forEach((char, column) => {
			if (cjk.test(char)) spots.push([index, column]);
		});
	});
	if (spots.length === 0) return mdx;
	const [lineIndex, column] = spots[(seed * 7919) % spots.length]!;
	const chars = [...lines[lineIndex]!];
	let replacement = replacements[seed % replacements.length]!;
	if (replacement === chars[column]) replacement = replacements[(seed + 1) % replacements.length]!;
	chars[column] = replacement;
	lines[lineIndex] = chars.join('');
	return lines.join('\n');
}

/** Writes N policies into dir; returns the chapter pages they make (paths under the output folder). */
function writeCorpus(dir: string, sources: SourcePolicy[], count: number): string[] {
	const chapterPages: string[] = [];
	for (let copy = 1; copy <= count; copy += 1) {
		const source = sources[(copy - 1) % sources.length]!;
		const serial = String(copy).padStart(3, '0');
		const id = `bench-${serial}-${source.id}`;
		const policyDir = join(dir, id);
		mkdirSync(policyDir, { recursive: true });
		writeFileSync(
			join(policyDir, 'policy.yaml'),
			source.policyYaml.replace(/^title: *(.+)$/m, (_, title: string) => `title: ${title.trim()}（測試 ${serial}）`),
		);
		const newest = [...source.versions.keys()].at(-1);
		for (const [version, files] of source.versions) {
			mkdirSync(join(policyDir, version));
			let chapter = 0;
			for (const [name, text] of files) {
				const edited =
					version === newest && name.endsWith('.mdx') ? editOneCharacter(text, copy * 31 + chapter++) : text;
				writeFileSync(join(policyDir, version, name), edited);
				const chapterId = name.endsWith('.mdx') && /^id: *["']?([^"'\s]+)/m.exec(text)?.[1];
				if (chapterId) chapterPages.push(join('policies', id, version, chapterId, 'index.html'));
			}
		}
	}
	return chapterPages;
}

// ---------------------------------------------------------------- the build

/** Runs `astro build`, printing its phases and a running page count; resolves with the exit code. */
function build(outDir: string, contentDir: string): Promise<number> {
	return new Promise((done, fail) => {
		const child = spawn(process.execPath, [astroBin, 'build', '--outDir', outDir], {
			cwd: projectRoot,
			env: { ...process.env, ZHIDU_CONTENT_DIR: contentDir, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let pages = 0;
		let warnings = 0;
		let tail: string[] = [];
		let lastReport = Date.now();
		const onLine = (raw: string) => {
			const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
			tail = [...tail.slice(-40), line];
			if (/[├└]─/.test(line)) {
				pages += 1;
				if (pages === 1 || Date.now() - lastReport > 5000) {
					console.log(`  … rendering pages (${pages} so far)`);
					lastReport = Date.now();
				}
			} else if (/\[WARN\]/.test(line)) {
				warnings += 1;
			} else if (/\[(build|content|vite)\]|pagefind|Complete|error/i.test(line) && line.trim()) {
				console.log(`  ${line.trim()}`);
			}
		};
		for (const stream of [child.stdout, child.stderr]) {
			let buffer = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk: string) => {
				buffer += chunk;
				const lines = buffer.split('\n');
				buffer = lines.pop()!;
				lines.forEach(onLine);
			});
			stream.on('end', () => buffer && onLine(buffer));
		}
		child.on('error', fail);
		child.on('close', (code) => {
			if (warnings > 0) console.log(`  (${warnings} build warnings not shown)`);
			if (code !== 0) console.error(tail.join('\n'));
			done(code ?? 1);
		});
	});
}

// ---------------------------------------------------------------- the figures

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
	);
}

const gz = (data: string | Buffer) => gzipSync(data).length;

interface Weight {
	raw: number;
	gzip: number;
}

/**
 * The JavaScript a page loads: its external module scripts and inline scripts,
 * plus every module they import statically (transitively), each file once.
 * Dynamic imports (loaded on demand, e.g. search) are not counted.
 */
function scriptWeight(html: string, pageFile: string, outDir: string): Weight {
	const seen = new Set<string>();
	let raw = 0;
	let gzip = 0;
	const resolveUrl = (url: string, from: string) =>
		url.startsWith('/') ? join(outDir, url.split(/[?#]/)[0]!) : resolve(dirname(from), url.split(/[?#]/)[0]!);
	const staticImports = (code: string) =>
		[...code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["']([^"']+\.m?js)["']/g)].map(
			(m) => m[1]!,
		);
	const addFile = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		let code: string;
		try {
			code = readFileSync(file, 'utf8');
		} catch {
			return; // A reference to something not in the build (an external URL): not ours to weigh.
		}
		raw += Buffer.byteLength(code);
		gzip += gz(code);
		for (const url of staticImports(code)) addFile(resolveUrl(url, file));
	};
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
		const attributes = match[1]!;
		const body = match[2]!;
		if (/type=["']?application\/(ld\+)?json/.test(attributes)) continue;
		const src = /\bsrc=["']?([^"'\s>]+)/.exec(attributes)?.[1];
		if (src) {
			if (!/^https?:/.test(src)) addFile(resolveUrl(src, pageFile));
		} else {
			raw += Buffer.byteLength(body);
			gzip += gz(body);
			for (const url of staticImports(body)) addFile(resolveUrl(url, pageFile));
		}
	}
	return { raw, gzip };
}

/** The CSS a page applies: linked stylesheets and inline <style> blocks. */
function styleWeight(html: string, pageFile: string, outDir: string): Weight {
	let raw = 0;
	let gzip = 0;
	for (const match of html.matchAll(/<link\b[^>]*>/g)) {
		const tag = match[0];
		if (!/rel=["']?stylesheet/.test(tag)) continue;
		const href = /\bhref=["']?([^"'\s>]+)/.exec(tag)?.[1];
		if (!href || /^https?:/.test(href)) continue;
		const file = href.startsWith('/') ? join(outDir, href) : resolve(dirname(pageFile), href);
		const css = readFileSync(file);
		raw += css.length;
		gzip += gz(css);
	}
	for (const match of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)) {
		raw += Buffer.byteLength(match[1]!);
		gzip += gz(match[1]!);
	}
	return { raw, gzip };
}

const kb = (bytes: number) => (bytes < 1024 ? `${Math.round(bytes)} B` : `${(bytes / 1024).toFixed(1)} KiB`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
const range = (values: number[]) => `${kb(Math.min(...values))} … ${kb(Math.max(...values))}`;

function measure(outDir: string, chapterPaths: string[]) {
	const files = walk(outDir);
	const html = files.filter((file) => file.endsWith('.html'));
	const chapterPages = chapterPaths.map((path) => join(outDir, path)).filter((file) => existsSync(file));
	const pages = chapterPages.map((file) => {
		const text = readFileSync(file, 'utf8');
		return {
			html: { raw: Buffer.byteLength(text), gzip: gz(text) },
			js: scriptWeight(text, file, outDir),
			css: styleWeight(text, file, outDir),
		};
	});
	const pick = (f: (p: (typeof pages)[number]) => number) => pages.map(f);
	const chapterSet = new Set(chapterPages);
	const kinds = new Map<string, number>();
	for (const file of html) {
		const path = relative(outDir, file).split(sep).join('/');
		const kind = chapterSet.has(file)
			? 'chapter'
			: /^policies\/[^/]+\/clauses\//.test(path)
				? 'clause alias'
				: /^policies\/[^/]+\/compare\//.test(path)
					? 'compare'
					: /\/print\/index\.html$/.test(path)
						? 'print'
						: /^policies\/[^/]+\/history\/index\.html$/.test(path)
							? 'history'
							: /^policies\/[^/]+\/[^/]+\/index\.html$/.test(path)
								? 'version'
								: /^policies\/[^/]+\/index\.html$/.test(path)
									? 'policy'
									: 'other';
		kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
	}
	// Output bytes by top-level entry (policies/, api/, pagefind/, …), largest first.
	const folders = new Map<string, number>();
	for (const file of files) {
		const top = relative(outDir, file).split(sep)[0]!;
		folders.set(top, (folders.get(top) ?? 0) + statSync(file).size);
	}
	const largest = files
		.map((file) => ({ path: relative(outDir, file).split(sep).join('/'), size: statSync(file).size }))
		.sort((a, b) => b.size - a.size)[0];
	return {
		kinds,
		folders: [...folders].sort((a, b) => b[1] - a[1]).slice(0, 4),
		largest,
		totalPages: html.length,
		chapterPages: chapterPages.length,
		distBytes: files.reduce((sum, file) => sum + statSync(file).size, 0),
		filesCount: files.length,
		html: { raw: pick((p) => p.html.raw), gzip: pick((p) => p.html.gzip) },
		js: { raw: pick((p) => p.js.raw), gzip: pick((p) => p.js.gzip) },
		css: { raw: pick((p) => p.css.raw), gzip: pick((p) => p.css.gzip) },
	};
}

// ---------------------------------------------------------------- main

async function main() {
	const { values } = parseArgs({
		options: { policies: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
	});
	if (values.help) {
		console.log(usage);
		return;
	}
	const sources = readSources();
	if (sources.length === 0) throw new Error(`no policies in ${sourceDir}`);
	const perRound = sources.reduce((sum, s) => sum + s.chapterPages, 0);
	const count = values.policies ? Number(values.policies) : Math.ceil(targetChapterPages / perRound) * sources.length;
	if (!Number.isInteger(count) || count < 1)
		throw new Error(`--policies: expected a positive whole number\n\n${usage}`);

	// A fixed folder, not a fresh random one: Astro's content cache (node_modules/.astro, .astro/) keeps an
	// unchanged chapter's file path from the previous build, so the corpus must be found at the same path
	// every run (a build after a run in another folder fails to resolve the old, deleted files).
	const work = join(tmpdir(), 'zhidu-bench');
	rmSync(work, { recursive: true, force: true });
	mkdirSync(work, { recursive: true });
	const corpusDir = join(work, 'policies');
	const outDir = join(work, 'dist');
	const cleanUp = () => (values.keep ? console.log(`Kept ${work}`) : rmSync(work, { recursive: true, force: true }));
	const interrupted = () => {
		cleanUp();
		process.exit(130);
	};
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	try {
		console.log(`Corpus: ${count} policies from ${sources.map((s) => s.id).join(', ')} → ${corpusDir}`);
		const chapterPaths = writeCorpus(corpusDir, sources, count);
		console.log(`  ${chapterPaths.length} chapters in all versions`);

		console.log(`Building: astro build --outDir ${outDir}`);
		const started = performance.now();
		const code = await build(outDir, corpusDir);
		const seconds = (performance.now() - started) / 1000;
		if (code !== 0) throw new Error(`astro build failed (exit ${code})`);

		console.log('Measuring the output…');
		const m = measure(outDir, chapterPaths);
		if (m.chapterPages !== chapterPaths.length) {
			console.warn(`  note: expected ${chapterPaths.length} chapter pages, found ${m.chapterPages}`);
		}
		const rows: [string, string][] = [
			['Policies', String(count)],
			['Build time', `${seconds.toFixed(1)} s (${((m.totalPages / seconds) | 0).toLocaleString('en')} pages/s)`],
			['Pages (HTML files)', m.totalPages.toLocaleString('en')],
			['Chapter pages', m.chapterPages.toLocaleString('en')],
			[
				'Pages by kind',
				[...m.kinds]
					.sort((a, b) => b[1] - a[1])
					.map(([kind, n]) => `${kind} ${n.toLocaleString('en')}`)
					.join(', '),
			],
			['Output size', `${mb(m.distBytes)} in ${m.filesCount.toLocaleString('en')} files`],
			['Output by folder', m.folders.map(([name, bytes]) => `${name} ${mb(bytes)}`).join(', ')],
			['Largest file', m.largest ? `${m.largest.path} (${mb(m.largest.size)})` : '–'],
			['Chapter page HTML, mean', `${kb(mean(m.html.raw))} raw, ${kb(mean(m.html.gzip))} gzipped`],
			['Chapter page HTML, range', `${range(m.html.raw)} raw`],
			['Chapter page JS, mean', `${kb(mean(m.js.raw))} raw, ${kb(mean(m.js.gzip))} gzipped`],
			['Chapter page CSS, mean', `${kb(mean(m.css.raw))} raw, ${kb(mean(m.css.gzip))} gzipped`],
		];
		const width = Math.max(...rows.map(([label]) => label.length));
		console.log(`\nResults (Node ${process.version}, ${cpus().length} CPUs)`);
		for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
	} finally {
		cleanUp();
		process.off('SIGINT', interrupted);
		process.off('SIGTERM', interrupted);
	}
}

try {
	await main();
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
}
