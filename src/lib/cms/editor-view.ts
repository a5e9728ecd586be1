/**
 * The view-model of a version's page under /hr/policies/: the clause editor's view (src/lib/cms/views.ts)
 * with what the store adds (reviewers' comments, the signatures bound to the text as it is now) and what
 * the person may do on it. HR edits a draft and takes every review action; a reviewer or approver named in
 * policy.yaml who is not HR (the access decision let them in, src/server/access.ts) reads the version and
 * comments, requests changes or signs as their part allows, with no editing controls.
 */
import { addDays } from '../calendar.ts';
import { versionHash } from '../content/version-hash.ts';
import type { Store } from '../store/database.ts';
import {
	approverRefusal,
	approvingMeaning,
	versionSignatures,
	type ApprovalSettings,
	type Signer,
} from './approval.ts';
import { CmsError, findLoadedVersion, loadOnePolicy, type CmsOptions } from './drafts.ts';
import { clauseComments, participantMay, type ClauseComment, type ReviewParticipation } from './review.ts';
import { editorView, type EditorView } from './views.ts';

export interface VersionPageView {
	view: EditorView;
	/** The version's text hash now: what a signature binds. */
	textHash: string;
	signatures: Awaited<ReturnType<typeof versionSignatures>>;
	/** Approving (核准) signatures in, by distinct people, and how many the setting asks for. */
	approving: number;
	required: number;
	/** Why this person may not sign (shown to them), when they could otherwise. */
	cannotSign: string | undefined;
	/** The effective date the signing dialog proposes: the company's tomorrow. */
	tomorrow: string;
	/** Comments by clause key; `null` holds those on the whole version. */
	comments: (clause: string | null) => ClauseComment[];
	/** What the page offers this person. */
	may: { edit: boolean; comment: boolean; requestChanges: boolean; sign: boolean; confirmQuestions: boolean };
	/** Whether the person is HR (the policy list and the other HR pages are theirs). */
	hr: boolean;
}

/** Whether the policy has this version (a page for anything else is a 404). */
export function versionExists(options: CmsOptions, policyId: string, version: string): boolean {
	try {
		findLoadedVersion(loadOnePolicy(options, policyId), version);
		return true;
	} catch (error) {
		if (error instanceof CmsError) return false;
		throw error;
	}
}

export async function versionPageView(
	store: Store,
	options: CmsOptions,
	input: {
		policyId: string;
		version: string;
		chapter: string | undefined;
		person: Signer;
		settings: ApprovalSettings;
		/** Set for a non-HR reviewer or approver (the access decision's); undefined for HR. */
		review: ReviewParticipation | undefined;
	},
): Promise<VersionPageView> {
	const { policyId, version, person, review } = input;
	const view = editorView(options, policyId, version, input.chapter);
	const policy = loadOnePolicy(options, policyId);
	const textHash = versionHash(policy, findLoadedVersion(policy, version));
	const signatures = await versionSignatures(store, policyId, version, textHash);
	const inReview = view.status === 'in-review';
	const allowed = (action: string) => !review || participantMay(review, action);
	const cannotSign =
		inReview && allowed('sign') ? approverRefusal(options, policyId, version, person, input.settings) : undefined;
	const all = await clauseComments(store, policyId, version);
	return {
		view,
		textHash,
		signatures,
		approving: new Set(signatures.valid.filter((s) => s.meaning === approvingMeaning).map((s) => s.personId)).size,
		required: input.settings.signaturesRequired,
		cannotSign,
		tomorrow: addDays(options.today, 1),
		comments: (clause) => all.filter((c) => c.clause === clause),
		may: {
			edit: view.status === 'draft' && !review,
			comment: inReview && allowed('comment'),
			requestChanges: inReview && allowed('request-changes'),
			sign: inReview && allowed('sign') && !cannotSign,
			confirmQuestions: view.status !== 'approved' && !review,
		},
		hr: !review,
	};
}
