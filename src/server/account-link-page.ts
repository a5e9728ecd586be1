/**
 * The reset and invitation pages (issue 16): one view-model for both. A GET
 * shows the form while the link is usable; a POST (same origin, checked by the
 * pipeline) sets the password through the link, once. The page itself is
 * src/components/site/AccountLinkForm.astro.
 */
import { linkUsable, LinkError, useLink, type LinkPurpose } from '../lib/auth/account-links.ts';
import { MIN_PASSWORD_LENGTH } from '../lib/auth/secrets.ts';
import type { Translate } from '../lib/i18n/index.ts';
import type { ZhiduLocals } from './app.ts';

export type LinkPage =
	{ kind: 'form'; token: string; error?: string; status: number } | { kind: 'unusable'; status: number };

/**
 * The page to render (with its status), or the answer itself: once the
 * password is set, to sign in (303); 503 without the server.
 */
export async function linkPage(
	server: ZhiduLocals | undefined,
	request: Request,
	url: URL,
	purpose: LinkPurpose,
	t: Translate,
): Promise<LinkPage | Response> {
	if (!server) return new Response(null, { status: 503 });
	const token = url.searchParams.get('token') ?? '';
	if (request.method === 'POST') {
		const form = await request.formData();
		const password = String(form.get('password') ?? '');
		if (password.length < MIN_PASSWORD_LENGTH)
			return { kind: 'form', token, status: 400, error: t('passwordTooShort', { min: MIN_PASSWORD_LENGTH }) };
		if (password !== String(form.get('confirm') ?? ''))
			return { kind: 'form', token, status: 400, error: t('passwordsDiffer') };
		try {
			await useLink(server.store, token, purpose, password, server.clientAddress);
			return new Response(null, { status: 303, headers: { location: '/login/?password=set' } });
		} catch (error) {
			if (error instanceof LinkError) return { kind: 'unusable', status: 410 };
			return { kind: 'form', token, status: 400, error: (error as Error).message };
		}
	}
	return (await linkUsable(server.store, token, purpose))
		? { kind: 'form', token, status: 200 }
		: { kind: 'unusable', status: 410 };
}
