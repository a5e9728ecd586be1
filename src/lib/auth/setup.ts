/**
 * The first HR account, from a one-time setup link. The account, its password,
 * the audit entries and the using-up of every setup link commit together, so
 * a failed setup (a short password, a bad email) leaves the link usable, and
 * the first success revokes the links of every instance.
 */
import { personActor, recordAudit } from './audit.ts';
import {
	checkPassword,
	countHr,
	insertPerson,
	parsePerson,
	writePasswordHash,
	PersonError,
	type NewPerson,
} from './people.ts';
import { hashPassword } from './secrets.ts';
import { claimSetupTokens } from './sessions.ts';
import type { Store } from '../store/database.ts';

export class SetupLinkUsedError extends Error {
	override name = 'SetupLinkUsedError';
}

export async function completeSetup(
	store: Store,
	token: string,
	input: Omit<NewPerson, 'role'>,
	password: string,
	address: string | null,
): Promise<string> {
	const person = parsePerson({ ...input, role: 'hr' });
	checkPassword(password);
	const hash = await hashPassword(password);
	return store.db.transaction().execute(async (tx) => {
		// First, so that concurrent setups queue on the token rows and only the first finds its link unused.
		if (!(await claimSetupTokens(tx, token))) throw new SetupLinkUsedError('setup link used');
		if ((await countHr({ db: tx })) > 0) throw new SetupLinkUsedError('setup link used');
		const id = await insertPerson(tx, person, 'self');
		await writePasswordHash(tx, id, hash, personActor(id));
		await recordAudit(tx, { event: 'setup.completed', actor: personActor(id), subject: person.email, address });
		return id;
	});
}

export { PersonError };
