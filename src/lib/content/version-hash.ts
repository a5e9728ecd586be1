/**
 * The hash of a version's plain text (title, numbers, titles, clause text):
 * what reviewers approved and what an acknowledgement records a person read.
 */
import { sha256 } from '../auth/secrets.ts';
import type { LoadedPolicy, LoadedVersion } from './loader.ts';
import { versionToPlainText } from './plain-text.ts';

/** Per loaded version (and policy title): the text is hashed once, not on every acknowledgement. */
const hashes = new WeakMap<LoadedVersion, { title: string; hash: string }>();

export function versionHash(policy: LoadedPolicy, version: LoadedVersion | string): string {
	const loaded = typeof version === 'string' ? policy.versions.find((v) => v.meta.version === version) : version;
	if (!loaded) throw new Error(`${policy.id} has no version ${String(version)}`);
	const kept = hashes.get(loaded);
	if (kept && kept.title === policy.meta.title) return kept.hash;
	const hash = sha256(
		versionToPlainText(
			policy.meta.title,
			loaded.chapters.map((c) => c.chapter),
			loaded.numbers,
		),
	);
	hashes.set(loaded, { title: policy.meta.title, hash });
	return hash;
}
