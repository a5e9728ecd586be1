/**
 * The HR roster page's view-model: everyone in the roster (with the
 * department and role in force today) and the API tokens. Domain objects;
 * the page translates and renders.
 */
import type { Store } from '../store/database.ts';
import { listPeople, type Person } from './people.ts';
import { listApiTokens, type ApiTokenInfo } from './sessions.ts';

export interface RosterPageView {
	people: Person[];
	tokens: ApiTokenInfo[];
}

export async function rosterPageView(store: Store): Promise<RosterPageView> {
	const [people, tokens] = await Promise.all([listPeople(store), listApiTokens(store)]);
	return { people, tokens };
}
