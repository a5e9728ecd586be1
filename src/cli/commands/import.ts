import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatImportReport, importFile, writeImportedVersion } from '../../lib/importer/index.ts';
import { numberingScheme } from '../../lib/content/schema.ts';
import { parseCommandArgs, UsageError } from '../args.ts';

export async function run(args: string[]): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		policy: { type: 'string' },
		version: { type: 'string' },
		force: { type: 'boolean', default: false },
		'dry-run': { type: 'boolean', default: false },
		scheme: { type: 'string' },
		content: { type: 'string' },
		json: { type: 'boolean', default: false },
	});
	const [file] = positionals;
	if (!file) throw new UsageError('usage: zhidu import <file> --policy <id> --version <v> [--force] [--dry-run]');
	if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
	if (!values['dry-run'] && (!values.policy || !values.version))
		throw new UsageError('--policy <id> and --version <v> are required (or use --dry-run)');
	let scheme;
	if (values.scheme) {
		const parsed = numberingScheme.safeParse(values.scheme);
		if (!parsed.success)
			throw new UsageError(`--scheme "${values.scheme}": expected one of ${numberingScheme.options.join(', ')}`);
		scheme = parsed.data;
	}
	const result = await importFile(file, scheme ? { scheme } : {});
	if (values.json) console.log(JSON.stringify({ report: result.report, chapters: result.chapters }, null, 2));
	else console.log(formatImportReport(result.report));
	if (values['dry-run']) return 0;
	const policiesDir = values.content ?? join(process.cwd(), 'content', 'policies');
	const written = writeImportedVersion(result, {
		policiesDir,
		policyId: values.policy!,
		version: values.version!,
		source: file,
		force: values.force,
	});
	if (!values.json) {
		console.log(
			`\nWrote ${written.files.length} files to ${relative(process.cwd(), written.dir) || written.dir} (status: draft).`,
		);
		if (written.createdPolicy)
			console.log('Created policy.yaml with what the source states; fill in the rest by hand.');
	}
	return 0;
}
