/** GET /api/v1/drafts/<policy>/<version> (HR): the draft's revision (for saves), last commit and history. */
import type { APIRoute } from 'astro';
import {
	CmsError,
	draftRevision,
	findLoadedVersion,
	lastCommit,
	loadOnePolicy,
	versionHistory,
} from '#lib/cms/drafts.ts';
import { handle, HttpError, jsonResponse, requireHr } from '#server/api.ts';
import { cmsOptions } from '#server/cms.ts';

export const prerender = false;

export const GET: APIRoute = ({ params, locals }) =>
	handle(async () => {
		requireHr(locals);
		const options = cmsOptions();
		try {
			const version = findLoadedVersion(loadOnePolicy(options, params.policy!), params.version!);
			return jsonResponse(200, {
				policy: params.policy,
				version: params.version,
				status: version.meta.status,
				revision: draftRevision(version.dir),
				since: lastCommit(options, version.dir) ?? null,
				history: versionHistory(options, params.policy!, params.version!).map(({ files: _files, ...c }) => c),
			});
		} catch (error) {
			if (error instanceof CmsError) throw new HttpError(error.status, error.message);
			throw error;
		}
	});
