/**
 * The attempt page, enhanced (without JavaScript it stays a plain form):
 * each answer and review flag is saved to the server as the person goes
 * (PUT, with the session's CSRF token), kept locally until the server has it
 * and retried when the connection is back; a countdown to the server's
 * deadline, which submits when it reaches zero; and a summary of unanswered
 * and flagged questions to confirm before submitting.
 */
type Answer = string[] | boolean | null;
interface Pending {
	answer: Answer;
	flagged: boolean;
}
type Texts = Record<
	'timeLeft' | 'timeWarning' | 'timeUp' | 'saving' | 'saved' | 'offline' | 'failed' | 'answered' | 'question',
	string
>;

const fill = (template: string, values: Record<string, string | number>) =>
	template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

function answerOf(box: HTMLFieldSetElement): Answer {
	const checked = [...box.querySelectorAll<HTMLInputElement>('input[name^="q-"]:checked')].map((i) => i.value);
	if (box.dataset.type === 'true-false') return checked.length ? checked[0] === 'true' : null;
	return checked.length ? checked : null;
}

function setAnswer(box: HTMLFieldSetElement, answer: Answer): void {
	const values = answer === null ? [] : Array.isArray(answer) ? answer : [String(answer)];
	for (const input of box.querySelectorAll<HTMLInputElement>('input[name^="q-"]'))
		input.checked = values.includes(input.value);
}

