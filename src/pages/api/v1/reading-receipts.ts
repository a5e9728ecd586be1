/**
 * POST /api/v1/reading-receipts { policy, version, chapter }: the signed-in
 * person reached the end of a chapter (the chapter page sends it, with the
 * session's CSRF token). The first receipt per person, chapter and version is
 * the record: 201 when made, 200 with it afterwards. GET ?policy=&version=:
 * the person's receipts, and for a policy each chapter of the version (default
 * the one in force) read or not. Static pages themselves never write.
 */
import type { APIRoute } from 'astro';
import { z } from 'zod';
import { readingReceiptBody } from '#lib/api/route-schemas.ts';
import { chapterReading, readingReceipts, recordReadingReceipt } from '#lib/tracking/reading.ts';
import { handle, HttpError, jsonResponse, readJson, signedInPerson, zhidu } from '#server/api.ts';
import { policyOf, versionInForceOf } from '#server/catalog.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const server = zhidu(locals);
		const input = await readJson(request, readingReceiptBody);
		const policy = policyOf(input.policy);
		if (!policy) throw new HttpError(404, `no policy "${input.policy}"`, { policy: 'unknown policy' });
		const { receipt, created } = await recordReadingReceipt(server.store, {
			personId: person.id,
			policy,
			version: input.version,
			chapter: input.chapter,
			address: server.clientAddress,
		});
		return jsonResponse(created ? 201 : 200, { receipt, created });
	});

const query = z
	.object({
		policy: z.string().optional(),
		version: z
			.string()
			.regex(/^\d+\.\d+$/, 'expected a version such as 1.2')
			.optional(),
	})
	.strict();

export const GET: APIRoute = ({ url, locals }) =>
	handle(async () => {
		const person = signedInPerson(locals);
		const { store } = zhidu(locals);
		const { policy: policyId, version: wanted } = parseQuery(url, query);
		const policy = policyId ? policyOf(policyId) : undefined;
		if (policyId && !policy) throw new HttpError(400, `no policy "${policyId}"`, { policy: 'unknown policy' });
		const version = policy ? (wanted ?? versionInForceOf(policy.id)?.meta.version) : wanted;
		if (policy && version && !policy.versions.some((v) => v.meta.version === version))
			throw new HttpError(400, `${policy.id} has no version ${version}`, { version: 'unknown version' });
		const receipts = await readingReceipts(store.db, person.id, {
			...(policy ? { policy: policy.id } : {}),
			...(version ? { version } : {}),
		});
		return jsonResponse(200, {
			receipts,
			...(policy && version ? { policy: policy.id, version, chapters: chapterReading(policy, version, receipts) } : {}),
		});
	});
