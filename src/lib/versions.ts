/**
 * Which version of a policy is in force on a calendar date. One function for
 * the site, the server and the CLI: the site resolves it at build time (so it
 * is rebuilt daily), the server per request.
 *
 * A version is in force from its effective date until the next approved
 * version's effective date; later approved versions are scheduled, earlier
 * ones superseded. Imported history without a stated effective date counts as
 * effective before every dated version.
 */
import type { VersionStatus } from './content/schema.ts';
import { compareVersions } from './content/version-number.ts';

export type VersionState = 'in-force' | 'scheduled' | 'superseded' | 'draft' | 'in-review';

export interface DatedVersion {
	version: string;
	status: VersionStatus;
	effective?: string | undefined;
}

export interface ResolvedVersion<T extends DatedVersion> {
	version: T;
	state: VersionState;
	/** For superseded versions: the effective date of the version that replaced it. */
	supersededOn?: string;
}

export { isTimeZone, todayIn } from './calendar.ts';

/** Approved versions in the order they take effect. */
function effectiveOrder<T extends DatedVersion>(versions: readonly T[]): T[] {
	return versions
		.filter((v) => v.status === 'approved')
		.sort((a, b) => (a.effective ?? '').localeCompare(b.effective ?? '') || compareVersions(a.version, b.version));
}

/** Every version with its state on `today`, in version order. */
export function resolveVersions<T extends DatedVersion>(versions: readonly T[], today: string): ResolvedVersion<T>[] {
	const approved = effectiveOrder(versions);
	const started = approved.filter((v) => (v.effective ?? '') <= today);
	const inForce = started.at(-1);
	return [...versions]
		.sort((a, b) => compareVersions(a.version, b.version))
		.map((version) => {
			if (version.status !== 'approved') return { version, state: version.status };
			if (version === inForce) return { version, state: 'in-force' };
			if ((version.effective ?? '') > today) return { version, state: 'scheduled' };
			const next = started[started.indexOf(version) + 1];
			return next?.effective
				? { version, state: 'superseded', supersededOn: next.effective }
				: { version, state: 'superseded' };
		});
}

/** The version in force on `today`, if any has taken effect. */
export function versionInForce<T extends DatedVersion>(versions: readonly T[], today: string): T | undefined {
	return resolveVersions(versions, today).find((r) => r.state === 'in-force')?.version;
}

/** Approved versions not yet in force, soonest first. */
export function scheduledVersions<T extends DatedVersion>(versions: readonly T[], today: string): T[] {
	return effectiveOrder(versions).filter((v) => (v.effective ?? '') > today);
}

export { addDays, addMonths } from './calendar.ts';
import { addMonths } from './calendar.ts';

/** When the version in force is due for periodic review (effective date + review cycle), if both are stated. */
export function reviewDue(effective: string | undefined, reviewCycleMonths: number | undefined): string | undefined {
	return effective && reviewCycleMonths ? addMonths(effective, reviewCycleMonths) : undefined;
}
