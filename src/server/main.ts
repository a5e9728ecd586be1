/**
 * `npm start` runs this after building: one Node process serving the site,
 * the API and the server pages through our request pipeline.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { countHr } from '../lib/auth/people.ts';
import { issueSetupToken } from '../lib/auth/sessions.ts';
import { ClockError, companyToday } from '../lib/calendar.ts';
import { openStore } from '../lib/store/database.ts';
import { createRequestHandler, type AstroHandler } from './app.ts';
import { startDeadlineSweep } from './attempt-deadlines.ts';
import { catalog, reloadCatalog } from './catalog.ts';
import { contentRepository, pullContent } from '../lib/cms/git.ts';
import { createPublisher } from './publisher.ts';
import { readServerConfig, ServerConfigError } from './config.ts';
import { inlineScriptHashes } from './security-headers.ts';
import { createSearchSocket } from './search-socket.ts';
import { NotifyConfigError, readNotifyConfig } from '../lib/notify/config.ts';
import { startNotifications } from './notify-worker.ts';

const root = resolve(import.meta.dirname, '../..');

export async function startServer(distDir = process.env['ZHIDU_DIST_DIR'] ?? join(root, 'dist')) {
	const config = readServerConfig();
	const notify = readNotifyConfig();
	// The company calendar: refuses ZHIDU_NOW without the test flag, and a bad ZHIDU_TIMEZONE, before anything starts.
	companyToday();
	const entry = join(distDir, 'server', 'entry.mjs');
	const clientDir = join(distDir, 'client');
	if (!existsSync(entry)) throw new Error(`${entry} not found: build first (npm run build)`);
	const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
	const store = await openStore({ databaseUrl: config.databaseUrl, sqliteFile: config.dbFile });
	// Load the content and quiz banks now, not on the first request (and refuse to start if they are broken),
	// and read the clock once, so an injected clock without the test flag refuses to start.
	catalog();
	companyToday();
	const handle = createRequestHandler({
		config,
		store,
		clientDir,
		astro: handler,
		scriptHashes: inlineScriptHashes(clientDir),
	});
	// Publication: approved versions are built in the background and swapped in (src/server/publisher.ts).
	const contentRepo = () => contentRepository(catalog().contentDir);
	const publishing = createPublisher({
		root,
		distDir,
		swap: (build) => handle.swap(build),
		beforeBuild: config.contentRemote ? () => pullContent(contentRepo(), config.contentRemote!) : undefined,
	});
	const stopWatch =
		config.publish === 'rebuild'
			? publishing.watch(store, () => {
					try {
						reloadCatalog();
					} catch (error) {
						console.error(`zhidu: content from another instance does not load: ${(error as Error).message}`);
					}
				})
			: () => {};
	const server = createServer(handle);
	server.requestTimeout = 30_000;
	// The browser search's records socket (src/server/search-socket.ts); every other upgrade is refused.
	const searchSocket = createSearchSocket({ config, store, clientDir: () => handle.served() });
	server.on('upgrade', (req, socket, head) => void searchSocket.upgrade(req, socket, head));
	await new Promise<void>((ready, fail) => {
		server.once('error', fail);
		server.listen(config.port, config.host, () => ready());
	});
	const base =
		config.publicUrl?.replace(/\/$/, '') ??
		`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
	const channels = [
		notify.email ? 'email on' : 'email off (ZHIDU_SMTP_URL not set)',
		notify.lrs ? 'xAPI on' : 'xAPI off',
	].join(', ');
	const serving = `zhidu: serving ${base} (database: ${store.location}, read access: ${config.read}, identity: ${config.identity}; notifications: ${channels})`;
	// One write with the setup link, so whoever sees the serving line (a test) has the link too.
	if (config.identity === 'local' && (await countHr(store)) === 0) {
		const token = await issueSetupToken(store);
		console.log(
			`${serving}\nzhidu: no HR account yet. Create the first one here (the link works until the first HR account exists):\n  ${base}/setup/?token=${token}`,
		);
	} else console.log(serving);
	// After the start-up messages: attempts whose time ran out are graded now and every few seconds.
	const stopSweep = startDeadlineSweep(store);
	// The outbox's delivery worker and the daily calendar job (once a day across all instances).
	const stopNotifications = startNotifications(store, notify);
	let closing = false;
	const close = async () => {
		if (closing) return;
		closing = true;
		stopSweep();
		stopWatch();
		server.close();
		server.closeAllConnections();
		searchSocket.close();
		await stopNotifications();
		await store.close();
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void close().then(() => process.exit(0)));
	return { server, store, close, base };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	startServer().catch((error: unknown) => {
		console.error(
			error instanceof ServerConfigError || error instanceof ClockError || error instanceof NotifyConfigError
				? error.message
				: `zhidu: ${(error as Error).message}`,
		);
		process.exit(1);
	});
}
