/**
 * Fills `[data-ack-policy]` on a policy's (static) overview page for the
 * signed-in person, after load: the date they acknowledged the version in
 * force, or a button to acknowledge it (POST /api/v1/acknowledgements with the
 * CSRF token from /api/v1/me). Signed out, or an API token: nothing shows.
 * The text comes from the page (data-text-*), so it follows the UI dictionary.
 */

interface Me {
	person?: { id: string };
	csrfToken?: string | null;
}

interface Acknowledgement {
	version: string;
	acknowledgedOn: string;
}

interface AckState {
	versionInForce: string | null;
	state: 'current' | 'outdated' | 'none';
	latest: Acknowledgement | null;
}

const fill = (template: string, values: Record<string, string>) =>
	template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

async function getJson<T>(url: string): Promise<T | undefined> {
	const response = await fetch(url, { headers: { accept: 'application/json' } }).catch(() => undefined);
	return response?.ok ? ((await response.json()) as T) : undefined;
}

export async function fillAcknowledgement(): Promise<void> {
	const block = document.querySelector<HTMLElement>('[data-ack-policy]');
	const status = block?.querySelector<HTMLElement>('[data-ack-status]');
	const form = block?.querySelector<HTMLFormElement>('form');
	const button = form?.querySelector<HTMLButtonElement>('button');
	if (!block || !status || !form || !button) return;
	const me = await getJson<Me>('/api/v1/me');
	if (!me?.person) return;
	const policy = block.dataset.ackPolicy!;
	const state = await getJson<AckState>(`/api/v1/acknowledgements?policy=${encodeURIComponent(policy)}`);
	if (!state?.versionInForce) return;
	const version = state.versionInForce;
	const text = block.dataset;

	const showDone = (ack: Acknowledgement) => {
		block.dataset.state = 'current';
		status.textContent = fill(text.textDone!, { date: ack.acknowledgedOn, version: ack.version });
		form.hidden = true;
	};
	if (state.state === 'current' && state.latest) showDone(state.latest);
	else {
		block.dataset.state = state.state;
		status.textContent =
			state.state === 'outdated' && state.latest ? fill(text.textOutdated!, { version: state.latest.version }) : '';
		status.hidden = !status.textContent;
		button.textContent = fill(text.textButton!, { version });
		form.hidden = false;
	}
	block.hidden = false;

	form.addEventListener('submit', async (event) => {
		event.preventDefault();
		button.disabled = true;
		const response = await fetch('/api/v1/acknowledgements', {
			method: 'POST',
			headers: {
				accept: 'application/json',
				'content-type': 'application/json',
				...(me.csrfToken ? { 'x-csrf-token': me.csrfToken } : {}),
			},
			body: JSON.stringify({ policy, version }),
		}).catch(() => undefined);
		button.disabled = false;
		status.hidden = false;
		if (response?.ok) {
			showDone(((await response.json()) as { acknowledgement: Acknowledgement }).acknowledgement);
			status.focus();
		} else status.textContent = text.textFailed!;
	});
}
