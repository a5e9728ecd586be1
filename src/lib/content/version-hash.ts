/**
 * The hash of a version's plain text (title, numbers, titles, clause text):
 * what reviewers approved and what an acknowledgement records a person read.
 */
import { sha256 } from '../auth/secrets.ts';
import type { LoadedPolicy, LoadedVersion } from './loader.ts';
import { versionToPlainText } from './plain-text.ts';

export function versionHash(policy: LoadedPolicy, version: LoadedVersion | string): string {
	const loaded = typeof version === 'string' ? policy.versions.find((v) => v.meta.version === version) : version;
	if (!loaded) throw new Error(`${policy.id} has no version ${String(version)}`);
	return sha256(
		versionToPlainText(
			policy.meta.title,
			loaded.chapters.map((c) => c.chapter),
			loaded.numbers,
		),
	);
}
