/**
 * Reading progress on a training path: each chapter link opened in this
 * browser (src/client/policy/reading-record.ts) is marked read, and the
 * path says how many of its chapters that makes.
 */
import { chaptersRead } from '../policy/reading-record.ts';

export function showReadingProgress(): void {
	const read = chaptersRead();
	const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-path-chapter]')];
	let count = 0;
	for (const link of links) {
		const done = read.has(new URL(link.href).pathname);
		if (done) count += 1;
		link.closest('li')?.toggleAttribute('data-read', done);
	}
	const progress = document.querySelector<HTMLElement>('[data-reading-progress]');
	if (!progress || links.length === 0) return;
	const meter = progress.querySelector('progress')!;
	meter.max = links.length;
	meter.value = count;
	progress.querySelector('[data-reading-count]')!.textContent = progress.dataset
		.template!.replace('{read}', String(count))
		.replace('{total}', String(links.length));
	progress.hidden = false;
}
