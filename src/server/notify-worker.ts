/**
 * The delivery worker inside the server (issue 16): every few seconds it
 * runs the daily calendar job if no instance has for today, then claims due
 * outbox rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several instances
 * share the work without sending a row twice), sends them and settles each.
 */
import { companyToday } from '../lib/calendar.ts';
import type { Store } from '../lib/store/database.ts';
import { runCalendarJob } from '../lib/notify/calendar-job.ts';
import type { NotifyConfig } from '../lib/notify/config.ts';
import { createSender } from '../lib/notify/delivery.ts';
import { claim, settle } from '../lib/notify/outbox.ts';

const BATCH = 10;

export function startNotifications(store: Store, config: NotifyConfig): () => Promise<void> {
	const sender = createSender(store, config);
	let running: Promise<void> | undefined;
	let stopped = false;
	const tick = async () => {
		try {
			await runCalendarJob(store, companyToday(), config);
		} catch (error) {
			console.error(`zhidu: calendar job: ${(error as Error).message}`);
		}
		try {
			for (;;) {
				const batch = await claim(store, BATCH, config.leaseSeconds);
				if (!batch.length || stopped) break;
				await Promise.all(batch.map(async (claimed) => settle(store, claimed, await sender.send(claimed.row), config)));
				if (batch.length < BATCH) break;
			}
		} catch (error) {
			if (!stopped) console.error(`zhidu: outbox: ${(error as Error).message}`);
		}
	};
	const timer = setInterval(() => {
		if (!running) running = tick().finally(() => (running = undefined));
	}, config.pollMs);
	timer.unref();
	return async () => {
		stopped = true;
		clearInterval(timer);
		await running;
		sender.close();
	};
}
