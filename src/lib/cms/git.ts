/**
 * Content stays files under git: every change made in the browser is a commit in the repository that
 * holds the content folder, with the person as author. The git CLI (already needed by every developer
 * and CI) rather than a library: it honours the repository's own configuration, worktrees and
 * `.gitignore` exactly as the developers' git does, and needs no new dependency.
 *
 * Calls are synchronous on purpose: a browser change writes its files and commits them before the
 * request answers, so two changes never interleave within one process (git's index lock would refuse
 * the second anyway).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

export class ContentGitError extends Error {
	override name = 'ContentGitError';
}

export interface ContentRepository {
	/** The repository's working tree (top level). */
	root: string;
	/** True when the server created it because the content folder was in no repository at all. */
	initialised: boolean;
}

export interface GitAuthor {
	name: string;
	email: string;
}

export interface ContentCommit {
	id: string;
	author: string;
	email: string;
	/** ISO instant of the commit. */
	date: string;
	message: string;
	/** Files the commit touched, relative to the repository root. */
	files: string[];
}

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
	try {
		return execFileSync('git', args, {
			cwd,
			encoding: 'utf8',
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
			maxBuffer: 64 * 1024 * 1024,
		});
	} catch (error) {
		const e = error as { stderr?: string; message: string };
		throw new ContentGitError(`git ${args[0]}: ${(e.stderr || e.message).trim()}`);
	}
}

const repositories = new Map<string, ContentRepository>();

/**
 * The repository holding `contentDir`. When the folder is in none, one is initialised there (never
 * nested inside another repository's working tree: git found none above it) and `initialised` says so.
 */
export function contentRepository(
	contentDir: string,
	options: { log?: (line: string) => void } = {},
): ContentRepository {
	const dir = resolve(contentDir);
	const known = repositories.get(dir);
	if (known) return known;
	if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
	let found: ContentRepository;
	try {
		found = { root: git(dir, ['rev-parse', '--show-toplevel']).trim(), initialised: false };
	} catch {
		git(dir, ['init', '--quiet']);
		found = { root: git(dir, ['rev-parse', '--show-toplevel']).trim(), initialised: true };
		(options.log ?? console.log)(
			`zhidu: ${dir} was in no git repository; initialised one there so every browser change is a commit`,
		);
	}
	repositories.set(dir, found);
	return found;
}

const inside = (root: string, path: string) => {
	const rel = relative(root, path);
	return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
};

/**
 * Commits exactly `paths` (files or folders, added, changed or removed) with `author` as author and
 * committer; other staged or changed files of the repository are left as they are. Returns the commit id,
 * or undefined when nothing under `paths` changed.
 */
export function commitContent(
	repository: ContentRepository,
	paths: readonly string[],
	author: GitAuthor,
	message: string,
): string | undefined {
	const rel = paths.map((p) => {
		const absolute = resolve(p);
		if (!inside(repository.root, absolute))
			throw new ContentGitError(`${absolute} is outside the content repository ${repository.root}`);
		return relative(repository.root, absolute) || '.';
	});
	git(repository.root, ['add', '--all', '--', ...rel]);
	const staged = git(repository.root, ['diff', '--cached', '--name-only', '--', ...rel]).trim();
	if (!staged) return undefined;
	const identity = {
		GIT_AUTHOR_NAME: author.name,
		GIT_AUTHOR_EMAIL: author.email,
		GIT_COMMITTER_NAME: author.name,
		GIT_COMMITTER_EMAIL: author.email,
	};
	// --no-verify: developers' hooks (formatters, linters of code) are not the server's to run on content.
	git(repository.root, ['commit', '--quiet', '--no-verify', '--only', '-m', message, '--', ...rel], identity);
	return git(repository.root, ['rev-parse', 'HEAD']).trim();
}

const fieldSeparator = '\x1f';
const recordSeparator = '\x1e';

/** The commits that touched `path` (newest first), with the files each touched. */
export function contentHistory(repository: ContentRepository, path: string, limit = 200): ContentCommit[] {
	const rel = relative(repository.root, resolve(path)) || '.';
	let out: string;
	try {
		out = git(repository.root, [
			'log',
			`--max-count=${limit}`,
			'--name-only',
			`--format=${recordSeparator}%H${fieldSeparator}%an${fieldSeparator}%ae${fieldSeparator}%aI${fieldSeparator}%B${fieldSeparator}`,
			'--',
			rel,
		]);
	} catch (error) {
		// A repository without commits yet has no history.
		if (/does not have any commits|bad default revision|unknown revision/.test((error as Error).message)) return [];
		throw error;
	}
	return out
		.split(recordSeparator)
		.filter((r) => r.trim())
		.map((record) => {
			const [id, name, email, date, message, files] = record.split(fieldSeparator);
			return {
				id: id!,
				author: name!,
				email: email!,
				date: date!,
				message: message!.trim(),
				files: (files ?? '')
					.split('\n')
					.map((f) => f.trim())
					.filter(Boolean),
			};
		});
}

/** A file's text at a commit (undefined when it did not exist there). */
export function fileAt(repository: ContentRepository, commit: string, path: string): string | undefined {
	const rel = relative(repository.root, resolve(path)).split(sep).join('/');
	try {
		return git(repository.root, ['show', `${commit}:${rel}`]);
	} catch {
		return undefined;
	}
}

/** Pushes the content repository's current branch to `remote` (several instances share one remote). */
export function pushContent(repository: ContentRepository, remote: string): void {
	git(repository.root, ['push', '--quiet', remote, 'HEAD']);
}

/** Pulls `remote` into the content repository, fast-forward only (instances never write the same commit). */
export function pullContent(repository: ContentRepository, remote: string): void {
	git(repository.root, ['pull', '--quiet', '--ff-only', remote, 'HEAD']);
}
