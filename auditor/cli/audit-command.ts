// The audit command: flags -> config -> runAudit -> reports -> sinks -> summary and exit code.
// Exit codes: 0 every selected active account audited completely; 2 some were partial or not
// audited (the reports say which); 3 a finding at or above --fail-on (before 2); 1 usage or set-up
// errors, reports that could not be written where they were asked to go, and a notification that
// could not be published. `--shard` runs write their part only; `merge` reports the whole run.
import { STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError, type Option } from 'commander';
import { runAudit, AuditSetupError } from '../run/run-audit';
import { defaultClientFactory, DEFAULT_REGION, type AwsClientFactory } from '../aws/clients';
import { defineAuditOptions, readAuditConfig, type AuditConfig } from './audit-config';
import { ConfigError, type Environment } from './parsers';
import { EXIT_COMPLETE, EXIT_INCOMPLETE, EXIT_USAGE_OR_SETUP } from './exit-codes';
import { defineMergeCommand, runMerge } from './merge-command';
import { prepareReporting, publishRun, reportWriteFailures, writeReports } from '../publish/publish-run';
import { defineReportOptions, readReportConfig, type ReportConfig } from './report-config';
import { progressHooks, terminalSafe } from './progress';
import { JSON_CONTENT_TYPE, reportFileInPieces } from '../reports';
import { jsonReportChunks } from '../reports/json-report';
import { formatShard, shardReportFileName } from '../shard/shard';
import { errorMessage } from '../publish/sinks/sink-outcome';
import type { AuditRun } from '../model';
import { formatSummary, summarizeRun } from '../analysis/summary';

export { EXIT_COMPLETE, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_USAGE_OR_SETUP } from './exit-codes';

/** What the command talks to; tests replace each part. */
export interface CliIo {
  /** Builds the AWS clients; default: the SDK default credential chain. */
  clientFactory?: (options: { profile?: string; region?: string }) => AwsClientFactory;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: Environment;
  /** The run's clock (its timestamp and key ages). */
  now?: () => Date;
}

export function buildAuditCommand(): Command {
  const command = new Command('iam-audit')
    .description(
      'Audit every IAM user, access key, MFA device, root credential and CloudTrail remediation event ' +
        'across the accounts of an AWS Organization. Exit codes: 0 all audited, 2 some accounts not ' +
        '(fully) audited, 3 a finding at or above --fail-on, 1 usage or set-up error.',
    )
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    // The audit's own flags go before `merge`; merge's own after it.
    .enablePositionalOptions()
    // With a subcommand defined, commander runs the audit only when the command has an action.
    .action(() => undefined);
  defineMergeCommand(command);
  return defineReportOptions(defineAuditOptions(command));
}

/**
 * The region the SDK would pick for the auditor's own clients (AWS_REGION, then the profile's
 * `region`), or us-east-1 where Organizations and IAM live. Asked of an SDK client so that the
 * SDK's own resolution order applies; nothing is sent.
 */
export async function resolveSdkRegion(profile: string | undefined): Promise<string> {
  const probe = new STSClient(profile === undefined ? {} : { profile });
  try {
    return await probe.config.region();
  } catch {
    return DEFAULT_REGION;
  } finally {
    probe.destroy();
  }
}

/** The long names of those of `options` that were given on the command line (not defaults or the environment). */
function flagsGivenOnTheCommandLine(command: Command, options: readonly Option[]): string[] {
  return options.filter((option) => command.getOptionValueSource(option.attributeName()) === 'cli').map((option) => option.long ?? option.flags);
}

function flagNames(options: readonly Option[]): Set<string> {
  return new Set(options.flatMap((option) => [option.long, option.short]).filter((name): name is string => name !== undefined));
}

/**
 * `--role --out-dir x`: commander takes the word after a flag that needs a value as that value,
 * even when it is another flag, and then complains only about the stray `x`. This names the flag
 * that went without its value instead. Null when no flag is followed by another where its value
 * belongs.
 */
export function flagGivenAsValue(command: Command, argv: readonly string[]): string | null {
  let options: readonly Option[] = command.options;
  let flags = flagNames(options);
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index];
    const subcommand = word.startsWith('-') ? undefined : command.commands.find((candidate) => candidate.name() === word);
    if (subcommand !== undefined) {
      options = subcommand.options;
      flags = flagNames(options);
      continue;
    }
    const option = options.find((candidate) => (candidate.long === word || candidate.short === word) && (candidate.required || candidate.optional));
    if (option === undefined) continue;
    const next = argv[index + 1];
    if (next !== undefined && flags.has(next)) return `${word}: needs a value, but is followed by the flag ${next}`;
    index += 1;
  }
  return null;
}

