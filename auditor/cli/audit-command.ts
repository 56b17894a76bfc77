// The audit command: flags -> config -> runAudit -> reports -> sinks -> summary and exit code
// (values/exit-codes.ts says what each code means). `--shard` runs write their part only; `merge`
// reports the whole run.
//
// Start-up: only commander and the flag checks are loaded before the flags are parsed. The AWS SDK
// and everything that reaches it are imported once a run is really going to happen, so `--help`,
// `--version` and a bad flag answer at once (`npm run bench:startup` measures it).
import { Command, CommanderError, type Option } from 'commander';
import type { AwsClientFactory } from '../aws/clients';
import { defineAuditOptions, readAuditConfig, type AuditConfig } from './audit-config';
import { ConfigError, type Environment } from '../values/parsers';
import { errorMessage } from '../values/error-text';
import { EXIT_CODE_SUMMARY, EXIT_COMPLETE, EXIT_INCOMPLETE, EXIT_USAGE_OR_SETUP } from '../values/exit-codes';
import { defineMergeCommand } from './merge-options';
import { defineReportOptions, readReportConfig } from './report-config';
import type { ReportConfig } from '../app/report-options';
import { DEFAULT_THRESHOLDS } from '../analysis/findings/thresholds';
import { CommandOutput, defineOutputOptions, readOutputSettings, type OutputStream } from './command-output';
import type { AuditRun } from '../model';
import type { PreviousRun } from '../publish/previous-run';
import type { RunResult } from '../app/run-result';
import { version as PACKAGE_VERSION } from '../../package.json';


/** What the command talks to; tests replace each part. */
export interface CliIo {
  /** Builds the AWS clients; default: the SDK default credential chain. */
  clientFactory?: (options: { profile?: string; region?: string }) => AwsClientFactory;
  /** A function receives the text as a pipe would; a stream with `isTTY` is treated as a terminal. */
  stdout?: ((text: string) => void) | OutputStream;
  stderr?: ((text: string) => void) | OutputStream;
  env?: Environment;
  /** The run's clock (its timestamp and key ages). */
  now?: () => Date;
  /** Aborted by SIGTERM or SIGINT (run-as-process.ts): the run stops, writes its reports and exits 1. */
  stop?: AbortSignal;
  /** The run's id (six hex digits, part of every file name); default: drawn at random. Tests fix it. */
  runId?: () => string;
  /** After a stop, how long uploads and the other calls may still go on (default STOP_NETWORK_BUDGET_MS). */
  stopNetworkBudgetMs?: number;
  /** Told the result of an audit once it is reported (not of a shard's part or a merge). */
  onResult?: (result: RunResult) => void;
}

function outputStream(given: CliIo['stdout'], fallback: NodeJS.WriteStream): OutputStream {
  if (given === undefined) return fallback;
  return typeof given === 'function' ? { write: given } : given;
}

export function buildAuditCommand(): Command {
  const command = new Command('iam-audit')
    .description(
      'Audit every IAM user, access key, MFA device, root credential and CloudTrail remediation event ' +
        'across the accounts of an AWS Organization. ' +
        `Exit codes: ${EXIT_CODE_SUMMARY}.`,
    )
    .helpOption('-h, --help', 'show this help')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .allowExcessArguments(false)
    // The audit's own flags go before `merge`; merge's own after it.
    .enablePositionalOptions()
    // With a subcommand defined, commander runs the audit only when the command has an action.
    .action(() => undefined);
  defineMergeCommand(command);
  return defineOutputOptions(defineReportOptions(defineAuditOptions(command)));
}

/**
 * The region the SDK would pick for the auditor's own clients (AWS_REGION, then the profile's
 * `region`), or us-east-1 where Organizations and IAM live. Asked of an SDK client so that the
 * SDK's own resolution order applies; nothing is sent.
 */
export async function resolveSdkRegion(profile: string | undefined): Promise<string> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  const { DEFAULT_REGION } = await import('../aws/clients');
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
  return (io.clientFactory ?? (await import('../aws/clients')).defaultClientFactory)(clientOptions);
}

/** The profile the SDK would use (`--profile`, else AWS_PROFILE) and where it came from, checked to exist. */
async function checkProfile(profile: string | undefined, env: Environment): Promise<string | null> {
  const given = profile !== undefined ? { name: profile, source: '--profile' } : env.AWS_PROFILE ? { name: env.AWS_PROFILE, source: 'AWS_PROFILE' } : null;
  if (given === null) return null;
  const { missingProfileMessage } = await import('../aws/profiles');
  return missingProfileMessage(given.name, given.source, env);
}