export function wireAttempt(): void {
	const done = document.querySelector<HTMLElement>('[data-attempt-done]');
	if (done) {
		try {
			localStorage.removeItem(`zhidu-attempt-${done.dataset.attemptDone}`);
		} catch {
			/* nothing kept */
		}
	}
	const form = document.querySelector<HTMLFormElement>('form[data-attempt-form]');
	if (!form) return;
	const attemptId = form.dataset.attemptForm!;
	const texts = JSON.parse(form.dataset.texts ?? '{}') as Texts;
	const csrf = form.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? '';
	const status = form.querySelector<HTMLElement>('[data-save-status]')!;
	const boxes = [...form.querySelectorAll<HTMLFieldSetElement>('fieldset[data-question]')];
	const storageKey = `zhidu-attempt-${attemptId}`;
	let submitting = false;

	// What the server does not have yet, kept across a reload in this browser.
	const pending = new Map<string, Pending>(
		Object.entries(
			(() => {
				try {
					return JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Record<string, Pending>;
				} catch {
					return {};
				}
			})(),
		),
	);
	const remember = () => {
		try {
			if (pending.size) localStorage.setItem(storageKey, JSON.stringify(Object.fromEntries(pending)));
			else localStorage.removeItem(storageKey);
		} catch {
			/* private mode: the server copy is what resumes */
		}
	};
	const flagOf = (box: HTMLFieldSetElement) => box.querySelector<HTMLInputElement>('[data-flag-input]')!;
	const showFlag = (box: HTMLFieldSetElement) => box.classList.toggle('flagged', flagOf(box).checked);

	for (const box of boxes) {
		box.querySelector<HTMLElement>('[data-flag]')!.hidden = false;
		const saved = pending.get(box.dataset.question!);
		if (saved) {
			setAnswer(box, saved.answer);
			flagOf(box).checked = saved.flagged;
		}
		showFlag(box);
	}

	let flushing = false;
	let retry: ReturnType<typeof setTimeout> | undefined;
	async function flush(): Promise<void> {
		if (flushing || submitting || pending.size === 0) return;
		flushing = true;
		clearTimeout(retry);
		try {
			while (pending.size) {
				const [questionId, entry] = pending.entries().next().value as [string, Pending];
				status.textContent = texts.saving;
				let response: Response;
				try {
					response = await fetch(
						`/api/v1/attempts/${encodeURIComponent(attemptId)}/answers/${encodeURIComponent(questionId)}`,
						{
							method: 'PUT',
							headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
							body: JSON.stringify(entry),
						},
					);
				} catch {
					status.textContent = texts.offline;
					retry = setTimeout(() => void flush(), 5000);
					return;
				}
				if (response.status === 409) {
					// Graded (the time ran out, or another tab submitted): show what the server has.
					pending.clear();
					remember();
					location.reload();
					return;
				}
				// Saved, or refused for good (a reason is shown); either way not sent again unless changed.
				if (pending.get(questionId) === entry) pending.delete(questionId);
				remember();
				if (!response.ok) {
					const body = (await response.json().catch(() => ({}))) as { error?: string };
					status.textContent = fill(texts.failed, { reason: body.error ?? String(response.status) });
					return;
				}
			}
			status.textContent = texts.saved;
		} finally {
			flushing = false;
		}
	}

	form.addEventListener('change', (event) => {
		const box = (event.target as HTMLElement).closest<HTMLFieldSetElement>('fieldset[data-question]');
		if (!box) return;
		showFlag(box);
		pending.set(box.dataset.question!, { answer: answerOf(box), flagged: flagOf(box).checked });
		remember();
		void flush();
	});
	window.addEventListener('online', () => void flush());
	void flush();

	// The countdown: the time left as the server computed it when it sent the page, measured on this
	// page's monotonic clock (the computer's own clock may be wrong).
	const countdown = form.querySelector<HTMLElement>('[data-countdown-text]');
	const remaining = Number(form.dataset.remainingMs);
	if (countdown && Number.isFinite(remaining)) {
		const endsAt = performance.now() + remaining;
		const alert = form.querySelector<HTMLElement>('[data-time-alert]')!;
		const announced = new Set<number>();
		const tick = () => {
			const left = Math.max(0, endsAt - performance.now());
			const seconds = Math.ceil(left / 1000);
			const h = Math.floor(seconds / 3600);
			const m = Math.floor((seconds % 3600) / 60);
			const s = seconds % 60;
			const pad = (n: number) => String(n).padStart(2, '0');
			countdown.textContent = fill(texts.timeLeft, { time: h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}` });
			countdown.parentElement!.toggleAttribute('data-low', left <= 60_000);
			for (const minutes of [5, 1])
				if (left <= minutes * 60_000 && left > 0 && !announced.has(minutes) && remaining > minutes * 60_000) {
					announced.add(minutes);
					alert.textContent = fill(texts.timeWarning, { minutes });
				}
			if (left <= 0) {
				clearInterval(timer);
				alert.textContent = texts.timeUp;
				countdown.textContent = texts.timeUp;
				submitNow();
			}
		};
		const timer = setInterval(tick, 1000);
		tick();
	}

	// The summary before submitting.
	const dialog = form.querySelector<HTMLDialogElement>('[data-summary]')!;
	const listOf = (name: string) => dialog.querySelector<HTMLElement>(`[data-summary-${name}]`)!;
	function submitNow() {
		submitting = true;
		if (dialog.open) dialog.close();
		remember();
		form!.submit();
	}
	function summarise() {
		const unanswered = boxes.filter((b) => answerOf(b) === null);
		const flagged = boxes.filter((b) => flagOf(b).checked);
		listOf('count').textContent = fill(texts.answered, {
			answered: boxes.length - unanswered.length,
			total: boxes.length,
		});
		listOf('all-done').hidden = unanswered.length > 0 || flagged.length > 0;
		for (const [name, list] of [
			['unanswered', unanswered],
			['flagged', flagged],
		] as const) {
			const section = listOf(name);
			section.hidden = list.length === 0;
			const ul = section.querySelector('ul')!;
			ul.replaceChildren(
				...list.map((box) => {
					const li = document.createElement('li');
					const a = document.createElement('a');
					a.href = `#${box.id}`;
					a.textContent = fill(texts.question, { n: box.dataset.n! });
					a.addEventListener('click', (event) => {
						event.preventDefault();
						dialog.close();
						box.scrollIntoView({ block: 'start' });
						box.querySelector<HTMLInputElement>('input')?.focus({ preventScroll: true });
					});
					li.append(a);
					return li;
				}),
			);
		}
	}
	form.addEventListener('submit', (event) => {
		if (submitting) return;
		event.preventDefault();
		summarise();
		dialog.showModal();
		dialog.querySelector<HTMLButtonElement>('[data-summary-confirm]')!.focus();
	});
	dialog.querySelector('[data-summary-back]')!.addEventListener('click', () => dialog.close());
	dialog.querySelector('[data-summary-confirm]')!.addEventListener('click', submitNow);
}
