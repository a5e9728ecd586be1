/**
 * Error answers for people and programs alike: a short HTML page in the UI
 * language for a browser, `{ "error": … }` JSON for an API client (by path
 * and Accept, see access.ts). Never cached.
 */
import { readBuildConfig } from '../lib/config.ts';
import { translator, type MessageKey, type UiLanguage } from '../lib/i18n/index.ts';
import { wantsHtml } from './access.ts';

const texts: Partial<Record<number, [MessageKey, MessageKey]>> = {
	401: ['errorUnauthorizedTitle', 'errorUnauthorized'],
	403: ['errorForbiddenTitle', 'errorForbidden'],
	404: ['errorNotFoundTitle', 'errorNotFound'],
};

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

let language: UiLanguage | undefined;
const uiLanguage = () => (language ??= readBuildConfig().uiLanguage);

/** `reason` is shown (as the detail) only for statuses without a text of their own: 400, 405, 413, 500. */
export function errorHtml(status: number, reason = '', lang: UiLanguage = uiLanguage()): string {
	const t = translator(lang);
	const known = texts[status];
	const title = t(known?.[0] ?? 'errorGenericTitle');
	const message = known ? t(known[1]) : reason;
	return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(`${title}｜${t('siteName')}`)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/">${escapeHtml(t('errorBackHome'))}</a>${status === 401 ? ` · <a href="/login/">${escapeHtml(t('signIn'))}</a>` : ''}</p>
</main>
</body>
</html>
`;
}

/** The answer for an error status: HTML for a browser on a page, JSON (with the reason) otherwise. */
export function errorResponse(
	status: number,
	reason: string,
	request: { path: string; accept: string | null | undefined },
): Response {
	const headers = { 'cache-control': 'private, no-store' };
	if (wantsHtml(request.path, request.accept)) {
		return new Response(errorHtml(status, reason), {
			status,
			headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
		});
	}
	return new Response(JSON.stringify({ error: reason }), {
		status,
		headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
	});
}
