/**
 * Approval as an electronic signature: an approver re-enters their credential through the one signature
 * module (src/lib/signature/, issue 15), chooses the meaning (核准 approves, 審核 records a review), and
 * signs the version's text hash. The signature cannot apply to another text: only signatures bound to the
 * hash the version has now count, so any later edit voids them. When enough approving signatures are in
 * (a setting, default 1), the same `approve` as `zhidu approve` marks it approved, with the signatures'
 * manifestation in version.yaml (so every page and printed page shows it), and commits it.
 */
import { join } from 'node:path';
import type { Role } from '../store/schema.ts';
import { calendarDate } from '../calendar-date.ts';
import { versionHash } from '../content/version-hash.ts';
import type { Store } from '../store/database.ts';
import { sign, signaturesFor, type Signature, type SignatureMethod } from '../signature/index.ts';
import { approve, loadWorkflowContent, versionBlockers } from '../workflow/workflow.ts';
import { CmsError, findLoadedVersion, loadOnePolicy, type CmsOptions } from './drafts.ts';
import { commitContent, contentHistory } from './git.ts';

export const approvalSubjectKind = 'policy-version';
/** The meanings an approver may sign with; only 核准 counts toward approval. */
export const approvalMeanings = ['核准', '審核'] as const;
export type ApprovalMeaning = (typeof approvalMeanings)[number];
export const approvingMeaning: ApprovalMeaning = '核准';

export interface ApprovalSettings {
	/** Approving signatures a version needs (unsigned CLI approvals are not signatures). */
	signaturesRequired: number;
	/** Whether someone who edited the draft may sign its approval. */
	editorsMayApprove: boolean;
}

export const subjectId = (policy: string, version: string) => `${policy}@${version}`;

/** Messages of commits that are not edits of the text: submitting, review, approval. */
const notAnEdit = /: (submitted for review|changes requested|approved|signed)/;

/** Who edited a version (created it, changed its text), by email: the authors of its commits. */
export function editorsOf(options: CmsOptions, policyId: string, version: string): Set<string> {
	const dir = join(options.policiesDir, policyId, version);
	return new Set(
		contentHistory(options.repository, dir)
			.filter((c) => !notAnEdit.test(c.message.split('\n')[0]!))
			.map((c) => c.email.toLowerCase()),
	);
}

export interface Signer {
	id: string;
	name: string;
	email: string;
	role: Role;
}

/** Why this person may not sign this version's approval, or undefined when they may. */
export function approverRefusal(
	options: CmsOptions,
	policyId: string,
	version: string,
	signer: Signer,
	settings: ApprovalSettings,
): string | undefined {
	const policy = loadOnePolicy(options, policyId);
	const approvers = policy.meta.approvers;
	if (approvers?.length && !approvers.some((a) => a.toLowerCase() === signer.email.toLowerCase() || a === signer.role))
		return `only the approvers named in policy.yaml may sign (${approvers.join(', ')})`;
	if (!settings.editorsMayApprove && editorsOf(options, policyId, version).has(signer.email.toLowerCase()))
		return 'you edited this draft; someone who did not edit it must approve it';
	return undefined;
}

/** The signatures bound to the version's current text (valid) and those voided by a later edit. */
export async function versionSignatures(store: Pick<Store, 'db'>, policyId: string, version: string, textHash: string) {
	const all =
		(await signaturesFor(store.db, approvalSubjectKind, [subjectId(policyId, version)])).get(
			subjectId(policyId, version),
		) ?? [];
	return {
		valid: all.filter((s) => s.subject.textHash === textHash),
		voided: all.filter((s) => s.subject.textHash !== textHash),
	};
}

export type SignApprovalResult =
	| { ok: false; reason: 'invalid' | 'rate-limited' | 'no-credential'; retryAfterSeconds?: number }
	| {
			ok: true;
			signature: Signature;
			approved: boolean;
			approving: number;
			required: number;
			commit?: string | undefined;
	  };