async function buildClients(profile: string | undefined, io: CliIo): Promise<AwsClientFactory> {
  const clientOptions: { profile?: string; region?: string } = { region: await resolveSdkRegion(profile) };
  if (profile !== undefined) clientOptions.profile = profile;
  return (io.clientFactory ?? defaultClientFactory)(clientOptions);
}

/**
 * A shard's run: its part (the JSON report of its slice, tagged) to the local directory and S3,
 * and its summary. No analysis, history or notification: those belong to the merged run.
 */
async function writeShardPart(run: AuditRun, config: AuditConfig, clients: AwsClientFactory, stderr: (text: string) => void): Promise<number> {
  const shard = run.shard;
  if (shard === undefined) throw new Error('a shard run without its shard tag');
  // In pieces, as the reports are: a large shard's part never has to be one string either.
  const part = reportFileInPieces(shardReportFileName(run.runTimestamp, shard), JSON_CONTENT_TYPE, () => jsonReportChunks(run));
  const { outcomes, locations } = await writeReports([part], run.runTimestamp, { outDir: config.outDir, s3: config.s3 }, clients);
  const summary = summarizeRun(run);
  stderr(`shard ${formatShard(shard)}: ${run.accounts.length} of the ${shard.accountIds.length} accounts listed; merge the parts of all ${shard.count} shards for the reports\n`);
  stderr(formatSummary(summary, locations));
  if (reportWriteFailures(outcomes, stderr)) return EXIT_USAGE_OR_SETUP;
  return summary.complete ? EXIT_COMPLETE : EXIT_INCOMPLETE;
}

export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const env = io.env ?? process.env;
  const fail = (message: string): number => {
    stderr(`error: ${terminalSafe(message)}\n`);
    return EXIT_USAGE_OR_SETUP;
  };

  const command = buildAuditCommand();
  let invoked: Command = command;
  for (const candidate of [command, ...command.commands]) {
    candidate
      .exitOverride()
      .configureOutput({ writeOut: stdout, writeErr: stderr })
      .showHelpAfterError('(run with --help for the flags)')
      .action(() => {
        invoked = candidate;
      });
  }
  const missingValue = flagGivenAsValue(command, argv);
  if (missingValue !== null) return fail(missingValue);
  try {
    await command.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // commander has already written its message (or the help text).
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? EXIT_COMPLETE : EXIT_USAGE_OR_SETUP;
    throw error;
  }
  if (invoked !== command) {
    const misplaced = flagsGivenOnTheCommandLine(command, command.options);
    if (misplaced.length > 0) return fail(`${misplaced.join(', ')}: give merge's flags after "merge" (the flags before it are the audit's)`);
    return runMerge(invoked, { env, stderr, clients: (profile) => buildClients(profile, io) });
  }

  let config: AuditConfig;
  let reportConfig: ReportConfig;
  try {
    config = readAuditConfig(command, env);
    reportConfig = readReportConfig(command, env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }

  if (config.shard !== undefined) {
    // A shard neither evaluates findings nor compares nor notifies; these flags would do nothing.
    const reportFlags = flagsGivenOnTheCommandLine(command, defineReportOptions(new Command()).options);
    if (reportFlags.length > 0) return fail(`${reportFlags.join(', ')}: not used by a shard; give ${reportFlags.length === 1 ? 'it' : 'them'} to merge, which reports the whole run`);
  }

  // Checked before the audit, so a long run never ends with nowhere to write.
  const prepared = await prepareReporting(config.outDir, reportConfig);
  if ('error' in prepared) return fail(prepared.error);

  let clients: AwsClientFactory;
  try {
    clients = await buildClients(config.profile, io);
  } catch (error) {
    return fail(`cannot set up the AWS clients: ${errorMessage(error)}`);
  }

  let run: AuditRun;
  try {
    run = await runAudit(config, clients, progressHooks(stderr), io.now);
  } catch (error) {
    if (error instanceof AuditSetupError) return fail(error.message);
    return fail(`the audit could not run: ${errorMessage(error)}`);
  }

  if (config.shard !== undefined) return writeShardPart(run, config, clients, stderr);
  return publishRun(run, { outDir: config.outDir, s3: config.s3, clients, reportConfig, comparedWith: prepared.comparedWith, stderr });
}
