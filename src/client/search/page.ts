/**
 * The /search/ page: reads ?q=&policy=&superseded=1&scheduled=1, searches as
 * the reader types (after a 30 ms pause in typing: a warm search takes a few
 * ms; an input method's unfinished composition is not searched), keeps the
 * URL in step so a search can be shared (a change of filters is a step Back
 * returns from), and lists the clauses found grouped by policy, 20 at a time
 * ("show more"), with counts per policy that filter by policy when chosen.
 * The search engine (Pagefind, the fold table) is imported on the first
 * search or when the box gets focus, never before.
 */
import type { ClauseResult, SearchOutcome, VersionState } from './engine.ts';

type Messages = Record<
	| 'searching'
	| 'count'
	| 'countMore'
	| 'counting'
	| 'none'
	| 'failed'
	| 'unnumbered'
	| 'version'
	| 'more'
	| 'suggest'
	| 'byPolicy'
	| 'state_in_force'
	| 'state_scheduled'
	| 'state_superseded'
	| 'state_draft'
	| 'state_in_review',
	string
>;

/** A pause in typing that starts a search (a reader's keys are further apart than this; a paste is one input). */
const TYPING_PAUSE_MS = 30;
/** How long the status line stays the same before a screen reader is told (longer than a pause between keys). */
const ANNOUNCE_AFTER_MS = 700;

const format = (message: string, values: Record<string, string | number>) =>
	message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

let engine: Promise<typeof import('./engine.ts')> | undefined;
const loadEngine = () => {
	engine ??= import('./engine.ts').then((module) => {
		void module.loadPagefind().catch(() => undefined);
		void module.versionStates().catch(() => undefined);
		return module;
	});
	engine.catch(() => (engine = undefined));
	return engine;
};

/** When the page has nothing else to do (soon, at the latest). */
const whenIdle = (work: () => void) =>
	'requestIdleCallback' in window ? requestIdleCallback(work, { timeout: 2_000 }) : setTimeout(work, 200);

const preloadIndex = () =>
	void loadEngine()
		.then((module) => module.preloadIndex())
		.catch(() => undefined);

