/**
 * xAPI 1.0.3 statements for an LRS (issue 16): attempted and passed/failed
 * for a graded attempt, completed for an acknowledgement. Object ids are the
 * stable URLs of the quiz and the policy version; the statement id is a
 * name-based UUID (version 5) of what the statement records, so a retry PUTs
 * the same statement under the same id and the LRS treats it as a no-op.
 */
import { createHash } from 'node:crypto';

export interface XapiStatement {
	id: string;
	actor: { objectType: 'Agent'; name: string; mbox: string };
	verb: { id: string; display: Record<string, string> };
	object: {
		objectType: 'Activity';
		id: string;
		definition: { name: Record<string, string>; type: string };
	};
	result?: {
		score?: { scaled: number; raw: number; min: number; max: number };
		success?: boolean;
		completion?: boolean;
	};
	context?: { contextActivities: { parent: { objectType: 'Activity'; id: string }[] } };
	timestamp: string;
}

const verbs = {
	attempted: 'http://adlnet.gov/expapi/verbs/attempted',
	passed: 'http://adlnet.gov/expapi/verbs/passed',
	failed: 'http://adlnet.gov/expapi/verbs/failed',
	completed: 'http://adlnet.gov/expapi/verbs/completed',
} as const;

/** Zhidu's namespace for statement ids (a fixed, random UUID). */
const NAMESPACE = '6f1c9a52-3a0e-4f43-9d2b-2f6b7f1e5a10';

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace = NAMESPACE): string {
	const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
	const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
	hash[6] = (hash[6]! & 0x0f) | 0x50;
	hash[8] = (hash[8]! & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const language = (lang: string) => (lang === 'en' ? 'en-US' : 'zh-TW');

export interface Learner {
	name: string;
	email: string;
}

function actor(person: Learner): XapiStatement['actor'] {
	return { objectType: 'Agent', name: person.name, mbox: `mailto:${person.email}` };
}

export function attemptStatements(input: {
	baseUrl: string;
	uiLanguage: string;
	person: Learner;
	attemptId: string;
	quiz: { id: string; title: string };
	policy: { id: string; version: string };
	correct: number;
	total: number;
	passed: boolean;
	gradedAt: string;
}): XapiStatement[] {
	const object: XapiStatement['object'] = {
		objectType: 'Activity',
		id: `${input.baseUrl}/quizzes/${input.quiz.id}/`,
		definition: {
			name: { [language(input.uiLanguage)]: input.quiz.title },
			type: 'http://adlnet.gov/expapi/activities/assessment',
		},
	};
	const context: XapiStatement['context'] = {
		contextActivities: {
			parent: [{ objectType: 'Activity', id: `${input.baseUrl}/policies/${input.policy.id}/${input.policy.version}/` }],
		},
	};
	const score = {
		scaled: input.total ? Math.round((input.correct / input.total) * 10_000) / 10_000 : 0,
		raw: input.correct,
		min: 0,
		max: input.total,
	};
	const statement = (verb: keyof typeof verbs, result: NonNullable<XapiStatement['result']>): XapiStatement => ({
		id: uuidV5(`attempt:${input.attemptId}:${verb}`),
		actor: actor(input.person),
		verb: { id: verbs[verb], display: { 'en-US': verb } },
		object,
		result,
		context,
		timestamp: input.gradedAt,
	});
	return [
		statement('attempted', { completion: true }),
		statement(input.passed ? 'passed' : 'failed', { score, success: input.passed, completion: true }),
	];
}

export function acknowledgementStatement(input: {
	baseUrl: string;
	uiLanguage: string;
	person: Learner;
	acknowledgementId: string;
	policy: { id: string; title: string; version: string };
	at: string;
}): XapiStatement {
	return {
		id: uuidV5(`acknowledgement:${input.acknowledgementId}:completed`),
		actor: actor(input.person),
		verb: { id: verbs.completed, display: { 'en-US': 'completed' } },
		object: {
			objectType: 'Activity',
			id: `${input.baseUrl}/policies/${input.policy.id}/${input.policy.version}/`,
			definition: {
				name: { [language(input.uiLanguage)]: `${input.policy.title} ${input.policy.version}` },
				type: 'http://adlnet.gov/expapi/activities/policy',
			},
		},
		result: { completion: true },
		timestamp: input.at,
	};
}
