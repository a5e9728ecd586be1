/**
 * What the tests need outside npm, checked (and set up when possible) before
 * any test runs: `npm test` calls this for the lanes it runs.
 *
 *   node scripts/test-prerequisites.ts [unit|build|server|browser …]
 *
 * - PostgreSQL at ZHIDU_TEST_PG_URL (unit, server, browser): started with
 *   pg_ctlcluster, and the test role and database created, when run as root
 *   (or with password-less sudo); installed from apt if absent.
 * - Debian packages: chromium-headless-shell, fonts-noto-cjk, poppler-utils (browser), nginx
 *   and openssl (server, browser: the HTTPS proxy tests): installed from apt as root.
 * Otherwise it names each missing piece and the command that provides it, and
 * fails.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

export const lanes = ['unit', 'build', 'server', 'browser'] as const;
export type Lane = (typeof lanes)[number];

/** The role and database that `npm test` creates (and the default the tests use). */
export const defaultTestPgUrl = 'postgres://zhidu_test:zhidu_test@127.0.0.1:5432/zhidu_test';

interface AptNeed {
	/** The Debian package that provides it. */
	pkg: string;
	what: string;
	present: () => boolean;
	lanes: Lane[];
}

const onPath = (command: string) =>
	['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin', ...(process.env['PATH'] ?? '').split(':')].some(
		(dir) => dir && existsSync(`${dir}/${command}`),
	);
const dpkgHas = (pkg: string) =>
	spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed');

