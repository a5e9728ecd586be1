/**
 * The header's behaviour on every page: the theme toggle (system → light →
 * dark, remembered in localStorage; the inline script in <head> applies it
 * before paint), the menu button on phones and tablets (Esc or a click
 * elsewhere closes it), and the HR links for HR (asked of /api/v1/me on
 * prerendered pages, remembered for the browser session).
 */
import { closeOnEscapeOrOutside } from './menus.ts';

const themeKey = 'zhidu-theme';
const choices = ['system', 'light', 'dark'] as const;
type Choice = (typeof choices)[number];
const root = document.documentElement;
const systemDark = matchMedia('(prefers-color-scheme: dark)');

function applyTheme(choice: Choice): void {
	root.dataset.themeChoice = choice;
	root.dataset.theme = choice === 'system' ? (systemDark.matches ? 'dark' : 'light') : choice;
	const toggle = document.querySelector<HTMLButtonElement>('[data-theme-toggle]');
	if (!toggle) return;
	const label = toggle.dataset.labelTemplate!.replace(
		'{theme}',
		toggle.dataset[`label${choice[0]!.toUpperCase()}${choice.slice(1)}`]!,
	);
	toggle.setAttribute('aria-label', label);
	toggle.title = label;
}

function storedChoice(): Choice {
	try {
		const value = localStorage.getItem(themeKey);
		return choices.includes(value as Choice) ? (value as Choice) : 'system';
	} catch {
		return 'system';
	}
}

applyTheme(storedChoice());
systemDark.addEventListener('change', () => applyTheme(storedChoice()));
document.querySelector('[data-theme-toggle]')?.addEventListener('click', () => {
	const next = choices[(choices.indexOf(storedChoice()) + 1) % choices.length]!;
	try {
		if (next === 'system') localStorage.removeItem(themeKey);
		else localStorage.setItem(themeKey, next);
	} catch {
		// Storage refused (private mode): the choice lasts for this page only.
	}
	applyTheme(next);
});

const menuButton = document.querySelector<HTMLButtonElement>('[data-menu-button]');
const menuPanel = document.querySelector<HTMLElement>('[data-menu-panel]');
if (menuButton && menuPanel) {
	const setOpen = (open: boolean) => {
		menuButton.setAttribute('aria-expanded', String(open));
		menuPanel.toggleAttribute('data-open', open);
	};
	menuButton.addEventListener('click', () => setOpen(menuButton.getAttribute('aria-expanded') !== 'true'));
	// Following a link inside the page (a section of this chapter) closes the menu.
	menuPanel.addEventListener('click', (event) => {
		if ((event.target as Element).closest('a[href^="#"]')) setOpen(false);
	});
	closeOnEscapeOrOutside(
		menuButton,
		menuPanel,
		() => menuButton.getAttribute('aria-expanded') === 'true',
		() => setOpen(false),
	);
}

const roleKey = 'zhidu-role';
const header = document.querySelector<HTMLElement>('header.site');
function showHrLinks(role: string | undefined): void {
	for (const link of document.querySelectorAll<HTMLElement>('[data-hr-link]')) link.hidden = role !== 'hr';
}
if (header?.dataset.role) {
	// A server-rendered page knows: keep that for the prerendered pages that follow.
	try {
		if (header.dataset.role === 'none') sessionStorage.removeItem(roleKey);
		else sessionStorage.setItem(roleKey, header.dataset.role);
	} catch {
		// No storage: prerendered pages will ask the server.
	}
} else {
	let cached: string | null = null;
	try {
		cached = sessionStorage.getItem(roleKey);
	} catch {
		cached = null;
	}
	if (cached) showHrLinks(cached);
	else
		fetch('/api/v1/me', { credentials: 'same-origin', headers: { accept: 'application/json' } })
			// Always read the body (a 401 too), so the request completes and the connection is free.
			.then(async (response) => {
				const body = (await response.json().catch(() => undefined)) as { person?: { role?: string } } | undefined;
				return response.ok ? body : undefined;
			})
			.then((me) => {
				const role = me?.person?.role;
				if (!role) return;
				showHrLinks(role);
				try {
					sessionStorage.setItem(roleKey, role);
				} catch {
					// Ask again on the next page.
				}
			})
			.catch(() => undefined);
}
