/**
 * The HR pages' one form handler: each form posts its `action` here (through
 * the page it is on), which calls the same domain functions as the /api/v1
 * routes (src/lib/auth/people.ts, roster-import.ts, sessions.ts) and answers
 * with what to show: messages, problems in the UI language (never a domain
 * error's English, never a browser's own validation bubble: the forms are
 * `novalidate`), a token shown once, or a roster preview. The Origin and the
 * `_csrf` field are checked before any of this (src/server/app.ts,
 * src/middleware.ts); the middleware also decided that the person is HR.
 */
import { addPerson, changePerson, disablePerson } from '../lib/auth/people.ts';
import { describeProblem, previewRoster, type RosterPreview } from '../lib/auth/roster-csv.ts';
import { importRoster } from '../lib/auth/roster-import.ts';
import { discardRosterUpload, stageRosterUpload, stagedRosterUpload } from '../lib/auth/roster-uploads.ts';
import { personActor } from '../lib/auth/audit.ts';
import { invite } from '../lib/auth/account-links.ts';
import { findPerson } from '../lib/auth/people.ts';
import { createApiToken, revokeApiToken, type TokenScope } from '../lib/auth/sessions.ts';
import { encodingLabel, encodingNamed, type CsvEncoding } from '../lib/csv/encoding.ts';
import type { MessageKey, Translate } from '../lib/i18n/index.ts';
import type { ZhiduLocals } from './app.ts';

export interface HrFormOutcome {
	status: number;
	messages: string[];
	problems: string[];
	/** A new API token, shown this once. */
	newToken?: string;
	/** An invitation link to copy, when email is off (else it was emailed). */
	invitation?: { email: string; url: string };
	/** A roster file read but not imported: what HR checks (and may re-read in another encoding) first. */
	preview?: RosterPreviewView;
}

export interface RosterPreviewView extends RosterPreview {
	/**
	 * The token of the file staged server-side (src/lib/auth/roster-uploads.ts): the preview's forms carry it,
	 * not the file, so confirming needs no second upload and no bigger body than the upload's.
	 */
	upload: string;
	fileName: string;
}

const fieldLabels: Record<string, MessageKey> = {
	employeeId: 'employeeId',
	name: 'name',
	email: 'email',
	department: 'department',
	role: 'role',
	hireDate: 'hrHireDate',
	effectiveFrom: 'hrEffectiveFrom',
	disabledOn: 'hrLeavesOn',
	expiresAt: 'hrExpires',
	person: 'person',
	token: 'hrTokens',
};

/** A domain error (PersonError, HistoryError, TokenError: `field: message` in English) in the UI language. */
export function describeFieldError(t: Translate, error: Error & { field?: string }): string {
	const field = error.field ?? '';
	const label = fieldLabels[field] ? t(fieldLabels[field]) : field;
	const text = error.message.replace(`${field}: `, '');
	const notAfter = /^(\S+) is not after this person's (.+) on (\S+)/.exec(text);
	const message = notAfter
		? t('formNotAfterRecord', { date: notAfter[1]!, on: notAfter[3]! })
		: /required/.test(text)
			? t('formRequired')
			: /not an email/.test(text)
				? t('rosterNotEmail')
				: /already in the roster/.test(text)
					? t('formTaken')
					: /role must be/.test(text)
						? t('rosterBadRole')
						: /in the future/.test(text) || /one year/.test(text) || field === 'expiresAt'
							? t('hrTokenExpiry')
							: /no such person/.test(text)
								? t('personNotFound')
								: /date/i.test(text) || ['hireDate', 'effectiveFrom', 'disabledOn'].includes(field)
									? t('rosterBadDate')
									: t('formInvalid');
	return t('labelled', { label, value: message });
}

const isFieldError = (error: unknown): error is Error & { field: string } =>
	error instanceof Error && ['PersonError', 'HistoryError', 'TokenError'].includes(error.name);

/** The encoding chosen on the form (`auto` or empty: detect). */
const chosenEncoding = (value: string): CsvEncoding | undefined =>
	value && value !== 'auto' ? encodingNamed(value) : undefined;