const aptNeeds: AptNeed[] = [
	{
		// The browser tests' Chromium (test/support/browser.ts).
		pkg: 'chromium-headless-shell',
		what: `Chromium's headless shell at ${process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium-headless-shell'} (or set CHROMIUM_PATH)`,
		present: () => existsSync(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium-headless-shell'),
		lanes: ['browser'],
	},
	{
		pkg: 'fonts-noto-cjk',
		what: 'CJK fonts (Noto CJK)',
		present: () =>
			dpkgHas('fonts-noto-cjk') ||
			/Noto (Sans|Serif) CJK/.test(spawnSync('fc-list', [], { encoding: 'utf8' }).stdout ?? ''),
		lanes: ['browser'],
	},
	{
		pkg: 'poppler-utils',
		what: 'pdftotext and pdfinfo',
		present: () => onPath('pdftotext') && onPath('pdfinfo'),
		lanes: ['browser'],
	},
	{ pkg: 'nginx', what: 'nginx', present: () => onPath('nginx'), lanes: ['server', 'browser'] },
	{
		pkg: 'openssl',
		what: 'openssl (test certificates)',
		present: () => onPath('openssl'),
		lanes: ['server', 'browser'],
	},
];

const pgLanes: Lane[] = ['unit', 'server', 'browser'];

const isRoot = process.getuid?.() === 0;
/** Run as root: directly, or through password-less sudo; undefined when neither is possible. */
function asRoot(): string[] | undefined {
	if (isRoot) return [];
	if (onPath('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0) return ['sudo', '-n'];
	return undefined;
}

function run(command: string[], options: SpawnSyncOptions = {}): boolean {
	const [file, ...args] = command;
	const result = spawnSync(file!, args, { stdio: 'inherit', ...options });
	return result.status === 0;
}

function aptInstall(root: string[], pkgs: string[]): boolean {
	console.log(`test prerequisites: installing ${pkgs.join(' ')} from apt`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	return (
		run([...root, 'apt-get', 'update', '-qq'], { env }) &&
		run([...root, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env })
	);
}

async function pgAnswers(url: string): Promise<string | undefined> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
	try {
		await client.connect();
		const { rows } = await client.query<{ createdb: boolean }>(
			'SELECT rolcreatedb AS createdb FROM pg_roles WHERE rolname = current_user',
		);
		if (!rows[0]?.createdb) return 'the role may not create databases (the tests make throwaway ones)';
		return undefined;
	} catch (error) {
		return (error as Error).message || String(error);
	} finally {
		await client.end().catch(() => {});
	}
}

const createRoleSql = `DO $$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhidu_test') THEN
		CREATE ROLE zhidu_test LOGIN CREATEDB PASSWORD 'zhidu_test';
	END IF;
END $$;
SELECT 'CREATE DATABASE zhidu_test OWNER zhidu_test' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'zhidu_test')\\gexec
`;

/** Starts the local cluster and creates the test role (as .ci/run did), as root. */
async function setUpPostgres(root: string[]): Promise<boolean> {
	if (!onPath('pg_ctlcluster') && !aptInstall(root, ['postgresql'])) return false;
	const clusters = existsSync('/etc/postgresql')
		? readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b))
		: [];
	const version = clusters.at(-1);
	if (!version) return false;
	const ready = () => spawnSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).status === 0;
	if (!ready()) {
		console.log(`test prerequisites: starting PostgreSQL ${version}`);
		run([...root, 'pg_ctlcluster', version, 'main', 'start']);
		for (let i = 0; i < 60; i++) {
			if (ready()) break;
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	const asPostgres = isRoot ? ['runuser', '-u', 'postgres', '--'] : [...root, '-u', 'postgres'];
	return run([...asPostgres, 'psql', '-q', '-v', 'ON_ERROR_STOP=1'], {
		input: createRoleSql,
		stdio: ['pipe', 'inherit', 'inherit'],
	});
}

/** Checks (and where possible provides) what the given lanes need; returns the problems left. */
export async function ensurePrerequisites(selected: readonly Lane[], env = process.env): Promise<string[]> {
	const root = asRoot();
	const problems: string[] = [];
	const needed = aptNeeds.filter((need) => need.lanes.some((lane) => selected.includes(lane)));
	let missing = needed.filter((need) => !need.present());
	if (missing.length && root) {
		aptInstall(
			root,
			missing.map((m) => m.pkg),
		);
		missing = missing.filter((need) => !need.present());
	}
	for (const need of missing) {
		problems.push(`${need.what} is missing: sudo apt-get install ${need.pkg}`);
	}
	if (pgLanes.some((lane) => selected.includes(lane))) {
		const url = env['ZHIDU_TEST_PG_URL'] || defaultTestPgUrl;
		let problem = await pgAnswers(url);
		if (problem && root && url === defaultTestPgUrl) {
			await setUpPostgres(root);
			problem = await pgAnswers(url);
		}
		if (problem) {
			problems.push(
				`PostgreSQL at ${url.replace(/:[^:@/]*@/, ':…@')} does not answer (${problem}). Run npm test as root ` +
					`(it starts PostgreSQL and creates the role), or: sudo apt-get install postgresql && ` +
					`sudo pg_ctlcluster <version> main start && sudo -u postgres psql -c "CREATE ROLE zhidu_test ` +
					`LOGIN CREATEDB PASSWORD 'zhidu_test'" -c "CREATE DATABASE zhidu_test OWNER zhidu_test"; ` +
					`or set ZHIDU_TEST_PG_URL to a role that may create databases.`,
			);
		}
	}
	return problems;
}

export function report(problems: string[]): void {
	console.error(
		`test prerequisites: ${problems.length} missing; no test was run.\n${problems.map((p) => `  - ${p}`).join('\n')}`,
	);
}

if (import.meta.main) {
	const args = process.argv.slice(2);
	const unknown = args.filter((a) => !(lanes as readonly string[]).includes(a));
	if (unknown.length) {
		console.error(`usage: node scripts/test-prerequisites.ts [${lanes.join('|')} …]`);
		process.exit(2);
	}
	const problems = await ensurePrerequisites(args.length ? (args as Lane[]) : lanes);
	if (problems.length) {
		report(problems);
		process.exit(1);
	}
	console.log('test prerequisites: all present');
}
