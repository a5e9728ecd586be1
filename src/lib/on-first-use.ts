/**
 * A package a process may never need, loaded on its first use rather than when the process starts: the MDX parser and
 * yaml (the content cache usually spares them), diff, the CSV encodings, OpenCC, ws. A warm server start loads 552
 * modules instead of 817 (docs/bench.md, "Eighth look"). Node 24's require() loads an ES module synchronously, so the
 * callers stay synchronous; a caller that is async anyway uses a dynamic import().
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function onFirstUse<T>(specifier: string): () => T {
	let loaded: { value: T } | undefined;
	return () => (loaded ??= { value: require(specifier) as T }).value;
}
