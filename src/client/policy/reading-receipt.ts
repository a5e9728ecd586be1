/**
 * The reading receipt: when the end of a chapter (`[data-chapter-end]`, after
 * the text) comes into view, the signed-in reader's browser sends one small
 * POST /api/v1/reading-receipts with the session's CSRF token (from
 * /api/v1/me). The prerendered page itself never writes; signed out, or with
 * an API token, nothing is sent. Texts come from the page (data-text-*).
 */

interface Me {
	person?: { id: string };
	csrfToken?: string | null;
}

async function send(end: HTMLElement): Promise<boolean> {
	const me = await fetch('/api/v1/me', { headers: { accept: 'application/json' } })
		.then((r) => (r.ok ? (r.json() as Promise<Me>) : undefined))
		.catch(() => undefined);
	if (!me?.person) return true;
	const { policy, version, chapter } = end.dataset;
	const response = await fetch('/api/v1/reading-receipts', {
		method: 'POST',
		headers: {
			accept: 'application/json',
			'content-type': 'application/json',
			...(me.csrfToken ? { 'x-csrf-token': me.csrfToken } : {}),
		},
		body: JSON.stringify({ policy, version, chapter }),
	}).catch(() => undefined);
	if (!response?.ok) return false;
	const status = end.querySelector<HTMLElement>('[data-receipt-status]');
	if (status) status.textContent = end.dataset.textRecorded ?? '';
	end.hidden = false;
	end.dataset.receipt = 'recorded';
	return true;
}

export function watchChapterEnd(): void {
	const end = document.querySelector<HTMLElement>('[data-chapter-end]');
	if (!end || !('IntersectionObserver' in window)) return;
	let busy = false;
	const observer = new IntersectionObserver((entries) => {
		if (busy || !entries.some((e) => e.isIntersecting)) return;
		busy = true;
		void send(end).then((done) => {
			if (done) observer.disconnect();
			busy = false;
		});
	});
	observer.observe(end);
}
