/**
 * Fills `[data-ack-policy]` on a policy's overview page for the signed-in
 * person, after load: the date they acknowledged the version in force, or a
 * link to the attestation page (read every chapter, then acknowledge and, if
 * the policy asks, sign). Signed out, or an API token: nothing shows. The
 * text comes from the page (data-text-*), so it follows the UI dictionary.
 */

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
	const go = block?.querySelector<HTMLElement>('[data-ack-go]');
	const link = go?.querySelector<HTMLAnchorElement>('a');
	if (!block || !status || !go || !link) return;
	const me = await getJson<{ person?: { id: string } }>('/api/v1/me');
	if (!me?.person) return;
	const policy = block.dataset.ackPolicy!;
	const state = await getJson<AckState>(`/api/v1/acknowledgements?policy=${encodeURIComponent(policy)}`);
	if (!state?.versionInForce) return;
	const text = block.dataset;
	block.dataset.state = state.state;
	if (state.state === 'current' && state.latest) {
		status.textContent = fill(text.textDone!, { date: state.latest.acknowledgedOn, version: state.latest.version });
		go.hidden = true;
	} else {
		status.textContent =
			state.state === 'outdated' && state.latest ? fill(text.textOutdated!, { version: state.latest.version }) : '';
		status.hidden = !status.textContent;
		link.textContent = fill(text.textButton!, { version: state.versionInForce });
		go.hidden = false;
	}
	block.hidden = false;
}