/**
 * A shard's run: its part (the JSON report of its slice, tagged) to the local directory and S3,
 * and its summary. No analysis, history or notification: those belong to the merged run.
 */
async function writeShardPart(run: AuditRun, config: AuditConfig, clients: AwsClientFactory, output: CommandOutput, deadline: AbortSignal): Promise<number> {
  const shard = run.shard;
  if (shard === undefined) throw new Error('a shard run without its shard tag');
  const [{ JSON_CONTENT_TYPE, reportFileInPieces }, { jsonReportChunks }, { formatShard, shardReportFileName }, { reportWriteFailures, writeReports }, { formatSummary, summarizeRun }, { runName }] = await Promise.all([
    import('../reports/report-file'),
    import('../reports/json-report'),
    import('../shard/shard'),
    import('../app/publish-run'),
    import('../analysis/summary'),
    import('../reports/file-names'),
  ]);
  // In pieces, as the reports are: a large shard's part never has to be one string either.
  const part = reportFileInPieces(shardReportFileName(run.runTimestamp, shard), JSON_CONTENT_TYPE, () => jsonReportChunks(run));
  const { outcomes, locations } = await writeReports([part], runName(run), { outDir: config.outDir, s3: config.s3 }, clients, deadline);
  // A shard takes no report flags (they go to merge), so its figures are judged by the defaults.
  const summary = summarizeRun(run, DEFAULT_THRESHOLDS.keyMaxAgeDays);
  output.info(`shard ${formatShard(shard)}: ${run.accounts.length} of the ${shard.accountIds.length} accounts listed; merge the parts of all ${shard.count} shards for the reports\n`);
  output.info(formatSummary(summary, locations));
  const exitCode = reportWriteFailures(outcomes, output) ? EXIT_USAGE_OR_SETUP : summary.complete ? EXIT_COMPLETE : EXIT_INCOMPLETE;
  output.result(`iam-audit shard ${formatShard(shard)} of run ${run.runTimestamp}: ${summary.accounts.audited} of ${summary.accounts.listed - summary.accounts.skipped} accounts audited; part in ${locations.join(', ')}`);
  return exitCode;
}

/**
 * The audit itself and its publication, once the flags are good and the output directory is ready.
 * `networkDeadline` aborts when a stopped run's time before the task is killed runs out.
 */
async function auditAndPublish(config: AuditConfig, reportConfig: ReportConfig, comparedWith: PreviousRun | undefined, output: CommandOutput, io: CliIo, networkDeadline: AbortSignal): Promise<number> {
  const [{ formatRunTimestamp, runAudit }, { AuditSetupError }, { runProgress }, { loadExemptions, publishRun, readEarlierRuns }] = await Promise.all([
    import('../run/run-audit'),
    import('../aws/setup-errors'),
    import('./progress'),
    import('../app/publish-run'),
  ]);
  const fail = (message: string): number => {
    output.error(message);
    return EXIT_USAGE_OR_SETUP;
  };
  let clients: AwsClientFactory;
  try {
    clients = await buildClients(config.profile, io);
  } catch (error) {
    return fail(`cannot set up the AWS clients: ${errorMessage(error)}`);
  }
  // Everything before the first account runs under one deadline and the stop.
  const { setupDeadline } = await import('../run/setup-deadline');
  const setup = setupDeadline(config.setupTimeoutSeconds, io.stop);
  try {
    const runTime = config.runTime ?? (io.now ?? (() => new Date()))();
    // A shard does not analyse; the exemptions are read by merge.
    const loaded = config.shard === undefined ? await loadExemptions(reportConfig, clients, runTime, setup.signal) : {};
    if ('error' in loaded) return fail(loaded.error);
    const publishing = { outDir: config.outDir, s3: config.s3, clients, reportConfig, comparedWith, exemptions: loaded.exemptions, output, stop: io.stop, deadline: networkDeadline, onResult: io.onResult };
    // The previous run and the history are read beside the audit, under the same deadline: a
    // bucket that does not answer costs the comparison, never the reports.
    const earlier = config.shard === undefined ? readEarlierRuns(formatRunTimestamp(runTime), publishing, setup.signal) : undefined;
    const progress = runProgress(output, config);
    let run: AuditRun;
    try {
      run = await runAudit({ ...config, setup: setup.signal, ...(io.stop === undefined ? {} : { stop: io.stop }), ...(io.runId === undefined ? {} : { runId: io.runId() }) }, clients, progress, io.now);
    } catch (error) {
      if (error instanceof AuditSetupError) return fail(error.message);
      return fail(`the audit could not run: ${errorMessage(error)}`);
    } finally {
      progress.finish();
    }
    for (const note of run.setupNotes ?? []) output.warn(note);
    const exitCode =
      config.shard !== undefined || earlier === undefined
        ? await writeShardPart(run, config, clients, output, networkDeadline)
        : await publishRun(run, { ...publishing, earlier });
    if (io.stop?.aborted !== true) return exitCode;
    const { runStopped } = await import('../run/account-limits');
    const { coverageReasonText } = await import('../coverage-reasons');
    const unfinished = run.accounts.filter((audit) => audit.coverage.errors.some((reason) => reason.kind === 'stopped')).length;
    output.warn(`stopped: the reports hold what was collected; ${unfinished} account${unfinished === 1 ? '' : 's'} not finished ${unfinished === 1 ? 'is' : 'are'} listed in coverage as "${coverageReasonText(runStopped())}"`);
    return EXIT_USAGE_OR_SETUP;
  } finally {
    setup.dispose();
  }
}

