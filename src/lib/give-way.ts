/**
 * Long work on the server's one thread (a report on 5,000 people, a large
 * export) gives way to other requests every few milliseconds, so a health
 * check or a page waits one slice behind it, never the whole report. Awaiting
 * a promise does not let a waiting request in (microtasks run first); a turn
 * of the event loop (setImmediate) does. On the CLI the turns cost next to
 * nothing.
 */
import { setImmediate } from 'node:timers/promises';

/** One turn of the event loop: what is waiting (a request, a timer) goes first. */
export const nextTurn = (): Promise<void> => setImmediate();

/** How long one stretch of work may hold the thread before it gives way. */
export const SLICE_MS = 5;

/**
 * For a long loop: `if (giveWay.due()) await giveWay.turn();` on each item. Only a slice's end awaits
 * (an await on every item of 30,000 cost 10–20 ms by itself).
 */
export interface GiveWay {
	/** Whether this slice of work has had its time. */
	due(): boolean;
	/** A turn of the event loop; the next slice starts after it. */
	turn(): Promise<void>;
}

export function givingWay(sliceMs = SLICE_MS): GiveWay {
	let since = performance.now();
	return {
		due: () => performance.now() - since >= sliceMs,
		async turn() {
			await nextTurn();
			since = performance.now();
		},
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
		if (i > 0) await nextTurn();
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
		if (giveWay.due()) await giveWay.turn();
		yield f(item);
	}
}
