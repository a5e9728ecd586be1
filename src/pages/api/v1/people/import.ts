/**
 * POST /api/v1/people/import (HR): a roster CSV (UTF-8); every row is checked
 * before any is added, then all are added in one transaction (src/lib/auth/roster-import.ts).
 */
import type { APIRoute } from 'astro';
import { importRoster } from '#lib/auth/roster-import.ts';
import { readBuildConfig } from '#lib/config.ts';
import { translator } from '#lib/i18n/index.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';

export const prerender = false;

export const POST: APIRoute = ({ request, locals }) =>
	handle(async () => {
		const { actor, actorId, identity } = requireHr(locals, true);
		const { store, clientAddress } = zhidu(locals);
		if (!(request.headers.get('content-type') ?? '').includes('text/csv'))
			throw new HttpError(415, 'send the roster as text/csv');
		const t = translator(readBuildConfig().uiLanguage);
		// The bytes, not request.text(): invalid UTF-8 must be refused, not turned into U+FFFD.
		const outcome = await importRoster(store, new Uint8Array(await request.arrayBuffer()), {
			t,
			actor,
			actorId,
			address: clientAddress,
			mayGrantHr: identity.kind !== 'token' || identity.scope === 'admin',
		});
		// A row that would create an HR person without the admin scope is a refusal (403), not a bad file.
		const refused = !outcome.ok && outcome.problems.some((p) => p.message === t('rosterHrNeedsAdmin'));
		if (!outcome.ok)
			return jsonResponse(refused ? 403 : 400, {
				error: t('rosterNothingImported'),
				problems: outcome.problems,
				fields: Object.fromEntries(outcome.problems.map((p) => [`row ${p.row}, ${p.column}`, p.message])),
			});
		return jsonResponse(200, outcome.result);
	});
