/**
 * The HR policy pages' form handler (the CMS's counterpart of src/server/hr-forms.ts): the policy list's
 * forms (revise, upload, new policy) and a version page's (clause editor changes, submit, comment, request
 * changes, sign, confirm a question) post to their page, which hands the request here. Each calls the same
 * domain functions as the /api/v1 policy routes and the CLI, and answers with where to go next (a 303 after
 * a change) or what to show: problems in the UI language, a conflict with the typed text kept, the import
 * report. The middleware has decided who may post what (src/server/access.ts: HR, or a listed reviewer or
 * approver for the review actions) and checked the Origin and the `_csrf` field.
 */
import { personActor } from '../lib/auth/audit.ts';
import { signApproval } from '../lib/cms/approval.ts';
import {
	CmsError,
	confirmReview,
	createPolicy,
	DraftConflict,
	findLoadedVersion,
	loadOnePolicy,
	requestChangesAndCommit,
	reviseAndCommit,
	saveDraftEdit,
	submitAndCommit,
	uploadDraft,
	WorkflowError,
	type CmsOptions,
} from '../lib/cms/drafts.ts';
import { EditError } from '../lib/cms/edits.ts';
import { editFromForm } from '../lib/cms/form-edits.ts';
import { addClauseComment, clauseComments, recipientsOf, recordWorkflowEvent } from '../lib/cms/review.ts';
import { clauseMoveTargets, type EditorMoveTarget } from '../lib/cms/views.ts';
import { catalog } from '../lib/catalog/index.ts';
import { versionHash } from '../lib/content/version-hash.ts';
import type { Translate } from '../lib/i18n/index.ts';
import { signatureMethodFor } from '../lib/signature/index.ts';
import type { ZhiduLocals } from './app.ts';
import { authorOf, cmsOptions, contentChanged, repositoryOf } from './cms.ts';
import { publisher } from './publisher.ts';

export interface CmsFormOutcome {
	status: number;
	/** After a change: where the browser goes next (303). */
	redirect?: string;
	messages: string[];
	problems: string[];
	/** An upload's import report, shown on the policy list. */
	importReport?: { policy: string; version: string; report: string };
	/** A save on a stale revision: what changed since, and who. */
	conflict?: DraftConflict;
	/** What the person typed when their save was refused, shown beside the clause so nothing is lost. */
	unsaved?: { clause: string; title: string; text: string };
	/** A refused signature: the signing dialog opens again. */
	signFailed?: boolean;
	retryAfterSeconds?: number;
	/** The chapter the form was posted from (the page shows it again). */
	chapter?: string | undefined;
}

type FormField = (name: string) => string;

const outcomeOf = (): CmsFormOutcome => ({ status: 200, messages: [], problems: [] });

/** Reads the post; undefined for a GET, an outcome with 403 when the session's token does not match. */
async function readForm(request: Request, locals: ZhiduLocals, t: Translate) {
	if (request.method !== 'POST') return undefined;
	const { identity } = locals;
	if (identity?.kind !== 'person') return { refused: { ...outcomeOf(), status: 403, problems: [t('hrOnly')] } };
	const form = await request.formData();
	// The middleware checked it already; a page must never act on a post without it.
	if (identity.via === 'session' && form.get('_csrf') !== identity.session.csrfToken)
		return { refused: { ...outcomeOf(), status: 403, problems: [t('cmsCsrf')] } };
	const field: FormField = (name) => String(form.get(name) ?? '').trim();
	const raw: FormField = (name) => String(form.get(name) ?? '');
	return { form, field, raw, person: identity.person };
}

/** The errors a CMS form answers with on the page; anything else is a server error. */
function shown(error: unknown, outcome: CmsFormOutcome): boolean {
	if (error instanceof DraftConflict) {
		outcome.status = 409;
		outcome.conflict = error;
	} else if (error instanceof EditError || error instanceof CmsError) {
		outcome.status = error instanceof CmsError ? error.status : 400;
		outcome.problems.push(error.message);
	} else if (error instanceof WorkflowError) {
		outcome.status = 409;
		outcome.problems.push(error.message);
	} else return false;
	return true;
}

