/**
 * The clause editor's small helpers; every form works without them. Blanks: a button puts a `[label]`
 * token at the cursor and the line under the text shows tokens as chips while typing. Split takes the
 * cursor position. Ctrl/⌘+S saves the clause being edited. A delete asks first, and leaving the page with
 * unsaved text asks too.
 */
const blank = /\[([^[\]\n]{1,80})\]/g;

function renderTokens(target: HTMLElement, text: string): void {
	target.replaceChildren();
	let last = 0;
	for (const match of text.matchAll(blank)) {
		if (match.index > last) target.append(text.slice(last, match.index));
		const chip = document.createElement('span');
		chip.className = 'blank-token';
		chip.textContent = match[1]!;
		target.append(chip);
		last = match.index + match[0].length;
	}
	if (last < text.length) target.append(text.slice(last));
}

const dirty = new Set<HTMLTextAreaElement | HTMLInputElement>();
let submitting = false;

for (const form of document.querySelectorAll<HTMLFormElement>('[data-clause-form]')) {
	const text = form.querySelector<HTMLTextAreaElement>('[data-clause-text]');
	const tokens = form.querySelector<HTMLElement>('[data-tokens]');
	const at = form.querySelector<HTMLInputElement>('[data-split-at]');
	if (!text) continue;
	const original = text.value;
	text.addEventListener('input', () => {
		if (tokens) renderTokens(tokens, text.value);
		if (text.value !== original) dirty.add(text);
		else dirty.delete(text);
	});
	form.querySelector('[data-insert-blank]')?.addEventListener('click', () => {
		const label = document.documentElement.lang.startsWith('en') ? 'blank' : '填寫項目';
		const start = text.selectionStart ?? text.value.length;
		const end = text.selectionEnd ?? start;
		const chosen = text.value.slice(start, end);
		const token = `[${chosen && !/[[\]\n]/.test(chosen) ? chosen : label}]`;
		text.setRangeText(token, start, end, 'end');
		text.focus();
		text.setSelectionRange(start + 1, start + token.length - 1);
		text.dispatchEvent(new Event('input'));
	});
	form.querySelector<HTMLButtonElement>('[data-split]')?.addEventListener('click', (event) => {
		const position = text.selectionStart ?? 0;
		if (position <= 0 || position >= text.value.length) {
			event.preventDefault();
			text.focus();
			return;
		}
		if (at) at.value = String(position);
	});
	text.addEventListener('keydown', (event) => {
		if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
			event.preventDefault();
			form.querySelector<HTMLButtonElement>('button[value="set-clause"]')?.click();
		}
	});
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-confirm]')) {
	button.addEventListener('click', (event) => {
		if (!window.confirm(button.dataset['confirm'] ?? '')) event.preventDefault();
	});
}

document.addEventListener('submit', () => {
	submitting = true;
});
window.addEventListener('beforeunload', (event) => {
	if (dirty.size > 0 && !submitting) event.preventDefault();
});

// After a save the page comes back at the clause: put the cursor in its text.
const target = location.hash.startsWith('#k-') ? document.getElementById(location.hash.slice(1)) : null;
target?.querySelector<HTMLTextAreaElement>('textarea[name="text"]')?.focus({ preventScroll: false });

// The signing dialog: a modal the keyboard can leave with Esc; without script the form is still a form.
const dialog = document.querySelector<HTMLDialogElement>('[data-sign-dialog]');
if (dialog) {
	if (dialog.open) {
		dialog.close();
		dialog.showModal();
	}
	document.querySelector('[data-open-sign]')?.addEventListener('click', () => {
		dialog.showModal();
		dialog.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
	});
	dialog.querySelector('[data-close-sign]')?.addEventListener('click', () => dialog.close());
}