export function startSearchPage(): void {
	const form = document.querySelector<HTMLFormElement>('#search-form');
	const input = document.querySelector<HTMLInputElement>('#search-q');
	const policy = document.querySelector<HTMLSelectElement>('#search-policy');
	const superseded = document.querySelector<HTMLInputElement>('#search-superseded');
	const scheduled = document.querySelector<HTMLInputElement>('#search-scheduled');
	const status = document.querySelector<HTMLElement>('#search-status');
	const announcer = document.querySelector<HTMLElement>('#search-announce');
	const groups = document.querySelector<HTMLElement>('#search-groups');
	const list = document.querySelector<HTMLOListElement>('#search-results');
	const moreButton = document.querySelector<HTMLButtonElement>('#search-more');
	if (
		!form ||
		!input ||
		!policy ||
		!superseded ||
		!scheduled ||
		!status ||
		!announcer ||
		!groups ||
		!list ||
		!moreButton
	)
		return;
	// The status line is announced once it has stayed the same for a moment, not at every key typed.
	let announcing: ReturnType<typeof setTimeout> | undefined;
	new MutationObserver(() => {
		clearTimeout(announcing);
		announcing = setTimeout(() => (announcer.textContent = status.textContent), ANNOUNCE_AFTER_MS);
	}).observe(status, { childList: true, characterData: true, subtree: true });
	const messages = JSON.parse(form.dataset['messages'] ?? '{}') as Messages;
	const policyTitles = new Map([...policy.options].filter((o) => o.value).map((o) => [o.value, o.text.trim()]));

	/** The query and filters the address names (on arrival, and on Back or Forward). */
	const readAddress = () => {
		const params = new URLSearchParams(location.search);
		input.value = params.get('q') ?? '';
		const wanted = params.get('policy') ?? '';
		policy.value = [...policy.options].some((o) => o.value === wanted) ? wanted : '';
		superseded.checked = params.get('superseded') === '1';
		scheduled.checked = params.get('scheduled') === '1';
	};
	readAddress();

	let sequence = 0;
	let preloadTimer: ReturnType<typeof setTimeout> | undefined;
	let current: SearchOutcome | undefined;
	/** Stops the search in progress when a newer one starts. */
	let inProgress: AbortController | undefined;

	/** The address's query string for a search with the filters chosen. */
	const searchParams = (query: string) => {
		const next = new URLSearchParams();
		if (query) next.set('q', query);
		if (policy.value) next.set('policy', policy.value);
		if (superseded.checked) next.set('superseded', '1');
		if (scheduled.checked) next.set('scheduled', '1');
		return next.toString();
	};
	/** The filters of a query string (all but the query). */
	const filtersOf = (search: string) => {
		const params = new URLSearchParams(search);
		params.delete('q');
		return params.toString();
	};
	// Typing changes the address in place; choosing other filters is a step Back returns from.
	const keepUrl = (query: string) => {
		const search = searchParams(query);
		const url = `${location.pathname}${search ? `?${search}` : ''}`;
		if (filtersOf(search) === filtersOf(location.search)) history.replaceState(history.state, '', url);
		else history.pushState(history.state, '', url);
	};

	const states = (): VersionState[] => [
		'in-force',
		...(superseded.checked ? (['superseded'] as const) : []),
		...(scheduled.checked ? (['scheduled'] as const) : []),
	];

	const run = async () => {
		const query = input.value.trim();
		const mine = ++sequence;
		clearTimeout(preloadTimer);
		inProgress?.abort();
		const controller = (inProgress = new AbortController());
		Object.assign(list.dataset, {
			query,
			policy: policy.value,
			superseded: String(superseded.checked),
			scheduled: String(scheduled.checked),
		});
		if (!query) {
			keepUrl(query);
			current = undefined;
			list.removeAttribute('aria-busy');
			list.replaceChildren();
			groups.replaceChildren();
			moreButton.hidden = true;
			list.dataset['state'] = 'idle';
			status.textContent = '';
			return;
		}
		list.dataset['state'] = 'searching';
		list.setAttribute('aria-busy', 'true');
		// Say "searching" only if it takes a while (the first search loads the index).
		const slow = setTimeout(() => mine === sequence && (status.textContent = messages.searching), 400);
		try {
			const { searchClauses } = await loadEngine();
			const outcome = await searchClauses(
				query,
				{ policy: policy.value || undefined, states: states() },
				undefined,
				controller.signal,
			);
			if (mine !== sequence) return;
			current = outcome;
			const start = performance.now();
			render(outcome);
			performance.measure('zhidu:render', { start, end: performance.now() });
			clearTimeout(slow);
			// `shown`: the first page is drawn and its counts are on their way; `done`: everything is.
			list.dataset['state'] = outcome.counted ? 'done' : 'shown';
			// The address follows searches that finish, not every key (each change makes the browser ask for the icon),
			// once the results are drawn: a change of address takes the page's thread for a millisecond or two.
			requestAnimationFrame(() => setTimeout(() => mine === sequence && keepUrl(query)));
			// The rest of the index, once the reader has stopped typing to read (not between the keys of a query).
			preloadTimer = setTimeout(() => whenIdle(preloadIndex), 800);
			if (!outcome.counted) {
				// After the first page is on screen: the search for the counts takes the page's thread.
				await new Promise((drawn) => requestAnimationFrame(() => setTimeout(drawn)));
				if (mine !== sequence) return;
				const complete = await outcome.withCounts();
				if (mine !== sequence) return;
				current = complete;
				renderCounts(complete);
				list.dataset['state'] = 'done';
			}
		} catch (error) {
			if (mine !== sequence || controller.signal.aborted) return;
			keepUrl(query);
			console.error(error);
			list.replaceChildren();
			groups.replaceChildren();
			moreButton.hidden = true;
			status.textContent = messages.failed;
			list.dataset['state'] = 'error';
		} finally {
			clearTimeout(slow);
			if (mine === sequence) list.removeAttribute('aria-busy');
		}
	};

	let loadingMore = false;
	/** The policy button chosen last, to be focused again once the buttons are drawn anew. */
	let refocusFacet: string | undefined;
	const showMore = async () => {
		if (!current?.more || loadingMore) return;
		const mine = sequence;
		const before = new Set([...list.querySelectorAll<HTMLAnchorElement>('a.result-link')].map((a) => a.href));
		list.dataset['state'] = 'searching';
		list.setAttribute('aria-busy', 'true');
		// Not `disabled`: a disabled button loses the keyboard focus to the page.
		loadingMore = true;
		moreButton.setAttribute('aria-disabled', 'true');
		try {
			const outcome = await current.next().then((next) => next.withCounts());
			if (mine !== sequence) return;
			current = outcome;
			render(outcome);
			// The reader goes on from the first result added (results are grouped by policy: it may sit above).
			[...list.querySelectorAll<HTMLAnchorElement>('a.result-link')].find((a) => !before.has(a.href))?.focus();
		} finally {
			loadingMore = false;
			moreButton.removeAttribute('aria-disabled');
			if (mine === sequence) {
				list.dataset['state'] = 'done';
				list.removeAttribute('aria-busy');
			}
		}
	};

	const title = (id: string) => policyTitles.get(id) ?? id;

	const render = (outcome: SearchOutcome) => {
		// Results grouped by policy, groups in the order of their best result.
		const byGroup = Map.groupBy(outcome.results, (r) => r.policy);
		list.replaceChildren(
			...[...byGroup].map(([id, items]) => {
				const li = document.createElement('li');
				li.className = 'group';
				li.dataset['policy'] = id;
				const heading = document.createElement('h2');
				const count = document.createElement('span');
				count.className = 'group-count';
				heading.append(title(id), count);
				const ol = document.createElement('ol');
				ol.className = 'group-results';
				ol.append(...items.map(item));
				li.append(heading, ol);
				return li;
			}),
		);
		renderCounts(outcome);
	};

	/** The counts per policy: choosing one filters by it. */
	const drawPolicyCounts = (byPolicy: Record<string, number>) => {
		const counts = Object.entries(byPolicy).sort((a, b) => b[1] - a[1]);
		groups.replaceChildren();
		if (counts.length <= 1 && !policy.value) return;
		groups.append(messages.byPolicy, ' ');
		for (const [id, count] of counts) {
			const button = document.createElement('button');
			button.type = 'button';
			button.className = 'facet';
			button.dataset['policy'] = id;
			button.setAttribute('aria-pressed', String(policy.value === id));
			button.textContent = `${title(id)} (${count})`;
			button.addEventListener('click', () => {
				policy.value = policy.value === id ? '' : id;
				// The buttons are drawn again with the new counts: the keyboard focus stays on this one.
				refocusFacet = id;
				void run();
			});
			groups.append(button, ' ');
		}
		if (refocusFacet !== undefined) {
			groups.querySelector<HTMLElement>(`button.facet[data-policy="${CSS.escape(refocusFacet)}"]`)?.focus();
			refocusFacet = undefined;
		}
	};

	/** What the counts say: each group's count, the counts per policy that filter, "show more", the status line. */
	const renderCounts = (outcome: SearchOutcome) => {
		const { query, results, total, more, suggestions, byPolicy, counted } = outcome;
		for (const count of list.querySelectorAll<HTMLElement>('li.group > h2 > .group-count')) {
			const id = count.closest<HTMLElement>('li.group')?.dataset['policy'] ?? '';
			const shown = results.filter((r) => r.policy === id).length;
			count.textContent = counted ? ` (${Math.max(byPolicy[id] ?? 0, shown)})` : '';
		}
		// Until the counts are known, the last row of counts per policy keeps its place, unseen (no jump).
		const pending = !counted && results.length > 0;
		groups.toggleAttribute('data-pending', pending);
		if (!pending) drawPolicyCounts(byPolicy);
		// "Show more" reads on from where the counts' search put the rest: offered once it has.
		moreButton.hidden = !more || !counted;
		if (results.length === 0) {
			status.replaceChildren(format(messages.none, { query }));
			if (suggestions.length) {
				status.append(' ', messages.suggest, ' ');
				for (const suggestion of suggestions) {
					const link = document.createElement('a');
					link.className = 'suggestion';
					link.href = `?${searchParams(suggestion)}`;
					link.textContent = suggestion;
					link.addEventListener('click', (event) => {
						event.preventDefault();
						input.value = suggestion;
						void run();
					});
					status.append(link, ' ');
				}
			}
		} else
			status.textContent = format(!counted ? messages.counting : more ? messages.countMore : messages.count, {
				count: results.length,
				total,
				query,
			});
	};

	const item = (result: ClauseResult) => {
		const li = document.createElement('li');
		li.className = 'result';
		li.dataset['exact'] = String(result.exactPhrase);
		const link = document.createElement('a');
		link.className = 'result-link';
		link.href = result.url;
		const number = document.createElement('span');
		number.className = 'result-number';
		number.textContent = result.number || messages.unnumbered;
		const name = document.createElement('span');
		name.textContent = title(result.policy);
		link.append(number, name);
		const where = document.createElement('p');
		where.className = 'result-where';
		where.textContent = result.headings;
		const version = document.createElement('p');
		version.className = 'result-policy';
		version.textContent = format(messages.version, { version: result.version });
		if (result.state !== 'in-force') {
			const badge = document.createElement('span');
			badge.className = `badge ${result.state}`;
			badge.textContent = messages[`state_${result.state.replace('-', '_')}` as keyof Messages] ?? result.state;
			version.append(' ', badge);
		}
		// Named by where the clause is, not only its number and policy (several share those): a list of links says
		// which is which. The name starts with the text shown.
		link.setAttribute(
			'aria-label',
			[number.textContent, name.textContent, result.headings, version.textContent].filter(Boolean).join(' '),
		);
		const text = document.createElement('p');
		text.className = 'result-excerpt';
		for (const part of result.excerpt) {
			if (!part.match) text.append(part.text);
			else {
				const mark = document.createElement('mark');
				mark.textContent = part.text;
				text.append(mark);
			}
		}
		li.append(link, where, version, text);
		return li;
	};

	form.addEventListener('submit', (event) => {
		event.preventDefault();
		void run();
	});
	let typing: ReturnType<typeof setTimeout> | undefined;
	input.addEventListener('input', (event) => {
		// Pinyin or Zhuyin being composed is not the query yet: compositionend brings the characters.
		if ((event as InputEvent).isComposing) return;
		// Keys that come faster than this (pasting, fast typing) are one search: each search of a prefix would
		// take the page's one thread (Pagefind runs in it) from the query typed after it.
		clearTimeout(typing);
		typing = setTimeout(() => void run(), TYPING_PAUSE_MS);
	});
	input.addEventListener('compositionend', () => void run());
	window.addEventListener('popstate', () => {
		readAddress();
		void run();
	});
	input.addEventListener('focus', () => void loadEngine().catch(() => undefined), { once: true });
	policy.addEventListener('change', () => void run());
	superseded.addEventListener('change', () => void run());
	scheduled.addEventListener('change', () => void run());
	moreButton.addEventListener('click', () => void showMore());
	if (input.value.trim()) void run();
}
