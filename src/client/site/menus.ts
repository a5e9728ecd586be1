/** Small menus (the header menu, clause actions): Esc closes and returns focus to the button; so does a click elsewhere. */
export function closeOnEscapeOrOutside(
	button: HTMLElement,
	panel: HTMLElement,
	isOpen: () => boolean,
	close: () => void,
): void {
	document.addEventListener('keydown', (event) => {
		if (event.key !== 'Escape' || !isOpen()) return;
		const hadFocus = panel.contains(document.activeElement) || button === document.activeElement;
		close();
		if (hadFocus) button.focus();
	});
	document.addEventListener('click', (event) => {
		const target = event.target as Node;
		if (isOpen() && !panel.contains(target) && !button.contains(target)) close();
	});
}