export async function signApproval(
	store: Store,
	options: CmsOptions,
	input: {
		policyId: string;
		version: string;
		signer: Signer;
		credential: string;
		method: SignatureMethod;
		meaning: string;
		effective: string;
		timeZone: string;
		address?: string | null;
		settings: ApprovalSettings;
	},
): Promise<SignApprovalResult> {
	const { policyId, version: versionNumber, signer, settings } = input;
	if (!(approvalMeanings as readonly string[]).includes(input.meaning))
		throw new CmsError(400, `meaning: one of ${approvalMeanings.join(', ')}`, 'meaning');
	const effective = calendarDate.safeParse(input.effective);
	if (!effective.success) throw new CmsError(400, `effective: ${effective.error.issues[0]!.message}`, 'effective');
	const policy = loadOnePolicy(options, policyId);
	const version = findLoadedVersion(policy, versionNumber);
	const name = `${policyId} ${versionNumber}`;
	if (version.meta.status !== 'in-review') throw new CmsError(409, `${name} is ${version.meta.status}, not in review`);
	const textHash = versionHash(policy, version);
	if (textHash !== version.meta.review?.submittedHash)
		throw new CmsError(
			409,
			`${name}: the text changed after submission; it must go back to draft and be submitted again`,
		);
	const refusal = approverRefusal(options, policyId, versionNumber, signer, settings);
	if (refusal) throw new CmsError(409, refusal);
	const result = loadWorkflowContent(options);
	const loadedPolicy = result.policies.find((p) => p.id === policyId)!;
	const blockers = versionBlockers(
		result,
		loadedPolicy,
		loadedPolicy.versions.find((v) => v.meta.version === versionNumber)!,
		options,
	);
	if (blockers.length && input.meaning === approvingMeaning)
		throw new CmsError(409, `cannot approve ${name}: ${blockers.map((b) => b.message).join('; ')}`);
	const before = await versionSignatures(store, policyId, versionNumber, textHash);
	if (before.valid.some((s) => s.personId === signer.id && s.meaning === input.meaning))
		throw new CmsError(409, `you have already signed ${name} (${input.meaning})`);

	const signed = await sign(
		store,
		{
			personId: signer.id,
			credential: input.credential,
			method: input.method,
			meaning: input.meaning,
			timeZone: input.timeZone,
			address: input.address ?? null,
		},
		async () => ({
			subject: { kind: approvalSubjectKind, id: subjectId(policyId, versionNumber), textHash },
			result: null,
		}),
	);
	if (!signed.ok) return signed;
	const { valid } = await versionSignatures(store, policyId, versionNumber, textHash);
	const approvingSignatures = valid.filter((s) => s.meaning === approvingMeaning);
	const approving = new Set(approvingSignatures.map((s) => s.personId)).size;
	const required = Math.max(1, settings.signaturesRequired);
	if (input.meaning !== approvingMeaning || approving < required)
		return { ok: true, signature: signed.signature, approved: false, approving, required };
	const signatures = approvingSignatures.map((s) => ({
		name: s.printedName,
		meaning: s.meaning,
		signedAt: s.signedAt,
		timeZone: s.timeZone,
		textHash: s.subject.textHash,
		id: s.id,
	}));
	approve(
		policyId,
		versionNumber,
		{
			effective: effective.data,
			by: [...new Set(signatures.map((s) => s.name))].join('、'),
			meaning: approvingMeaning,
			recordedBy: 'signature',
			signatures,
		},
		options,
	);
	const commit = commitContent(
		options.repository,
		[version.dir],
		{ name: signer.name, email: signer.email },
		`${policyId} ${versionNumber}: approved, signed by ${signatures.map((s) => `${s.name} (${s.meaning})`).join(', ')}, effective ${effective.data}`,
	);
	return { ok: true, signature: signed.signature, approved: true, approving, required, commit };
}
