/**
 * Chapters opened in this browser, for the reading progress on training
 * paths. Only the chapter's path is kept (e.g. /policies/p/1.1/ch-1/), in
 * localStorage: a convenience for the reader, not a record. The reading
 * receipts of the certification work will record reading on the server.
 */
export const readKey = 'zhidu-chapters-read';

export function chaptersRead(): Set<string> {
	try {
		const stored: unknown = JSON.parse(localStorage.getItem(readKey) ?? '[]');
		return new Set(Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : []);
	} catch {
		return new Set();
	}
}

export function recordChapterRead(path: string): void {
	const read = chaptersRead();
	if (read.has(path)) return;
	read.add(path);
	try {
		localStorage.setItem(readKey, JSON.stringify([...read]));
	} catch {
		// Storage full or refused: progress simply is not kept.
	}
}
