/** `[data-print]` buttons print the page (CSP-safe: no inline handler). */
export function wirePrintButtons(): void {
	for (const button of document.querySelectorAll<HTMLButtonElement>('[data-print]')) {
		button.hidden = false;
		button.addEventListener('click', () => window.print());
	}
}
