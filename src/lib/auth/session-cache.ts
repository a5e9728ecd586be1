/**
 * The person behind a live session, kept for a second by token hash: every
 * request asks (a static page too), and reading the person with the role and
 * department in effect (a join over their history) costs more than the rest
 * of a guarded page. Whether the session is still live is not kept: sessionFor
 * reads that from the session's row on every request, so signing out, a new
 * password and leaving end a session at once, on every instance. What may be
 * a second late elsewhere is a role or department change made by another
 * instance; in this one, changes to people forget every entry
 * (`forgetCachedSessions`), and an entry is never used on another company day.
 */
import type { Session } from './sessions.ts';

const KEEP_MS = 1000;
const MAX_ENTRIES = 10_000;

interface Entry {
	session: Session;
	day: string;
	until: number;
	generation: number;
}

/**
 * One per process, on globalThis: the server's pipeline (src/server) and the API routes that change people
 * (the Astro bundle, its own copy of this module) must share it. `generation` is bumped by every change to
 * people: older entries are not used, and one read before it is not kept.
 */
const shared = ((globalThis as { [key: symbol]: unknown })[Symbol.for('zhidu.session-cache')] ??= {
	caches: new WeakMap(),
	generation: 0,
}) as { caches: WeakMap<object, Map<string, Entry>>; generation: number };
const caches = shared.caches;

/** Forgets every kept session person (after a change to people or their sessions). */
export function forgetCachedSessions(): void {
	shared.generation++;
}

export const cacheGeneration = () => shared.generation;

export function cachedSession(store: object, hash: string, day: string): Session | undefined {
	const entry = caches.get(store)?.get(hash);
	if (!entry) return undefined;
	if (entry.generation !== shared.generation || entry.day !== day || entry.until <= performance.now()) {
		caches.get(store)!.delete(hash);
		return undefined;
	}
	return entry.session;
}

/** Keeps a session read at `readAt` (a `cacheGeneration()`), unless people changed meanwhile. */
export function keepSession(store: object, hash: string, day: string, session: Session, readAt: number): void {
	if (readAt !== shared.generation) return;
	let cache = caches.get(store);
	if (!cache) caches.set(store, (cache = new Map()));
	if (cache.size >= MAX_ENTRIES) cache.clear();
	cache.set(hash, { session, day, until: performance.now() + KEEP_MS, generation: readAt });
}
