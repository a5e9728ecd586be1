/** The webhook event types (issue 16): one list for the API, the HR page, the outbox and the README. */
import { z } from 'zod';

export const webhookEventTypes = [
	'attempt.graded',
	'certification.changed',
	'acknowledgement.recorded',
	'version.in_force',
	'person.overdue',
	'assignment.created',
] as const;
export const webhookEventType = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventType>;
