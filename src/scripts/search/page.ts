/**
 * The /search/ page: reads ?q=&policy=&superseded=1, searches as the reader
 * types (debounced), keeps the URL in step, and lists the clauses found.
 * The search engine (Pagefind, opencc) is imported on the first search or
 * when the box gets focus, never before.
 */
import type { ClauseResult, SearchOutcome } from './engine.ts';

type Messages = Record<
	| 'searching'
	| 'count'
	| 'countMore'
	| 'none'
	| 'failed'
	| 'unnumbered'
	| 'version'
	| 'state_in_force'
	| 'state_scheduled'
	| 'state_superseded'
	| 'state_draft'
	| 'state_in_review',
	string
>;

const format = (message: string, values: Record<string, string | number>) =>
	message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

let engine: Promise<typeof import('./engine.ts')> | undefined;
const loadEngine = () => {
	engine ??= import('./engine.ts').then((module) => {
		void module.loadPagefind().catch(() => undefined);
		return module;
	});
	engine.catch(() => (engine = undefined));
	return engine;
};

export function startSearchPage(): void {
	const form = document.querySelector<HTMLFormElement>('#search-form');
	const input = document.querySelector<HTMLInputElement>('#search-q');
	const policy = document.querySelector<HTMLSelectElement>('#search-policy');
	const superseded = document.querySelector<HTMLInputElement>('#search-superseded');
	const status = document.querySelector<HTMLElement>('#search-status');
	const list = document.querySelector<HTMLOListElement>('#search-results');
	if (!form || !input || !policy || !superseded || !status || !list) return;
	const messages = JSON.parse(form.dataset['messages'] ?? '{}') as Messages;
	const policyTitles = new Map([...policy.options].filter((o) => o.value).map((o) => [o.value, o.text.trim()]));

	const params = new URLSearchParams(location.search);
	input.value = params.get('q') ?? '';
	const wanted = params.get('policy') ?? '';
	if ([...policy.options].some((o) => o.value === wanted)) policy.value = wanted;
	superseded.checked = params.get('superseded') === '1';

	let sequence = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;

	const keepUrl = (query: string) => {
		const next = new URLSearchParams();
		if (query) next.set('q', query);
		if (policy.value) next.set('policy', policy.value);
		if (superseded.checked) next.set('superseded', '1');
		const search = next.toString();
		history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
	};

	const run = async () => {
		clearTimeout(timer);
		const query = input.value.trim();
		const mine = ++sequence;
		keepUrl(query);
		Object.assign(list.dataset, { query, policy: policy.value, superseded: String(superseded.checked) });
		if (!query) {
			list.replaceChildren();
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
			const outcome = await searchClauses(query, {
				policy: policy.value || undefined,
				includeSuperseded: superseded.checked,
			});
			if (mine !== sequence) return;
			render(outcome);
			list.dataset['state'] = 'done';
		} catch (error) {
			if (mine !== sequence) return;
			console.error(error);
			list.replaceChildren();
			status.textContent = messages.failed;
			list.dataset['state'] = 'error';
		} finally {
			clearTimeout(slow);
			if (mine === sequence) list.removeAttribute('aria-busy');
		}
	};

	const render = ({ query, results, more }: SearchOutcome) => {
		list.replaceChildren(...results.map(item));
		status.textContent =
			results.length === 0
				? format(messages.none, { query })
				: format(more ? messages.countMore : messages.count, { count: results.length, query });
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
		const title = document.createElement('span');
		title.textContent = policyTitles.get(result.policy) ?? result.policy;
		link.append(number, title);
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
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(() => void run(), 200);
	});
	input.addEventListener('focus', () => void loadEngine().catch(() => undefined), { once: true });
	policy.addEventListener('change', () => void run());
	superseded.addEventListener('change', () => void run());
	if (input.value.trim()) void run();
}
