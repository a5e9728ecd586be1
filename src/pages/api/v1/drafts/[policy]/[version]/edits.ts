/**
 * POST /api/v1/drafts/<policy>/<version>/edits { revision, since?, edit } (HR): one change of the clause
 * editor, written and committed with the person as author; 409 with the commits and clauses changed since
 * when the draft is no longer at `revision`.
 */
import type { APIRoute } from 'astro';
import { draftEditBody } from '#lib/api/route-schemas.ts';
import { CmsError, DraftConflict, saveDraftEdit } from '#lib/cms/drafts.ts';
import { EditError } from '#lib/cms/edits.ts';
import { handle, HttpError, jsonResponse, readJson, requireHr } from '#server/api.ts';
import { authorOfIdentity, cmsOptions, contentChanged } from '#server/cms.ts';

export const prerender = false;

export const POST: APIRoute = ({ params, request, locals }) =>
	handle(async () => {
		const { identity } = requireHr(locals, true);
		const input = await readJson(request, draftEditBody);
		try {
			const saved = saveDraftEdit(
				cmsOptions(),
				params.policy!,
				params.version!,
				{ revision: input.revision, since: input.since },
				input.edit,
				authorOfIdentity(identity),
			);
			contentChanged();
			return jsonResponse(200, {
				revision: saved.revision,
				since: saved.commit ?? null,
				action: saved.action,
				ids: saved.ids,
			});
		} catch (error) {
			if (error instanceof DraftConflict)
				return jsonResponse(409, {
					error: 'the draft changed since you loaded it; nothing was saved',
					revision: error.revision,
					commits: error.commits.map(({ files: _files, ...c }) => c),
					clauses: error.clauses,
				});
			if (error instanceof EditError)
				throw new HttpError(400, error.message, { [`edit.${error.field}`]: error.message });
			if (error instanceof CmsError) throw new HttpError(error.status, error.message);
			throw error;
		}
	});
