/**
 * POST /api/v1/people/import?encoding=&preview= (HR): a roster CSV in UTF-8,
 * UTF-16, Big5 or GBK (detected unless `encoding` says; src/lib/csv/encoding.ts).
 * Every row is checked before any is added, then all are added in one
 * transaction (src/lib/auth/roster-import.ts). `preview=1` imports nothing
 * and answers with the encoding used and the first rows.
 */
import type { APIRoute } from 'astro';
import { rosterImportQuery } from '#lib/api/route-schemas.ts';
import { previewRoster } from '#lib/auth/roster-csv.ts';
import { importRoster } from '#lib/auth/roster-import.ts';
import { readBuildConfig } from '#lib/config.ts';
import { translator } from '#lib/i18n/index.ts';
import { handle, HttpError, jsonResponse, requireHr, zhidu } from '#server/api.ts';
import { parseQuery } from '#server/tracking-view.ts';

export const prerender = false;

export const POST: APIRoute = ({ request, locals, url }) =>
	handle(async () => {
		const { actor, actorId, identity } = requireHr(locals, true);
		const { store, clientAddress } = zhidu(locals);
		const query = parseQuery(url, rosterImportQuery);
		if (!(request.headers.get('content-type') ?? '').includes('text/csv'))
			throw new HttpError(415, 'send the roster as text/csv');
		const t = translator(readBuildConfig().uiLanguage);
		// The bytes, not request.text(): the encoding is the file's, and what does not decode must be refused.
		const bytes = new Uint8Array(await request.arrayBuffer());
		if (query.preview) {
			const preview = await previewRoster(bytes, t, { encoding: query.encoding });
			return jsonResponse(200, {
				preview: true,
				encoding: preview.encoding.encoding ?? null,
				encodingBy: preview.encoding.by,
				candidates: preview.encoding.candidates,
				rows: preview.rows,
				alternatives: preview.alternatives,
				problem: preview.problem ?? null,
			});
		}
		const outcome = await importRoster(store, bytes, {
			t,
			actor,
			actorId,
			address: clientAddress,
			mayGrantHr: identity.kind !== 'token' || identity.scope === 'admin',
			encoding: query.encoding,
		});
		// A row that would create an HR person without the admin scope is a refusal (403), not a bad file.
		const refused = !outcome.ok && outcome.problems.some((p) => p.message === t('rosterHrNeedsAdmin'));
		if (!outcome.ok)
			return jsonResponse(refused ? 403 : 400, {
				error: t('rosterNothingImported'),
				problems: outcome.problems,
				encoding: outcome.encoding.encoding ?? null,
				encodingBy: outcome.encoding.by,
				candidates: outcome.encoding.candidates,
				fields: Object.fromEntries(outcome.problems.map((p) => [`row ${p.row}, ${p.column}`, p.message])),
			});
		return jsonResponse(200, outcome.result);
	});
