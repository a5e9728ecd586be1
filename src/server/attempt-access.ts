/** Who may read an attempt: the person who took it, or HR (people or tokens). */
import { HttpError, zhidu } from './api.ts';

export function attemptReader(locals: App.Locals, ownerId: string): void {
	const { identity } = zhidu(locals);
	if (!identity) throw new HttpError(401, 'sign in first');
	if (identity.kind === 'token') return;
	if (identity.person.id !== ownerId && identity.person.role !== 'hr')
		throw new HttpError(404, 'no such attempt of yours');
}