/** /hr/policies/: revise, upload a draft, create a policy. */
export async function handlePolicyListForm(
	request: Request,
	locals: ZhiduLocals,
	t: Translate,
): Promise<CmsFormOutcome | undefined> {
	const read = await readForm(request, locals, t);
	if (!read) return undefined;
	if ('refused' in read) return read.refused;
	const { form, field, person } = read;
	const options = cmsOptions();
	const author = authorOf(person);
	const actor = personActor(person.id);
	const outcome = outcomeOf();
	const recorded = (kind: 'revised' | 'uploaded' | 'created', policy: string, version: string, detail: object) =>
		recordWorkflowEvent(
			locals.store,
			{ kind, policy, version, recipients: [], detail: detail as Record<string, unknown> },
			actor,
		);
	try {
		switch (field('action')) {
			case 'revise': {
				const result = reviseAndCommit(options, field('policy'), author);
				contentChanged();
				await recorded('revised', result.policyId, result.version, { from: result.from, commit: result.commit });
				return { ...outcome, redirect: `/hr/policies/${result.policyId}/${result.version}/` };
			}
			case 'upload': {
				const file = form.get('file');
				if (!(file instanceof File) || !file.size) throw new CmsError(400, t('cmsUploadMissing'), 'file');
				const result = await uploadDraft(
					options,
					field('policy'),
					{ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
					author,
				);
				contentChanged();
				await recorded('uploaded', field('policy'), result.version, { file: file.name, commit: result.commit });
				outcome.importReport = { policy: field('policy'), version: result.version, report: result.report };
				outcome.messages.push(t('cmsUploaded', { version: result.version }));
				return outcome;
			}
			case 'new': {
				const months = field('reviewCycleMonths');
				const result = createPolicy(
					options,
					{
						id: field('id'),
						title: field('title'),
						...(field('documentNumber') ? { documentNumber: field('documentNumber') } : {}),
						...(field('owner') ? { owner: field('owner') } : {}),
						audience: field('audience'),
						numbering: field('numbering') as 'zh-outline',
						departments: field('departments')
							.split(/[,，、\n]/)
							.map((d) => d.trim())
							.filter(Boolean),
						...(months ? { reviewCycleMonths: Number(months) } : {}),
					},
					author,
				);
				contentChanged();
				await recorded('created', result.id, result.version, { commit: result.commit });
				return { ...outcome, redirect: `/hr/policies/${result.id}/${result.version}/` };
			}
			default:
				throw new CmsError(400, t('cmsUnknownAction'));
		}
	} catch (error) {
		if (!shown(error, outcome)) throw error;
		return outcome;
	}
}

/** /hr/policies/<policy>/<version>/: the clause editor's changes and the review actions. */
export async function handleVersionForm(
	request: Request,
	locals: ZhiduLocals,
	t: Translate,
	target: { policyId: string; version: string; chapter: string | undefined },
): Promise<CmsFormOutcome | undefined> {
	const read = await readForm(request, locals, t);
	if (!read) return undefined;
	if ('refused' in read) return read.refused;
	const { field, raw, person } = read;
	const { policyId, version } = target;
	const options = cmsOptions();
	const outcome: CmsFormOutcome = { ...outcomeOf(), chapter: field('view') || target.chapter };
	const back = (anchor?: string) => ({
		...outcome,
		redirect: `/hr/policies/${policyId}/${version}/${outcome.chapter ? `?chapter=${encodeURIComponent(outcome.chapter)}` : ''}${anchor ? `#${anchor}` : ''}`,
	});
	try {
		let moveTarget: EditorMoveTarget | undefined;
		const edit = editFromForm(
			(name) => (name === 'text' || name === 'newText' ? raw(name) : field(name)),
			(key) =>
				(moveTarget = clauseMoveTargets(findLoadedVersion(loadOnePolicy(options, policyId), version)).find(
					(m) => m.key === key,
				)),
		);
		if (edit) {
			const saved = saveDraftEdit(
				options,
				policyId,
				version,
				{ revision: field('revision'), since: field('since') || undefined },
				edit,
				authorOf(person),
			);
			contentChanged();
			// A clause moved to another chapter: that chapter is shown, with the clause.
			if (moveTarget) outcome.chapter = moveTarget.chapterKey;
			const focus = saved.ids.find((id) => id.startsWith('c-')) ?? saved.ids[0];
			return back(focus ? `k-${focus}` : undefined);
		}
		const anchor = await versionAction(field('op'), { field, raw, locals, t, options, target, outcome });
		return anchor === undefined ? outcome : back(anchor || undefined);
	} catch (error) {
		if (!shown(error, outcome)) throw error;
		if (field('op') === 'set-clause')
			outcome.unsaved = { clause: field('clause'), title: field('title'), text: raw('text') };
		return outcome;
	}
}

interface ActionContext {
	field: FormField;
	raw: FormField;
	locals: ZhiduLocals;
	t: Translate;
	options: CmsOptions;
	target: { policyId: string; version: string };
	outcome: CmsFormOutcome;
}

/**
 * A version page's workflow action: the anchor to go back to after it ('' for the top of the page), or
 * undefined when the page shows the outcome instead (a refused signature).
 */
async function versionAction(op: string, context: ActionContext): Promise<string | undefined> {
	const { field, raw, locals, t, options, outcome } = context;
	const { policyId, version } = context.target;
	const person = (locals.identity as Extract<ZhiduLocals['identity'], { kind: 'person' }>).person;
	const author = authorOf(person);
	const actor = personActor(person.id);
	const policy = loadOnePolicy(options, policyId);
	const comment = (clause: string | null) =>
		addClauseComment(
			locals.store,
			{
				policy: policyId,
				version,
				clause,
				person,
				body: field('body'),
				textHash: versionHash(policy, findLoadedVersion(policy, version)),
			},
			actor,
		);
	switch (op) {
		case 'submit': {
			const result = submitAndCommit(options, policyId, version, author);
			contentChanged();
			await recordWorkflowEvent(
				locals.store,
				{
					kind: 'submitted',
					policy: policyId,
					version,
					recipients: recipientsOf(policy.meta, 'submitted'),
					detail: { textHash: result.submittedHash, commit: result.commit },
				},
				actor,
			);
			return '';
		}
		case 'comment':
			await comment(field('clause') || null);
			return field('clause') ? `k-${field('clause')}` : 'review';
		case 'request-changes': {
			if (field('body')) await comment(null);
			const comments = (await clauseComments(locals.store, policyId, version)).length;
			const result = requestChangesAndCommit(options, policyId, version, author, comments);
			contentChanged();
			await recordWorkflowEvent(
				locals.store,
				{
					kind: 'changes-requested',
					policy: policyId,
					version,
					recipients: [],
					detail: { comments, commit: result.commit },
				},
				actor,
			);
			return '';
		}
		case 'sign': {
			const signed = await signApproval(locals.store, options, {
				policyId,
				version,
				signer: person,
				credential: raw('password'),
				method: signatureMethodFor(locals.config.identity),
				meaning: field('meaning'),
				effective: field('effective'),
				timeZone: catalog().timeZone,
				address: locals.clientAddress,
				settings: locals.config.approval,
			});
			if (!signed.ok) {
				outcome.signFailed = true;
				outcome.status = signed.reason === 'rate-limited' ? 429 : 403;
				if (signed.retryAfterSeconds) outcome.retryAfterSeconds = signed.retryAfterSeconds;
				outcome.problems.push(
					signed.reason === 'rate-limited'
						? t('cmsSignLimited', { seconds: signed.retryAfterSeconds ?? 60 })
						: signed.reason === 'no-credential'
							? t('cmsSignNoCredential')
							: t('cmsSignWrong'),
				);
				return undefined;
			}
			const pub = publisher();
			await recordWorkflowEvent(
				locals.store,
				{
					kind: signed.approved ? 'approved' : 'signed',
					policy: policyId,
					version,
					recipients: recipientsOf(policy.meta, signed.approved ? 'approved' : 'signed'),
					detail: {
						signature: signed.signature.id,
						meaning: signed.signature.meaning,
						textHash: signed.signature.subject.textHash,
						effective: field('effective'),
						...(signed.commit ? { commit: signed.commit } : {}),
						...(pub ? { instance: pub.instance } : {}),
					},
				},
				actor,
			);
			if (signed.approved) {
				contentChanged();
				// Build what the new version needs in the background; the current site serves meanwhile.
				if (pub && locals.config.publish === 'rebuild') void pub.rebuild(`${policyId} ${version} approved`);
			}
			return 'review';
		}
		case 'confirm-review':
			confirmReview(
				options,
				policyId,
				version,
				field('kind') === 'quiz-question'
					? {
							kind: 'quiz-question',
							quiz: field('quiz'),
							question: field('question'),
							...(field('prompt') ? { prompt: field('prompt') } : {}),
						}
					: { kind: 'knowledge-check', file: field('file'), line: Number(field('line')) },
				author,
				repositoryOf,
			);
			contentChanged();
			return 'reviews';
		default:
			throw new CmsError(400, t('cmsUnknownAction'));
	}
}
