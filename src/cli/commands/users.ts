/** `zhidu users add | import <csv> | export | set-password | disable | list`: the roster, for local accounts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { cliActor, recordAudit } from '#lib/auth/audit.ts';
import { resolve } from 'node:path';
import { addPerson, disablePerson, findPerson, listPeople, setPassword } from '#lib/auth/people.ts';
import { describeProblem, previewRoster, rosterCsv } from '#lib/auth/roster-csv.ts';
import { rosterHeaderLanguages, type RosterHeaderLanguage } from '#lib/auth/roster-columns.ts';
import { companyToday } from '#lib/calendar.ts';
import { calendarDate } from '#lib/calendar-date.ts';
import { rosterAsOf } from '#lib/tracking/tracking.ts';
import { csvEncodings, encodingLabel, encodingNamed } from '#lib/csv/encoding.ts';
import { importRoster } from '#lib/auth/roster-import.ts';
import { readBuildConfig } from '#lib/config.ts';
import { translator } from '#lib/i18n/index.ts';
import { openStore } from '#lib/store/database.ts';
import { readServerConfig } from '#server/config.ts';
import { parseCommandArgs, UsageError } from '../args.ts';
import { processIo, type CliIo } from '../io.ts';

const usage = `usage:
  zhidu users list [--json]
  zhidu users add --employee-id <id> --name <name> --email <email> --department <dept> --role staff|hr [--hire-date YYYY-MM-DD]
  zhidu users import <roster.csv> [--encoding utf-8|utf-16le|utf-16be|big5|gbk]
                                         (columns: employee_id,name,email,department,role,hire_date,manager
                                          or their Chinese headers; the encoding is detected unless given)
  zhidu users export [--as-of YYYY-MM-DD] [--headers zh|en] [--out <file>]
                                         the roster on a date (default today) as CSV, every column the import
                                          reads (headers in Chinese, or English); standard output unless --out
  zhidu users set-password <email>       (reads the new password from ZHIDU_NEW_PASSWORD or standard input)
  zhidu users disable <email> [--on YYYY-MM-DD]`;

async function readPassword(io: CliIo): Promise<string> {
	if (io.env['ZHIDU_NEW_PASSWORD']) return io.env['ZHIDU_NEW_PASSWORD'];
	if (io.stdin.isTTY) io.err('New password: ');
	const chunks: Buffer[] = [];
	for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
}

export async function run(args: string[], io: CliIo = processIo): Promise<number> {
	const [action, ...rest] = args;
	if (!action || action === '--help' || action === '-h') {
		io.out(usage);
		return action ? 0 : 2;
	}
	const config = readServerConfig(io.env);
	const store = await openStore({ databaseUrl: config.databaseUrl, sqliteFile: resolve(io.cwd, config.dbFile) });
	// The audit log names the CLI and the OS user who ran it.
	const actor = cliActor();
	try {
		switch (action) {
			case 'list': {
				const { values } = parseCommandArgs(rest, { json: { type: 'boolean', default: false } }, false);
				const people = await listPeople(store);
				if (values.json) io.out(JSON.stringify(people, null, 2));
				else
					for (const p of people)
						io.out(
							[
								p.employeeId,
								p.name,
								p.email,
								p.department,
								p.role,
								p.hireDate ?? '',
								p.disabledOn ? `disabled ${p.disabledOn}` : 'active',
							].join('\t'),
						);
				return 0;
			}
			case 'add': {
				const { values } = parseCommandArgs(
					rest,
					{
						'employee-id': { type: 'string' },
						name: { type: 'string' },
						email: { type: 'string' },
						department: { type: 'string' },
						role: { type: 'string' },
						'hire-date': { type: 'string' },
					},
					false,
				);
				const person = await addPerson(
					store,
					{
						employeeId: values['employee-id'] ?? '',
						name: values.name ?? '',
						email: values.email ?? '',
						department: values.department ?? '',
						role: (values.role ?? '') as 'staff',
						...(values['hire-date'] ? { hireDate: values['hire-date'] } : {}),
					},
					actor,
				);
				io.out(`added ${person.email} (${person.role}, ${person.department})`);
				return 0;
			}
			case 'import': {
				const { values, positionals } = parseCommandArgs(rest, { encoding: { type: 'string' } });
				const [file] = positionals;
				if (!file) throw new UsageError(usage);
				const encoding = values.encoding === undefined ? undefined : encodingNamed(values.encoding);
				if (values.encoding !== undefined && !encoding)
					throw new UsageError(`--encoding ${values.encoding}: one of ${csvEncodings.join(', ')}`);
				const t = translator(readBuildConfig(io.env).uiLanguage);
				const bytes = readFileSync(resolve(io.cwd, file));
				const outcome = await importRoster(store, bytes, { t, actor, actorId: null, encoding });
				if (!outcome.ok) {
					if (outcome.encoding.encoding)
						io.err(
							`${file}: ${t('rosterEncodingUsed', { encoding: encodingLabel[outcome.encoding.encoding], by: t(`encodingBy_${outcome.encoding.by}`) })}`,
						);
					for (const p of outcome.problems) io.err(`${file}: ${describeProblem(t, p)}`);
					// Big5 or GBK: show the first rows each way, so the person sees which reads right.
					if (!outcome.encoding.encoding) {
						const preview = await previewRoster(bytes, t, {}, 4);
						for (const alternative of preview.alternatives) {
							io.err(`--encoding ${alternative.encoding} (${encodingLabel[alternative.encoding]}):`);
							for (const row of alternative.rows) io.err(`  ${row.join(',')}`);
						}
					}
					io.err(t('rosterNothingImported'));
					return 1;
				}
				const r = outcome.result;
				io.out(
					`${file}: ${t('rosterEncodingUsed', { encoding: encodingLabel[r.encoding], by: t(`encodingBy_${r.encodingBy}`) })}`,
				);
				for (const d of r.differs)
					io.out(`${file}: ${describeProblem(t, { row: d.row, column: d.columns.join(', '), message: d.email })}`);
				io.out(
					t('rosterImportResult', {
						added: r.added,
						unchanged: r.unchanged,
						differs: r.differs.length,
						total: r.total,
					}),
				);
				return 0;
			}
			case 'export': {
				const { values } = parseCommandArgs(
					rest,
					{ 'as-of': { type: 'string' }, headers: { type: 'string' }, out: { type: 'string' } },
					false,
				);
				const asOf = values['as-of'] ?? companyToday(io.env);
				if (!calendarDate.safeParse(asOf).success) throw new UsageError(`--as-of ${asOf}: a date YYYY-MM-DD`);
				const headers = (values.headers ?? 'zh') as RosterHeaderLanguage;
				if (!rosterHeaderLanguages.includes(headers))
					throw new UsageError(`--headers ${values.headers}: one of ${rosterHeaderLanguages.join(', ')}`);
				const roster = await rosterAsOf(store, asOf, readBuildConfig(io.env).timeZone);
				const text = rosterCsv(roster, headers);
				// Exports of personal data are audited, as the API's (GET /api/v1/roster.csv).
				await recordAudit(store.db, {
					event: 'export.made',
					actor,
					subject: 'roster.csv',
					detail: { export: 'roster', filters: { asOf, headers }, rows: roster.length },
				});
				if (values.out) {
					writeFileSync(resolve(io.cwd, values.out), text);
					io.err(`${values.out}: ${roster.length} people as of ${asOf}`);
				} else io.out(text.replace(/\r\n$/, ''));
				return 0;
			}
			case 'set-password': {
				const [email] = rest;
				if (!email) throw new UsageError(usage);
				const person = await findPerson(store, { email });
				if (!person) throw new UsageError(`${email}: not in the roster`);
				await setPassword(store, person.id, await readPassword(io), actor);
				io.out(`password set for ${person.email}`);
				return 0;
			}
			case 'disable': {
				const { values, positionals } = parseCommandArgs(rest, { on: { type: 'string' } });
				const person = await findPerson(store, { email: positionals[0] ?? '' });
				if (!person) throw new UsageError(`${positionals[0] ?? '(no email)'}: not in the roster`);
				await disablePerson(store, person.id, values.on, actor);
				io.out(`disabled ${person.email}`);
				return 0;
			}
			default:
				throw new UsageError(`unknown action "${action}"\n${usage}`);
		}
	} finally {
		await store.close();
	}
}
