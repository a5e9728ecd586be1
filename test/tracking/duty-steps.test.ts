/**
 * The two steps of a duty as My training and HR's person page list them (`dutySteps`): the state, the
 * record that counts (which version, on which day; a pass with its score and validity), the due date and
 * the overdue mark; a policy without a quiz has nothing to pass.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContentOrThrow } from '#lib/content/loader.ts';
import { loadQuizzes } from '#lib/quiz/loader.ts';
import { dutySteps } from '#lib/tracking/duties.ts';
import { trackingRow, type RosterEntry } from '#lib/tracking/tracking.ts';

const root = resolve(import.meta.dirname, '../..');
const policies = loadContentOrThrow({ policiesDir: resolve(root, 'content/policies') });
const quizzes = loadQuizzes(resolve(root, 'quizzes'), policies).quizzes;
const policy = policies.find((p) => p.id === 'pharma-operations-department')!;
const quiz = quizzes.find((q) => q.policy === policy.id)!;
const asOf = '2027-03-01';
/** The department its assignment names (content/policies/pharma-operations-department/policy.yaml). */
const department = '運營部門';
const person: RosterEntry = {
	id: 'p1',
	employeeId: 'E1',
	name: '王小明',
	email: 'wang@example.com',
	department,
	role: 'staff',
	hireDate: '2020-01-01',
	manager: null,
	startedOn: '2020-01-01',
	history: [{ from: '2020-01-01', department, role: 'staff' }],
};
const inForce = trackingRow(policy, quiz, person, asOf, [], []).versionInForce!;

describe('the steps of a duty', () => {
	it('says what is still owed, by when, and that it is overdue', () => {
		const row = trackingRow(policy, quiz, person, asOf, [], []);
		const { acknowledgement, certification } = dutySteps(row);
		expect(acknowledgement).toMatchObject({ step: 'acknowledgement', state: 'none', done: undefined });
		expect(acknowledgement.due).toBe(row.acknowledgement.due);
		expect(acknowledgement.overdue).toBe(true);
		expect(certification).toMatchObject({ step: 'certification', state: 'none', done: undefined, overdue: true });
	});

	it('names the acknowledgement and the pass that count', () => {
		const row = trackingRow(
			policy,
			quiz,
			person,
			asOf,
			[{ attemptId: 'a1', at: '2027-02-01T02:00:00Z', passedOn: '2027-02-01', score: 90, policyVersion: inForce }],
			[{ at: '2027-01-31T02:00:00Z', acknowledgedOn: '2027-01-31', policyVersion: inForce }],
		);
		const { acknowledgement, certification } = dutySteps(row);
		expect(acknowledgement).toMatchObject({
			state: 'current',
			done: { on: '2027-01-31', version: inForce },
			overdue: false,
		});
		expect(certification).toMatchObject({
			state: 'current',
			done: { on: '2027-02-01', version: inForce, score: 90, until: row.certification.validUntil },
			overdue: false,
		});
	});

	it('has nothing to pass for a policy without a quiz', () => {
		const { certification } = dutySteps(trackingRow(policy, undefined, person, asOf, [], []));
		expect(certification).toEqual({
			step: 'certification',
			state: 'no-quiz',
			done: undefined,
			due: undefined,
			overdue: false,
		});
	});
});
