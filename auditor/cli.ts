// The audit command: flags -> config -> runAudit -> reports -> sinks -> summary and exit code.
// Exit codes: 0 every selected active account audited completely; 2 some were partial or not
// audited (the reports say which); 3 a finding at or above --fail-on (before 2); 1 usage or set-up
// errors, reports that could not be written where they were asked to go, and a notification that
// could not be published.
import path from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError } from 'commander';
import { runAudit, AuditSetupError, type AuditOptions } from './audit';
import { defaultClientFactory, DEFAULT_REGION, type AwsClientFactory } from './clients';
import { PreviousReportError } from './compare';
import { ConfigError, defineAuditOptions, readAuditConfig, type AuditConfig, type Environment } from './config';
import { countBySeverity } from './findings';
import { HISTORY_FILE_NAME, serializeHistory } from './history';
import { buildNotification, publishNotification } from './notify';
import { loadEarlierRuns, readPreviousRunFile, saveHistoryToS3, type PreviousRun } from './previous-run';
import { defineReportOptions, readReportConfig, type ReportConfig } from './report-options';
import { analyseRun, formatAnalysis, reachesFailOn } from './run-analysis';
import { progressHooks, terminalSafe } from './progress';
import { buildReportFiles } from './reports';
import { prepareOutputDirectory, writeReportsToDirectory } from './sinks/local';
import { s3RunPrefix, s3Uri, uploadReportsToS3 } from './sinks/s3';
import { errorMessage, type SinkOutcome } from './sinks/sink-outcome';
import type { AuditRun } from './model';
import { formatSummary, summarizeRun } from './summary';

export const EXIT_COMPLETE = 0;
export const EXIT_USAGE_OR_SETUP = 1;
export const EXIT_INCOMPLETE = 2;
export const EXIT_FINDINGS = 3;

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
    .allowExcessArguments(false);
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

function auditOptions(config: AuditConfig, now: Date | undefined): AuditOptions {
  const options: AuditOptions = { roleName: config.roleName, concurrency: config.concurrency, cloudTrail: { ...config.cloudTrail } };
  if (config.externalId !== undefined) options.externalId = config.externalId;
  if (config.includeAccounts !== undefined) options.includeAccounts = config.includeAccounts;
  if (config.excludeAccounts !== undefined) options.excludeAccounts = config.excludeAccounts;
  if (now !== undefined) options.now = now;
  return options;
}

