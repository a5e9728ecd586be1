import { join, resolve } from 'node:path';
import { companyToday } from '#lib/calendar.ts';
import { plainContentDir } from '#lib/config-defaults.ts';
import { searchHitJson } from '#lib/search/hit-json.ts';
import { loadSearchIndex, stateLookup, versionStates } from '#lib/search/from-content.ts';
import type { VersionState } from '#lib/versions.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

const usage =
	'usage: zhidu search "<query>" [--policy <id>] [--json] [--limit N] [--offset N] [--all-versions] [--content <dir>]';

/** The index the build wrote (dist/search-index.json and search-documents.ndjson, or under ZHIDU_DIST_DIR), rebuilt in memory if the content changed since. */
const distDir = (env: Record<string, string | undefined>) =>
	env['ZHIDU_DIST_DIR'] ?? join(import.meta.dirname, '..', '..', '..', 'dist');

const whole = (name: string, value: string, min: number) => {
	const n = Number(value);
	if (!Number.isInteger(n) || n < min)
		throw new UsageError(`--${name} "${value}": expected a whole number of at least ${min}`);
	return n;
};

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		policy: { type: 'string' },
		json: { type: 'boolean', default: false },
		limit: { type: 'string', default: '10' },
		offset: { type: 'string', default: '0' },
		'all-versions': { type: 'boolean', default: false },
		content: { type: 'string' },
		help: { type: 'boolean', short: 'h', default: false },
	});
	if (values.help) {
		io.out(usage);
		return 0;
	}
	const query = positionals.join(' ').trim();
	if (!query) throw new UsageError(usage);
	const limit = whole('limit', values.limit, 1);
	const offset = whole('offset', values.offset, 0);
	// The configuration's zod schema (slow to load) only when the folder's name needs validating.
	const contentDir =
		values.content ?? plainContentDir(io.env) ?? (await import('#lib/config.ts')).readBuildConfig(io.env).contentDir;
	const policiesDir = resolve(io.cwd, contentDir);
	// The content (its MDX parser) is loaded only when the index must be rebuilt: starting fast is the point.
	const index = await loadSearchIndex(
		distDir(io.env),
		policiesDir,
		async () => (await import('#lib/content/loader.ts')).loadContentOrThrow({ policiesDir }),
		{ lazy: true },
	);
	const policyIds = [...new Set(index.versions.map((v) => v.policyId))];
	if (values.policy && !policyIds.includes(values.policy)) {
		throw new UsageError(`--policy "${values.policy}": no such policy (have: ${policyIds.join(', ')})`);
	}
	const states: VersionState[] = values['all-versions'] ? ['in-force', 'scheduled', 'superseded'] : ['in-force'];
	const stateOf = stateLookup(versionStates(index.versions, companyToday(io.env)));
	const answer = index.search(query, stateOf, { policy: values.policy, limit, offset, states });
	if (values.json) {
		io.out(JSON.stringify(answer.hits.map(searchHitJson), null, 2));
		return 0;
	}
	if (answer.total === 0) {
		io.out(`No clause matches "${query}".`);
		if (answer.suggestions.length) io.out(`Try: ${answer.suggestions.map((s) => `"${s}"`).join(', ')}`);
		return 0;
	}
	const color = io.isTTY && !io.env['NO_COLOR'];
	const mark = (text: string) => (color ? `\x1b[1;33m${text}\x1b[0m` : `【${text}】`);
	answer.hits.forEach((hit, i) => {
		const d = hit.document;
		const where = [
			d.policyTitle + ` ${d.version}` + (hit.state === 'in-force' ? '' : ` (${hit.state})`),
			label(d.chapterNumber, d.chapterTitle),
			label(d.sectionNumber, d.sectionTitle),
		]
			.filter(Boolean)
			.join(' › ');
		io.out(`${offset + i + 1}. ${d.number ?? '(未編號)'}  ${where}`);
		io.out(`   ${hit.snippet.map((p) => (p.match ? mark(p.text) : p.text)).join('')}`);
		io.out(`   ${d.ref}`);
	});
	const shown = offset + answer.hits.length;
	if (shown < answer.total) io.out(`(${shown} of ${answer.total}; --offset ${shown} for more)`);
	return 0;
}

const label = (number: string | undefined, title: string | undefined) =>
	title ? `${number ?? ''}${number && !/[、)）]$/.test(number) ? ' ' : ''}${title}` : '';