/** Handles one HR form post; undefined for a GET. */
export async function handleHrForm(
	request: Request,
	locals: ZhiduLocals,
	t: Translate,
): Promise<HrFormOutcome | undefined> {
	if (request.method !== 'POST') return undefined;
	const { identity, store, clientAddress } = locals;
	if (identity?.kind !== 'person') return { status: 403, messages: [], problems: [t('hrOnly')] };
	const form = await request.formData();
	const field = (name: string) => String(form.get(name) ?? '').trim();
	const actor = personActor(identity.person.id);
	const outcome: HrFormOutcome = { status: 200, messages: [], problems: [] };
	/**
	 * The roster file: the upload, or the one a preview staged (by its token, for this person only). `upload` is
	 * the staged file's token, when there is one; `gone` when the form named a token that reads nothing.
	 */
	const rosterFile = async (): Promise<
		{ bytes: Uint8Array; fileName: string; upload?: string } | { gone: true } | undefined
	> => {
		const file = form.get('csv');
		if (file instanceof File && file.size > 0)
			return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name };
		const upload = field('upload');
		if (!upload) return undefined;
		const staged = await stagedRosterUpload(store, upload, identity.person.id);
		return staged ? { ...staged, upload } : { gone: true };
	};
	/** The preview to show, with the file staged (once) so its forms carry only the token. */
	const previewOf = async (
		file: { bytes: Uint8Array; fileName: string; upload?: string },
		encoding: CsvEncoding | undefined,
	): Promise<RosterPreviewView> => ({
		...(await previewRoster(file.bytes, t, { encoding })),
		upload: file.upload ?? (await stageRosterUpload(store, identity.person.id, file)),
		fileName: file.fileName,
	});
	try {
		switch (field('action')) {
			case 'add': {
				const person = await addPerson(
					store,
					{
						employeeId: field('employeeId'),
						name: field('name'),
						email: field('email'),
						department: field('department'),
						role: field('role') as 'staff',
						...(field('hireDate') ? { hireDate: field('hireDate') } : {}),
					},
					actor,
				);
				outcome.messages.push(t('hrAdded', { email: person.email }));
				break;
			}
			case 'preview':
			case 'import': {
				const file = await rosterFile();
				if (!file) {
					outcome.problems.push(t('labelled', { label: t('hrCsvFile'), value: t('formRequired') }));
					outcome.status = 400;
					break;
				}
				if ('gone' in file) {
					// Expired, already imported, someone else's, or made up: the same answer, nothing read.
					outcome.problems.push(t('rosterUploadGone'));
					outcome.status = 400;
					break;
				}
				const encoding = chosenEncoding(field('encoding'));
				if (field('action') === 'preview') {
					outcome.preview = await previewOf(file, encoding);
					break;
				}
				const imported = await importRoster(store, file.bytes, {
					t,
					actor,
					actorId: identity.person.id,
					address: clientAddress,
					encoding,
				});
				if (!imported.ok) {
					outcome.status = 400;
					outcome.problems.push(t('rosterNothingImported'), ...imported.problems.map((p) => describeProblem(t, p)));
					// Ambiguous: show both readings so HR can choose.
					if (!imported.encoding.encoding) outcome.preview = await previewOf(file, undefined);
					break;
				}
				if (file.upload) await discardRosterUpload(store, file.upload);
				const r = imported.result;
				outcome.messages.push(
					t('rosterEncodingUsed', { encoding: encodingLabel[r.encoding], by: t(`encodingBy_${r.encodingBy}`) }),
					t('rosterImportResult', {
						added: r.added,
						unchanged: r.unchanged,
						differs: r.differs.length,
						total: r.total,
					}),
					...r.differs.map((d) => describeProblem(t, { row: d.row, column: d.columns.join(', '), message: d.email })),
				);
				break;
			}
			case 'change': {
				const role = field('role');
				await changePerson(
					store,
					field('id'),
					{
						...(field('department') ? { department: field('department') } : {}),
						...(role === 'staff' || role === 'hr' ? { role } : {}),
						...(field('effectiveFrom') ? { effectiveFrom: field('effectiveFrom') } : {}),
					},
					actor,
				);
				outcome.messages.push(t('hrChanged'));
				break;
			}
			case 'correct': {
				await changePerson(store, field('id'), { name: field('name'), email: field('email') }, actor);
				outcome.messages.push(t('hrCorrected'));
				break;
			}
			case 'invite': {
				const link = await invite(store, field('id'), actor, clientAddress);
				const email = (await findPerson(store, { id: field('id') }))?.email ?? '';
				if (!link) {
					outcome.status = 400;
					outcome.problems.push(t('personNotFound'));
				} else if (link.emailed) outcome.messages.push(t('hrInviteSent', { email }));
				else outcome.invitation = { email, url: link.url };
				break;
			}
			case 'disable':
				await disablePerson(store, field('id'), field('on') || undefined, actor);
				outcome.messages.push(t('hrDisabled'));
				break;
			case 'token': {
				const expires = field('expires');
				const scope: TokenScope =
					field('scope') === 'admin' ? 'admin' : field('scope') === 'read-write' ? 'read-write' : 'read';
				// The date as the company's midnight; createApiToken checks future and at most a year (as for the API).
				const created = await createApiToken(
					store,
					{ name: field('name') || 'token', scope, expiresAt: expires ? `${expires}T00:00:00.000Z` : '' },
					actor,
				);
				outcome.newToken = created.token;
				break;
			}
			case 'revoke':
				await revokeApiToken(store, field('id'), actor);
				outcome.messages.push(t('hrRevoked'));
				break;
			default:
				outcome.status = 400;
				outcome.problems.push(t('formInvalid'));
		}
	} catch (error) {
		if (!isFieldError(error)) throw error;
		outcome.status = error.name === 'HistoryError' ? 409 : 400;
		outcome.problems.push(describeFieldError(t, error));
	}
	return outcome;
}