export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const env = io.env ?? process.env;
  const fail = (message: string): number => {
    stderr(`error: ${terminalSafe(message)}\n`);
    return EXIT_USAGE_OR_SETUP;
  };

  const command = buildAuditCommand()
    .exitOverride()
    .configureOutput({ writeOut: stdout, writeErr: stderr })
    .showHelpAfterError('(run with --help for the flags)');
  try {
    await command.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // commander has already written its message (or the help text).
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' ? EXIT_COMPLETE : EXIT_USAGE_OR_SETUP;
    throw error;
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

  // Checked before the audit, so a long run never ends with nowhere to write.
  try {
    await prepareOutputDirectory(config.outDir);
  } catch (error) {
    return fail(`--out-dir: cannot write reports to ${config.outDir}: ${errorMessage(error)}`);
  }
  let comparedWith: PreviousRun | undefined;
  if (reportConfig.comparePath !== undefined) {
    try {
      comparedWith = { run: await readPreviousRunFile(reportConfig.comparePath), source: reportConfig.comparePath };
    } catch (error) {
      if (error instanceof PreviousReportError) return fail(error.message);
      throw error;
    }
  }

  let clients: AwsClientFactory;
  try {
    const clientOptions: { profile?: string; region?: string } = { region: await resolveSdkRegion(config.profile) };
    if (config.profile !== undefined) clientOptions.profile = config.profile;
    clients = (io.clientFactory ?? defaultClientFactory)(clientOptions);
  } catch (error) {
    return fail(`cannot set up the AWS clients: ${errorMessage(error)}`);
  }

  let run: AuditRun;
  try {
    run = await runAudit(auditOptions(config, io.now?.()), clients, progressHooks(stderr));
  } catch (error) {
    if (error instanceof AuditSetupError) return fail(error.message);
    return fail(`the audit could not run: ${errorMessage(error)}`);
  }

  const warn = (message: string) => stderr(`warning: ${terminalSafe(message)}\n`);
  const earlier = await loadEarlierRuns({
    runTimestamp: run.runTimestamp,
    outDir: config.outDir,
    s3: config.s3 === undefined ? undefined : { client: clients.s3(), location: config.s3 },
    previous: comparedWith,
    warn,
  });
  const analysis = analyseRun(run, reportConfig.thresholds, earlier.previous?.run, earlier.history);
  const files = buildReportFiles(run, analysis);
  const outcomes: SinkOutcome[] = [await writeReportsToDirectory(config.outDir, files)];
  const locations = [path.resolve(config.outDir)];
  if (config.s3 !== undefined) {
    let s3Outcome: SinkOutcome;
    try {
      s3Outcome = await uploadReportsToS3(clients.s3(), config.s3, run.runTimestamp, files);
    } catch (error) {
      const reason = errorMessage(error);
      s3Outcome = { written: [], failed: files.map((file) => ({ fileName: file.fileName, location: `s3://${config.s3?.bucket}/`, reason })) };
    }
    outcomes.push(s3Outcome);
    locations.push(s3Uri(config.s3.bucket, s3RunPrefix(config.s3, run.runTimestamp)));
  }

  if (earlier.historyWritable) {
    const history = { fileName: HISTORY_FILE_NAME, contentType: 'application/json; charset=utf-8', body: serializeHistory(analysis.history) };
    const local = await writeReportsToDirectory(config.outDir, [history]);
    for (const failure of local.failed) warn(`run history not saved to ${failure.location}: ${failure.reason}`);
    if (config.s3 !== undefined) await saveHistoryToS3(clients.s3(), config.s3, analysis.history).catch((error: unknown) => warn(`run history not saved to S3: ${errorMessage(error)}`));
  }

  const summary = summarizeRun(run);
  stderr(formatSummary(summary, locations));
  if (earlier.previous !== undefined) stderr(`compared with ${terminalSafe(earlier.previous.source)}\n`);
  stderr(formatAnalysis(analysis));
  const failOnReached = reachesFailOn(analysis, reportConfig.failOn);
  if (failOnReached) stderr(`at least one finding is ${reportConfig.failOn} or worse (--fail-on ${reportConfig.failOn})\n`);
  let notificationFailed = false;
  if (reportConfig.snsTopicArn !== undefined) {
    const notification = buildNotification({
      runTimestamp: run.runTimestamp,
      summary,
      findings: countBySeverity(analysis.findings),
      maturity: analysis.maturity,
      reportLocations: locations,
      failedOn: failOnReached ? reportConfig.failOn : undefined,
    });
    try {
      await publishNotification(clients.sns(), reportConfig.snsTopicArn, notification, run.runTimestamp);
      stderr(`summary published to ${reportConfig.snsTopicArn}\n`);
    } catch (error) {
      notificationFailed = true;
      stderr(`error: could not publish to ${reportConfig.snsTopicArn}: ${terminalSafe(errorMessage(error))}\n`);
    }
  }
  const failures = outcomes.flatMap((outcome) => outcome.failed);
  for (const failure of failures) stderr(`error: could not write ${terminalSafe(failure.location)}: ${terminalSafe(failure.reason)}\n`);
  if (failures.length > 0) {
    const saved = outcomes.flatMap((outcome) => outcome.written);
    stderr(saved.length > 0 ? `the other reports were written: ${saved.map((file) => file.location).join(', ')}\n` : 'no report could be written\n');
    return EXIT_USAGE_OR_SETUP;
  }
  if (notificationFailed) return EXIT_USAGE_OR_SETUP;
  if (failOnReached) return EXIT_FINDINGS;
  return summary.complete ? EXIT_COMPLETE : EXIT_INCOMPLETE;
}
