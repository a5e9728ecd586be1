import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatImportReport, importFile, writeImportedVersion } from '#lib/importer/index.ts';
import { formatAlignment, type AlignmentReport } from '#lib/importer/align.ts';
import { alignImport, existingPolicy, readSubstitutions, schemeOf } from '#lib/importer/revision.ts';
import { numberingScheme, type NumberingScheme } from '#lib/content/schema.ts';
import type { Substitution } from '#lib/diff/editorial.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

const usage =
	'usage: zhidu import <file> --policy <id> --version <v> [--substitutions <file.yaml>] [--force] [--dry-run] [--scheme <s>] [--json]';

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const { values, positionals } = parseCommandArgs(args, {
		policy: { type: 'string' },
		version: { type: 'string' },
		force: { type: 'boolean', default: false },
		'dry-run': { type: 'boolean', default: false },
		scheme: { type: 'string' },
		substitutions: { type: 'string' },
		content: { type: 'string' },
		json: { type: 'boolean', default: false },
	});
	const [file] = positionals;
	if (!file) throw new UsageError(usage);
	if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
	if (!values['dry-run'] && (!values.policy || !values.version))
		throw new UsageError('--policy <id> and --version <v> are required (or use --dry-run)');
	let scheme: NumberingScheme | undefined;
	if (values.scheme) {
		const parsed = numberingScheme.safeParse(values.scheme);
		if (!parsed.success)
			throw new UsageError(`--scheme "${values.scheme}": expected one of ${numberingScheme.options.join(', ')}`);
		scheme = parsed.data;
	}
	let substitutions: Substitution[] = [];
	if (values.substitutions) {
		if (!existsSync(values.substitutions))
			throw new UsageError(`--substitutions ${values.substitutions}: no such file`);
		try {
			substitutions = readSubstitutions(values.substitutions);
		} catch (error) {
			throw new UsageError(`--substitutions ${(error as Error).message}`);
		}
	}
	const policiesDir = values.content ?? join(io.cwd, 'content', 'policies');

	// A revision of an existing policy is aligned with its latest version, so clause ids are kept.
	const existing =
		values.policy && values.version ? existingPolicy(policiesDir, values.policy, values.version) : undefined;
	if (existing && !scheme) scheme = schemeOf(existing);
	const result = await importFile(file, scheme ? { scheme } : {});
	let alignment: AlignmentReport | undefined;
	if (existing) alignment = alignImport(result, existing, substitutions);

	if (values.json) io.out(JSON.stringify({ report: result.report, alignment, chapters: result.chapters }, null, 2));
	else {
		io.out(formatImportReport(result.report));
		if (alignment) io.out(`\n${formatAlignment(alignment)}`);
	}
	if (values['dry-run']) return 0;
	const written = writeImportedVersion(result, {
		policiesDir,
		policyId: values.policy!,
		version: values.version!,
		source: file,
		force: values.force,
		substitutions,
		...(alignment
			? {
					changeSummary: [
						`Aligned with ${alignment.against}: ${alignment.reworded.length} reworded, ${alignment.moved.length} moved, ${alignment.inserted.length} inserted, ${alignment.removed.length} removed`,
					],
				}
			: {}),
	});
	if (!values.json) {
		io.out(`\nWrote ${written.files.length} files to ${relative(io.cwd, written.dir) || written.dir} (status: draft).`);
		if (written.createdPolicy) io.out('Created policy.yaml with what the source states; fill in the rest by hand.');
		if (alignment) io.out(`See the changes: zhidu diff ${values.policy} ${alignment.against} ${values.version}`);
	}
	return 0;
}
