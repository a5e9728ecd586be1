/**
 * Form validation in the UI language: the browser's own bubbles speak the
 * browser's language (often English), so every field's validity message is
 * set from the page's dictionary (`data-validity-*` on <body>) when the
 * browser finds it invalid, and cleared as soon as the person edits it.
 * Forms that validate on the server instead are `novalidate` (the HR pages).
 */
type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const isField = (el: EventTarget | null): el is Field =>
	el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;

function messageFor(field: Field): string {
	const text = document.body.dataset;
	const v = field.validity;
	if (v.valueMissing) return text['validityRequired'] ?? '';
	if (v.typeMismatch && field.type === 'email') return text['validityEmail'] ?? '';
	if (
		v.typeMismatch ||
		v.badInput ||
		v.patternMismatch ||
		v.tooShort ||
		v.tooLong ||
		v.rangeOverflow ||
		v.rangeUnderflow
	)
		return text['validityInvalid'] ?? '';
	return '';
}

document.addEventListener(
	'invalid',
	(event) => {
		if (!isField(event.target)) return;
		event.target.setCustomValidity('');
		event.target.setCustomValidity(messageFor(event.target));
	},
	true,
);
for (const type of ['input', 'change'])
	document.addEventListener(
		type,
		(event) => {
			if (isField(event.target)) event.target.setCustomValidity('');
		},
		true,
	);
