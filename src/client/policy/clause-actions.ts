/**
 * Clause actions: one button per clause opens a small menu to copy the
 * stable clause link (/policies/<p>/clauses/<id>/, which always lands on the
 * version in force), the link to this version (this chapter's URL with the
 * clause anchor), or the clause's number, title and stable link for pasting
 * into chat; the last item follows the # permalink. Arrow keys move in the
 * menu, Esc or Tab closes it. With the script running the # link leaves the
 * tab order, so a clause costs one tab stop.
 */
import { clauseAliasUrl } from '#lib/urls.ts';

const text = document.querySelector<HTMLElement>('.policy-text')?.dataset ?? {};
const policyId = location.pathname.split('/')[2] ?? '';
const live = Object.assign(document.createElement('p'), { className: 'visually-hidden' });
live.setAttribute('role', 'status');
document.body.append(live);

let open: { button: HTMLButtonElement; menu: HTMLElement } | undefined;

function close(focusButton: boolean): void {
	if (!open) return;
	open.button.setAttribute('aria-expanded', 'false');
	open.menu.remove();
	if (focusButton) open.button.focus();
	open = undefined;
}

/** What each menu item copies. */
function copies(button: HTMLButtonElement): { label: string; value: string }[] {
	const id = button.dataset.clauseActions!;
	const stable = `${location.origin}${clauseAliasUrl(policyId, id)}`;
	const pinned = `${location.origin}${location.pathname}#${id}`;
	const heading = [button.dataset.number, button.dataset.title].filter(Boolean).join(' ') || id;
	return [
		{ label: text.labelCopyStable ?? 'Copy link', value: stable },
		{ label: text.labelCopyVersion ?? 'Link to this version', value: pinned },
		{ label: text.labelCopyCitation ?? 'Copy number, title and link', value: `${heading}\n${stable}` },
	];
}

function openMenu(button: HTMLButtonElement): void {
	close(false);
	const id = button.dataset.clauseActions!;
	const menu = document.createElement('div');
	menu.className = 'clause-menu';
	menu.setAttribute('role', 'menu');
	menu.setAttribute('aria-label', button.getAttribute('aria-label') ?? '');
	for (const { label, value } of copies(button)) {
		const item = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
		item.setAttribute('role', 'menuitem');
		item.tabIndex = -1;
		item.addEventListener('click', async () => {
			await writeClipboard(value);
			const copied = text.labelCopied ?? 'Copied';
			item.textContent = `${copied} ✓`;
			live.textContent = `${copied}: ${label}`;
			setTimeout(() => close(menu.contains(document.activeElement)), 900);
		});
		menu.append(item);
	}
	const permalink = Object.assign(document.createElement('a'), {
		href: `#${id}`,
		textContent: `${text.labelPermalink ?? 'Link to this clause'} #`,
		tabIndex: -1,
	});
	permalink.setAttribute('role', 'menuitem');
	permalink.addEventListener('click', () => close(false));
	menu.append(permalink);
	menu.addEventListener('keydown', (event) => {
		const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
		const at = items.indexOf(document.activeElement as HTMLElement);
		const move = { ArrowDown: 1, ArrowUp: -1, Home: -at, End: items.length - 1 - at }[event.key];
		if (move !== undefined) {
			event.preventDefault();
			items[(at + move + items.length) % items.length]!.focus();
		} else if (event.key === 'Tab') {
			close(true);
		}
	});
	button.after(menu);
	button.setAttribute('aria-expanded', 'true');
	open = { button, menu };
	menu.querySelector<HTMLElement>('[role="menuitem"]')!.focus();
}

/** The Clipboard API needs a secure context (HTTPS or localhost); over plain HTTP fall back to a selection copy. */
async function writeClipboard(value: string): Promise<void> {
	if (navigator.clipboard) return navigator.clipboard.writeText(value);
	const focused = document.activeElement as HTMLElement | null;
	const area = Object.assign(document.createElement('textarea'), { value, readOnly: true });
	area.className = 'visually-hidden';
	document.body.append(area);
	area.select();
	document.execCommand('copy');
	area.remove();
	focused?.focus();
}

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-clause-actions]')) {
	// The # link stays clickable; the keyboard reaches it through the menu.
	button.parentElement?.querySelector('a.permalink')?.setAttribute('tabindex', '-1');
	button.addEventListener('click', () => (open?.button === button ? close(true) : openMenu(button)));
}
document.addEventListener('keydown', (event) => {
	if (event.key === 'Escape' && open) close(true);
});
document.addEventListener('click', (event) => {
	const target = event.target as Node;
	if (open && !open.menu.contains(target) && !open.button.contains(target)) close(false);
});
