/**
 * Whether a form submission comes from our own pages. With ZHIDU_PUBLIC_URL
 * the public URL is the origin (behind a TLS-terminating proxy the browser
 * says `https://host` while this server speaks plain HTTP); without it, the
 * request's own Host. A missing, `null` or unparsable Origin is refused.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Content types a cross-site HTML form can send without a CORS preflight. */
export const isFormLike = (contentType: string | undefined) =>
	/^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i.test(contentType ?? '');

export function isSameOrigin(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
	const origin = headers.origin;
	if (!origin || origin === 'null' || !URL.canParse(origin)) return false;
	const from = new URL(origin);
	if (publicUrl) return from.origin === new URL(publicUrl).origin;
	return from.host === headers.host && (from.protocol === 'http:' || from.protocol === 'https:');
}
