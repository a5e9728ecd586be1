/**
 * Long work on the server's one thread (a report on 5,000 people, a large
 * export) gives way to other requests every few milliseconds, so a health
 * check or a page waits one slice behind it, never the whole report. Awaiting
 * a promise does not let a waiting request in (microtasks run first); a turn
 * of the event loop (setImmediate) does. On the CLI the turns cost next to
 * nothing.
 */
import { setImmediate as turn } from 'node:timers/promises';

/** How long one stretch of work may hold the thread before it gives way. */
export const SLICE_MS = 5;

/** Await it in a long loop: it takes a turn of the event loop once a slice has passed since the last one. */
export type GiveWay = () => Promise<void> | undefined;

export function givingWay(sliceMs = SLICE_MS): GiveWay {
	let since = performance.now();
	return () => {
		if (performance.now() - since < sliceMs) return undefined;
		return turn().then(() => {
			since = performance.now();
		});
	};
}

/**
 * Runs reads each in its own turn of the event loop and waits for all of
 * them: a SQLite read runs synchronously, so reads started together would hold
 * the thread for all of them at once; PostgreSQL reads still run concurrently.
 */
export async function readInTurns<T extends readonly unknown[]>(
	...reads: { [K in keyof T]: () => Promise<T[K]> }
): Promise<T> {
	const started: Promise<unknown>[] = [];
	for (const [i, read] of reads.entries()) {
		if (i > 0) await turn();
		const pending = read();
		// Handled at once (Promise.all below reports it): a read failing during a later turn is no unhandled rejection.
		pending.catch(() => {});
		started.push(pending);
	}
	return (await Promise.all(started)) as unknown as T;
}

/**
 * `items.map(f)` as an async iterable that gives way between slices: for a
 * page with thousands of rows (Astro renders an async iterable's values in
 * order, each as it comes).
 */
export async function* mapGivingWay<T, U>(items: Iterable<T>, f: (item: T) => U): AsyncGenerator<U> {
	const giveWay = givingWay();
	for (const item of items) {
		await giveWay();
		yield f(item);
	}
}
