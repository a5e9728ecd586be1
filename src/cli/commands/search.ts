import { companyToday } from '../../lib/calendar.ts';
import { resolve } from 'node:path';
import { readBuildConfig } from '../../lib/config.ts';
import { loadContentOrThrow } from '../../lib/content/loader.ts';
import { SearchIndex, type SearchHit } from '../../lib/search/clause-index.ts';
import { searchIndexOf } from '../../lib/search/from-content.ts';
import type { VersionState } from '../../lib/versions.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = 'usage: zhidu search "<query>" [--policy <id>] [--json] [--limit N] [--all-versions] [--content <dir>]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		policy: { type: 'string' },
		json: { type: 'boolean', default: false },
		limit: { type: 'string', default: '10' },
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
	const limit = Number(values.limit);
	if (!Number.isInteger(limit) || limit < 1)
		throw new UsageError(`--limit "${values.limit}": expected a positive whole number`);
	const config = readBuildConfig(io.env);
	const policies = loadContentOrThrow({ policiesDir: resolve(io.cwd, values.content ?? config.contentDir) });
	if (values.policy && !policies.some((p) => p.id === values.policy)) {
		throw new UsageError(`--policy "${values.policy}": no such policy (have: ${policies.map((p) => p.id).join(', ')})`);
	}
	const index = new SearchIndex(searchIndexOf(policies, companyToday()));
	const states: VersionState[] = values['all-versions'] ? ['in-force', 'scheduled', 'superseded'] : ['in-force'];
	const hits = index.search(query, { policy: values.policy, limit, states });
	if (values.json) {
		io.out(JSON.stringify(hits.map(toJson), null, 2));
		return 0;
	}
	if (hits.length === 0) {
		io.out(`No clause matches "${query}".`);
		return 0;
	}
	const color = io.isTTY && !io.env['NO_COLOR'];
	const mark = (text: string) => (color ? `\x1b[1;33m${text}\x1b[0m` : `【${text}】`);
	hits.forEach((hit, i) => {
		const d = hit.document;
		const where = [
			d.policyTitle + ` ${d.version}`,
			label(d.chapterNumber, d.chapterTitle),
			label(d.sectionNumber, d.sectionTitle),
		]
			.filter(Boolean)
			.join(' › ');
		io.out(`${i + 1}. ${d.number ?? '(未編號)'}  ${where}`);
		io.out(`   ${hit.snippet.map((p) => (p.match ? mark(p.text) : p.text)).join('')}`);
		io.out(`   ${d.ref}`);
	});
	return 0;
}

const label = (number: string | undefined, title: string | undefined) =>
	title ? `${number ?? ''}${number && !/[、)）]$/.test(number) ? ' ' : ''}${title}` : '';

function toJson(hit: SearchHit) {
	const d = hit.document;
	return {
		url: d.ref,
		clauseId: d.clauseId,
		number: d.number ?? null,
		policy: d.policyId,
		version: d.version,
		chapter: { id: d.chapterId, number: d.chapterNumber ?? null, title: d.chapterTitle },
		section: d.sectionId ? { id: d.sectionId, number: d.sectionNumber ?? null, title: d.sectionTitle } : null,
		score: Number(hit.score.toFixed(4)),
		exactPhrase: hit.exactPhrase,
		snippet: hit.snippet,
		text: d.text,
	};
}
