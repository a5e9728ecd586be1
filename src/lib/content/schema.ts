/**
 * The content model. These zod schemas are the single source of truth: the
 * loader, the Astro content config, the CLI and (later) the published JSON
 * Schemas all derive from them.
 */
import { z } from 'zod';

// One calendar-date schema for every file and route (src/lib/calendar-date.ts).
export { calendarDate } from '../calendar-date.ts';
import { calendarDate } from '../calendar-date.ts';

export const numberingSchemes = ['zh-outline', 'zh-outline-fullwidth', 'zh-statute', 'decimal', 'en-article'] as const;
export const numberingScheme = z.enum(numberingSchemes);
export type NumberingScheme = z.infer<typeof numberingScheme>;

export const policyId = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]*$/, 'policy ids are lower-case letters, digits and hyphens');

/** A reviewer or approver in policy.yaml: a person's email, or a role. */
export const workflowParticipant = z
	.string()
	.trim()
	.regex(/^([^@\s]+@[^@\s]+\.[^@\s]+|hr|staff)$/, 'an email address, or a role (hr, staff)');

/** `content/policies/<policy>/policy.yaml` */
export const policySchema = z
	.object({
		title: z.string().min(1),
		/** Not stated in the source policies: optional, shown as 未載明. */
		documentNumber: z.string().min(1).optional(),
		/** Owner department; optional for the same reason. */
		owner: z.string().min(1).optional(),
		/** Who must follow the policy, in the words of its own scope clause; optional when the source has none. */
		audience: z
			.object({
				text: z.string().min(1),
				/** The clause the audience is quoted from. */
				clause: z.string().optional(),
			})
			.strict()
			.optional(),
		language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-Hant-TW'),
		/** Months between periodic reviews; optional because the sources do not state it. */
		reviewCycleMonths: z.number().int().positive().optional(),
		/** How displayed numbers are derived from clause positions. */
		numbering: numberingScheme,
		/**
		 * Who owes this policy (acknowledge and pass its quiz), following its scope
		 * clause: everyone, or people in these departments (and, optionally, roles).
		 */
		assignment: z
			.union([
				z.object({ everyone: z.literal(true) }).strict(),
				z
					.object({
						departments: z.array(z.string().min(1)).min(1),
						roles: z.array(z.enum(['staff', 'hr'])).min(1).optional(),
					})
					.strict(),
			])
			.optional(),
		/**
		 * Days to acknowledge and pass once the duty arises: the latest of the hire date, the day the person
		 * last became subject to the policy (department and role history) and the policy's first effective
		 * date (default 30).
		 */
		dueDays: z.number().int().positive().optional(),
		/** Days to acknowledge and pass again after a substantive revision, from its effective date (default 30). */
		recertifyDays: z.number().int().positive().optional(),
		/** Who reviews a version submitted for review: people by email, or a role (`hr`). */
		reviewers: z.array(workflowParticipant).optional(),
		/** Who approves (signs) it: people by email, or a role (`hr`). */
		approvers: z.array(workflowParticipant).optional(),
		/** Reminders for this policy go out even to people who turned reminders off (issue 16). */
		mandatoryReminders: z.boolean().optional(),
		/**
		 * The attestation a person makes when acknowledging, with `{title}` and `{version}` filled in.
		 * Default (in the UI language): 「本人已閱讀並理解《{title}》第 {version} 版，並同意遵守。」
		 */
		attestation: z.string().trim().min(1).max(1000).optional(),
		/** `signature`: acknowledging is an electronic signature (the password re-entered); default `attestation`. */
		acknowledgement: z.enum(['attestation', 'signature']).optional(),
	})
	.strict();
export type PolicyMeta = z.infer<typeof policySchema>;

export const versionStatuses = ['draft', 'in-review', 'approved'] as const;
export const versionStatus = z.enum(versionStatuses);
export type VersionStatus = z.infer<typeof versionStatus>;

export const changeClassification = z.enum(['editorial', 'substantive']);
export type ChangeClassification = z.infer<typeof changeClassification>;

export const versionNumber = z.string().regex(/^\d+\.\d+$/, 'a version is MAJOR.MINOR, such as 1.0');

/** `content/policies/<policy>/<version>/version.yaml` */
export const versionSchema = z
	.object({
		/** Must equal the folder name; never slugified. */
		version: versionNumber,
		status: versionStatus,
		/**
		 * The calendar date the version takes effect. Optional only for imported
		 * historical versions whose source does not state it (shown as 未載明).
		 */
		effective: calendarDate.optional(),
		approval: z
			.object({
				by: z.string().min(1),
				on: calendarDate,
				/** What the signature means, e.g. 核准. */
				meaning: z.string().min(1),
				/** Who recorded the approval (`cli:<OS user>` for `zhidu approve`), beside the person named by `by`. */
				recordedBy: z.string().min(1).optional(),
				/** `zhidu approve`: an approval recorded without an electronic signature (only the browser signs). */
				unsigned: z.boolean().optional(),
				/**
				 * The electronic signatures that approved it (the browser), as manifested (§11.50): printed name, the
				 * instant and company time zone, meaning, and the text hash each is bound to.
				 */
				signatures: z
					.array(
						z
							.object({
								name: z.string().min(1),
								meaning: z.string().min(1),
								signedAt: z.string().min(1),
								timeZone: z.string().min(1),
								textHash: z.string().regex(/^[0-9a-f]{64}$/),
								id: z.string().min(1),
							})
							.strict(),
					)
					.optional(),
			})
			.strict()
			.optional(),
		changeSummary: z.array(z.string().min(1)).min(1),
		/** Recorded by `zhidu submit`: a hash of the text as submitted, so approval refuses a text changed since. */
		review: z
			.object({
				/** sha256 of versionToPlainText of the version. */
				submittedHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
				submittedOn: calendarDate,
			})
			.strict()
			.optional(),
		/** Per-clause overrides of the computed change classification. */
		classificationOverrides: z
			.array(
				z
					.object({
						clause: z.string().min(1),
						classification: changeClassification,
						reason: z.string().min(1),
					})
					.strict(),
			)
			.default([]),
		/**
		 * Term substitutions this version makes throughout (a department renamed):
		 * a clause whose every difference from the previous version is one of
		 * these (or another editorial difference) is an editorial change.
		 */
		substitutions: z
			.array(
				z
					.object({
						from: z.string().min(1),
						to: z.string().min(1),
						reason: z.string().min(1),
					})
					.strict(),
			)
			.default([]),
		/**
		 * Lines of the source before the first chapter, other than the title: the
		 * title block, adoption and amendment notes (「…通过」「…修正」). Shown on
		 * the version page and in print; not policy text.
		 */
		sourceNotes: z.array(z.string().min(1)).optional(),
		/** Where an incomplete source breaks off; the fragment is kept as a record, never shown as policy text. */
		sourceEnds: z
			.object({
				after: z.string().min(1),
				omitted: z.string().min(1),
			})
			.strict()
			.optional(),
	})
	.strict();
export type VersionMeta = z.infer<typeof versionSchema>;

export const chapterIdPattern = /^ch-[0-9a-z-]+$/;
export const sectionIdPattern = /^s-[0-9a-z-]+$/;
export const clauseIdPattern = /^c-[0-9a-z-]+$/;

/** Frontmatter of `content/policies/<policy>/<version>/NN-<slug>.mdx` */
export const chapterFrontmatterSchema = z
	.object({
		id: z.string().regex(chapterIdPattern, 'chapter ids look like ch-1'),
		title: z.string().min(1),
	})
	.strict();
export type ChapterFrontmatter = z.infer<typeof chapterFrontmatterSchema>;
