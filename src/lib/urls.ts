/** The site's URLs, in one place so links, pages, search results and the API agree. Directory format, trailing slash. */
export const homeUrl = () => '/';
export const policyUrl = (policy: string) => `/policies/${policy}/`;
export const historyUrl = (policy: string) => `/policies/${policy}/history/`;
export const compareIndexUrl = (policy: string) => `/policies/${policy}/compare/`;
export const compareUrl = (policy: string, from: string, to: string) => `/policies/${policy}/compare/${from}...${to}/`;
export const versionUrl = (policy: string, version: string) => `/policies/${policy}/${version}/`;
export const printUrl = (policy: string, version: string) => `/policies/${policy}/${version}/print/`;
export const chapterUrl = (policy: string, version: string, chapter: string) =>
	`/policies/${policy}/${version}/${chapter}/`;
export const clauseUrl = (policy: string, version: string, chapter: string, clause: string) =>
	`${chapterUrl(policy, version, chapter)}#${clause}`;
/** Always lands on the clause in the version in force (or the latest version that has it). */
export const clauseAliasUrl = (policy: string, clause: string) => `/policies/${policy}/clauses/${clause}/`;
/** The attestation page: read every chapter, then acknowledge (and sign) the version in force. */
export const acknowledgeUrl = (policy: string) => `/policies/${policy}/acknowledge/`;
/** A person's transcript: their own, or (HR) anyone's. */
export const myTranscriptUrl = () => '/me/transcript/';
export const personTranscriptUrl = (personId: string) => `/hr/people/${personId}/transcript/`;
