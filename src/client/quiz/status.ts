/** Fills `[data-quiz-status]` on static pages with the signed-in person's state for each quiz (after load, same origin, CSP-safe). */
import { formatDate, formatDateTime } from '#lib/datetime.ts';

const zh = document.documentElement.lang.startsWith('zh') || !document.documentElement.lang;
// Times in the company's time zone and the UI language (set on <html> by the layout), never the browser's locale.
const uiLang = document.documentElement.dataset.uiLang ?? 'zh-Hant-TW';
const zone = document.documentElement.dataset.timeZone ?? 'Asia/Taipei';

const text = {
	passed: (date: string) => (zh ? `已通過（${date}）` : `Passed (${date})`),
	open: zh ? '有尚未送出的作答' : 'Attempt in progress',
	cooldown: (time: string) => (zh ? `請於 ${time} 後再測` : `Try again after ${time}`),
	failed: zh ? '上次未通過' : 'Last attempt not passed',
	none: zh ? '尚未測驗' : 'Not taken yet',
	resume: zh ? '繼續作答' : 'Resume',
};

interface Status {
	openAttempt?: string;
	lastGraded?: { passed: boolean };
	lastPass?: { gradedAt: string };
	cooldownUntil?: string;
	retryAt?: string;
	/** retryAt in the company time zone and UI language, said by the server. */
	retryAtText?: string;
}

export async function fillQuizStatus(): Promise<void> {
	for (const el of document.querySelectorAll<HTMLElement>('[data-quiz-status]')) {
		const id = el.dataset.quizStatus!;
		const response = await fetch(`/api/v1/quizzes/${encodeURIComponent(id)}/status`, {
			headers: { accept: 'application/json' },
		}).catch(() => undefined);
		if (!response?.ok) continue;
		const status = (await response.json()) as Status;
		el.dataset.state = status.lastPass
			? 'passed'
			: status.openAttempt
				? 'open'
				: status.retryAt
					? 'cooldown'
					: status.lastGraded
						? 'failed'
						: 'none';
		el.textContent = status.lastPass
			? text.passed(formatDate(status.lastPass.gradedAt, uiLang, zone))
			: status.openAttempt
				? text.open
				: status.retryAt
					? text.cooldown(formatDateTime(status.retryAt, uiLang, zone))
					: status.lastGraded
						? text.failed
						: text.none;
		const start = document.querySelector<HTMLAnchorElement>(`[data-quiz-start="${CSS.escape(id)}"]`);
		if (start && status.openAttempt) {
			start.textContent = text.resume;
			start.href = `/attempts/${status.openAttempt}/`;
		}
	}
}
