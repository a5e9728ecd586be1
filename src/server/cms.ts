/**
 * What HR's policy pages and API routes share: the workflow options from the runtime catalog's folders and
 * the company's today, the content repository, the person as git author, and reading the content again
 * after a change so every on-demand page serves it at once.
 */
import { catalog, reloadCatalog } from '../lib/catalog/index.ts';
import { companyToday } from '../lib/calendar.ts';
import { contentRepository, pushContent, type ContentRepository, type GitAuthor } from '../lib/cms/git.ts';
import type { CmsOptions } from '../lib/cms/drafts.ts';
import type { Person } from '../lib/auth/people.ts';
import type { Identity } from './identity.ts';

export function cmsOptions(): CmsOptions {
	const c = catalog();
	return {
		policiesDir: c.contentDir,
		quizzesDir: c.quizzesDir,
		root: process.cwd(),
		today: companyToday(),
		repository: contentRepository(c.contentDir),
	};
}

export const repositoryOf = (dir: string): ContentRepository => contentRepository(dir);

export const authorOf = (person: Pick<Person, 'name' | 'email'>): GitAuthor => ({
	name: person.name,
	email: person.email,
});

/** The git author for an identity: the person, or the API token named for its creator. */
export function authorOfIdentity(identity: Identity): GitAuthor {
	if (identity.kind === 'person') return authorOf(identity.person);
	return { name: `API token ${identity.name}`, email: `token-${identity.tokenId}@zhidu.invalid` };
}

let lastReloadError: string | undefined;

/**
 * Reads the content again after a change. A draft that does not load must not take the site down: the
 * catalog in memory stays as it was, and the error is kept for HR's pages.
 */
export function contentChanged(): string | undefined {
	// Several instances: the commit goes to the shared remote the others pull from (src/server/publisher.ts).
	const remote = process.env['ZHIDU_CONTENT_REMOTE'];
	if (remote)
		try {
			pushContent(contentRepository(catalog().contentDir), remote);
		} catch (error) {
			console.error(`zhidu: cannot push the content to ${remote}: ${(error as Error).message}`);
		}
	try {
		reloadCatalog();
		lastReloadError = undefined;
	} catch (error) {
		lastReloadError = (error as Error).message;
	}
	return lastReloadError;
}

export const contentReloadError = () => lastReloadError;
