/**
 * What parsing a text gave, kept by the text (and whatever else the parse reads): HR's editor loads a
 * policy's versions on every request (drafts are not in the content cache, since each edit changes them),
 * and an edit changes one chapter, while parsing MDX is tens of milliseconds a chapter. Bounded, the
 * least recently used dropped first; each caller gets its own copy, so a change one makes never reaches
 * another. A parse that throws keeps nothing.
 */
export function parseMemo<T>(limit: number): (key: string, parse: () => T) => T {
	const kept = new Map<string, T>();
	return (key, parse) => {
		let value = kept.get(key);
		if (value === undefined) value = parse();
		else kept.delete(key);
		kept.set(key, value);
		if (kept.size > limit) kept.delete(kept.keys().next().value!);
		return structuredClone(value);
	};
}
