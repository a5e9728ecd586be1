/**
 * Email messages, rendered when the event is written (the outbox keeps what
 * was sent): subject, plain text and HTML in the UI language, each with a
 * link to the exact page. Nodemailer encodes the subject (RFC 2047) and the
 * bodies (quoted-printable UTF-8).
 */
import { translator, type UiLanguage } from '../i18n/index.ts';

export interface EmailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
}

export interface Todo {
	/** The page to read and acknowledge the version on. */
	acknowledgeUrl?: string | undefined;
	quiz?: { title: string; url: string } | undefined;
}

export type ReminderKind = 'assigned' | 'revision' | 'due-soon' | 'overdue';

export interface ReminderInput {
	kind: ReminderKind;
	to: string;
	name: string;
	policyTitle: string;
	version: string;
	due: string;
	effective?: string | undefined;
	changedClauses?: { label: string; url: string }[] | undefined;
	todo: Todo;
	settingsUrl: string;
}

const escapeHtml = (s: string) =>
	s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Plain-text lines to HTML: URLs become links, `・` lines a list, everything else escaped. */
function linesToHtml(lines: string[], language: UiLanguage): string {
	const inline = (line: string) =>
		line
			.split(/(https?:\/\/[^\s）)]+)/)
			.map((part, i) => (i % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part)))
			.join('');
	const out: string[] = [];
	let list = false;
	for (const line of lines) {
		const item = line.startsWith('・');
		if (item && !list) out.push('<ul>');
		if (!item && list) out.push('</ul>');
		list = item;
		if (item) out.push(`<li>${inline(line.slice(1))}</li>`);
		else if (line) out.push(`<p>${inline(line)}</p>`);
	}
	if (list) out.push('</ul>');
	return `<!doctype html>\n<html lang="${language}"><head><meta charset="utf-8"></head><body>\n${out.join('\n')}\n</body></html>\n`;
}

function message(to: string, subject: string, lines: string[], language: UiLanguage): EmailMessage {
	return { to, subject, text: `${lines.join('\n')}\n`, html: linesToHtml(lines, language) };
}

export function reminderEmail(input: ReminderInput, language: UiLanguage): EmailMessage {
	const t = translator(language);
	const values = {
		name: input.name,
		policy: input.policyTitle,
		version: input.version,
		due: input.due,
		effective: input.effective ?? '',
	};
	const subjects = {
		assigned: t('notify_assignedSubject', values),
		revision: t('notify_revisionSubject', values),
		'due-soon': t('notify_dueSoonSubject', values),
		overdue: t('notify_overdueSubject', values),
	} as const;
	const intros = {
		assigned: t('notify_assignedIntro', values),
		revision: t('notify_revisionIntro', values),
		'due-soon': t('notify_dueSoonIntro', values),
		overdue: t('notify_overdueIntro', values),
	} as const;
	const lines = [intros[input.kind], ''];
	if (input.todo.acknowledgeUrl) lines.push(`・${t('notify_todoAcknowledge', { url: input.todo.acknowledgeUrl })}`);
	if (input.todo.quiz)
		lines.push(`・${t('notify_todoQuiz', { quiz: input.todo.quiz.title, url: input.todo.quiz.url })}`);
	if (input.changedClauses?.length) {
		lines.push('', t('notify_changedClauses'));
		for (const clause of input.changedClauses) lines.push(`・${clause.label} ${clause.url}`);
	}
	lines.push('', t('notify_footer', { url: input.settingsUrl }));
	return message(input.to, subjects[input.kind], lines, language);
}

export function expiringEmail(
	input: { to: string; name: string; quizTitle: string; validUntil: string; quizUrl: string; settingsUrl: string },
	language: UiLanguage,
): EmailMessage {
	const t = translator(language);
	const values = { name: input.name, quiz: input.quizTitle, date: input.validUntil, url: input.quizUrl };
	return message(
		input.to,
		t('notify_expiringSubject', values),
		[t('notify_expiringIntro', values), '', t('notify_footer', { url: input.settingsUrl })],
		language,
	);
}

export interface DigestRow {
	person: string;
	employeeId: string;
	department: string;
	policy: string;
	due: string;
}

export function digestEmail(
	input: {
		to: string;
		name: string;
		date: string;
		rows: DigestRow[];
		manager: boolean;
		listUrl: string;
		settingsUrl: string;
	},
	language: UiLanguage,
): EmailMessage {
	const t = translator(language);
	const lines = [
		t(input.manager ? 'notify_digestManagerIntro' : 'notify_digestIntro', { name: input.name, date: input.date }),
		'',
		...input.rows.map((r) => `・${t('notify_digestRow', { ...r })}`),
		'',
		t('notify_digestLink', { url: input.listUrl }),
		'',
		t('notify_footer', { url: input.settingsUrl }),
	];
	return message(input.to, t('notify_digestSubject', { count: input.rows.length, date: input.date }), lines, language);
}

export function accountLinkEmail(
	input: { to: string; name: string; url: string; purpose: 'invitation' | 'password-reset' },
	language: UiLanguage,
): EmailMessage {
	const t = translator(language);
	const invitation = input.purpose === 'invitation';
	return message(
		input.to,
		t(invitation ? 'notify_invitationSubject' : 'notify_resetSubject'),
		[t(invitation ? 'notify_invitationIntro' : 'notify_resetIntro', { name: input.name, url: input.url })],
		language,
	);
}
