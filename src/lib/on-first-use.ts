/**
 * A package a process may never need, loaded on its first use rather than when the process starts: the MDX parser
 * (the parse memo usually spares it), diff, the CSV encodings, OpenCC. A server start or a CLI run then loads about
 * 160 modules fewer (docs/bench.md). Node 24's require() loads an ES module synchronously, so callers stay synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function onFirstUse<T>(specifier: string): () => T {
	let loaded: { value: T } | undefined;
	return () => (loaded ??= { value: require(specifier) as T }).value;
}
