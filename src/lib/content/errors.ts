import type { z } from 'zod';

/** A content problem that names the file, the field (or line) and the reason. */
export class ContentError extends Error {
	readonly file: string;
	readonly field: string;
	readonly reason: string;
	constructor(file: string, field: string, reason: string) {
		super(`${file}: ${field}: ${reason}`);
		this.name = 'ContentError';
		this.file = file;
		this.field = field;
		this.reason = reason;
	}
}

/** One ContentError per zod issue, each naming its field. */
export function contentErrorsFromZod(file: string, error: z.ZodError): ContentError[] {
	return error.issues.map(
		(issue) => new ContentError(file, issue.path.length ? issue.path.join('.') : '(root)', issue.message),
	);
}

/** Several content problems at once, so one build run reports all of them. */
export class ContentErrors extends Error {
	readonly errors: ContentError[];
	constructor(errors: ContentError[]) {
		super(`Invalid content:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
		this.name = 'ContentErrors';
		this.errors = errors;
	}
}