export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = outputStream(io.stdout, process.stdout);
  const stderr = outputStream(io.stderr, process.stderr);
  const env = io.env ?? process.env;
  const writeOut = (text: string) => void stdout.write(text);
  const writeErr = (text: string) => void stderr.write(text);

  const command = buildAuditCommand();
  let invoked: Command = command;
  for (const candidate of [command, ...command.commands]) {
    candidate
      .exitOverride()
      .configureOutput({ writeOut, writeErr })
      .showHelpAfterError('(run with --help for the flags)')
      .action(() => {
        invoked = candidate;
      });
  }
  // Until the flags are read, errors are plain: there is no --quiet or --format yet.
  const early = new CommandOutput(stdout, stderr, { format: 'text', quiet: false }, env);
  const missingValue = flagGivenAsValue(command, argv);
  if (missingValue !== null) {
    early.error(missingValue);
    return EXIT_USAGE_OR_SETUP;
  }
  try {
    await command.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // commander has already written its message (or the help text, or the version).
    if (error instanceof CommanderError) return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? EXIT_COMPLETE : EXIT_USAGE_OR_SETUP;
    throw error;
  }
  const output = new CommandOutput(stdout, stderr, readOutputSettings(invoked), env);
  const fail = (message: string): number => {
    output.error(message);
    return EXIT_USAGE_OR_SETUP;
  };
  if (invoked !== command) {
    const misplaced = flagsGivenOnTheCommandLine(command, command.options);
    if (misplaced.length > 0) return fail(`${misplaced.join(', ')}: give merge's flags after "merge" (the flags before it are the audit's)`);
    const { runMerge } = await import('./merge-command');
    return runMerge(invoked, { env, output, clients: (profile) => buildClients(profile, io), ...(io.runId === undefined ? {} : { runId: io.runId }) });
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

  // A profile that does not exist is a typo to name, not missing credentials to hunt for.
  const profileProblem = await checkProfile(config.profile, env);
  if (profileProblem !== null) return fail(profileProblem);

  const [{ prepareReporting }, { removeCreatedDirectoryIfEmpty }, { stopDeadline }] = await Promise.all([import('../app/publish-run'), import('../publish/sinks/local'), import('../run/stop-deadline')]);
  // Checked before the audit, so a long run never ends with nowhere to write.
  const prepared = await prepareReporting(config.outDir, reportConfig);
  if ('error' in prepared) return fail(prepared.error);
  // Counted from the stop signal itself: the uploads get what the grace and the local reports left.
  const deadline = stopDeadline(io.stop, io.stopNetworkBudgetMs);
  let exitCode: number;
  try {
    exitCode = await auditAndPublish(config, reportConfig, prepared.comparedWith, output, io, deadline.signal);
  } finally {
    deadline.dispose();
  }
  // A run that failed before writing anything leaves no empty directory of its own behind.
  if (exitCode === EXIT_USAGE_OR_SETUP && prepared.createdDirectory !== undefined) await removeCreatedDirectoryIfEmpty(config.outDir, prepared.createdDirectory);
  return exitCode;
}
