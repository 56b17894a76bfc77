// What happens to a finished run, whether one task audited the whole organization or `merge` put
// the shards' parts back together: earlier runs are loaded, the run is analysed, the reports and
// the history are written to the local directory and S3, the summary and analysis are printed,
// the notification is published, and the exit code is decided. One path for both, so a merged run
// is reported exactly as a single run would be.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { AwsClientFactory } from '../aws/clients';
import { comparisonCounts, PreviousReportError } from '../analysis/comparison';
import type { S3Location } from '../values/parsers';
import { EXIT_COMPLETE, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_USAGE_OR_SETUP } from '../values/exit-codes';
import { openFindings } from '../analysis/apply-exemptions';
import { describeExemption, ExemptionsError, type ExemptionList } from '../analysis/exemptions';
import { checkExemptionHorizon } from '../analysis/exemption-horizon';
import { countBySeverity } from '../analysis/findings';
import { HISTORY_FILE_NAME, mergeHistories } from '../analysis/history';
import { withAbortSignal } from '../aws/clients';
import type { AuditRun } from '../model';
import { describeExemptionsSource, readExemptions } from '../publish/exemptions-source';
import { setupAbortMessage } from '../run/setup-deadline';
import { buildNotification, publishNotification, s3ConsoleObjectUrl, type NotificationReports } from '../publish/notify';
import { sendFindingsToSecurityHub } from '../publish/security-hub/security-hub-sink';
import { loadEarlierRuns, loadHistoryFromS3, localHistoryPath, readPreviousRunFile, saveHistoryToDirectory, saveHistoryToS3, type EarlierRuns, type PreviousRun } from '../publish/previous-run';
import { terminalSafe } from '../values/terminal-text';
import type { RunOutput } from './run-output';
import { coverageGaps, formatResultLine, RUN_RESULT_SCHEMA_VERSION, type RunResult } from './run-result';
import type { ReportConfig } from './report-options';
import { buildReportFiles } from '../reports';
import type { ReportFile } from '../reports/report-file';
import { runName } from '../reports/file-names';
import { analyseRun, formatAnalysis, reachesFailOn } from '../analysis/run-analysis';
import { assessAccess } from '../analysis/access/assess-access';
import { prepareOutputDirectory, removeLeftoverTemporaryFiles, writeReportsToDirectory } from '../publish/sinks/local';
import { s3RunPrefix, s3Uri, uploadReportsToS3 } from '../publish/sinks/s3';
import { type SinkOutcome } from '../publish/sinks/sink-outcome';
import { errorMessage } from '../values/error-text';
import { formatSummary, summarizeRun } from '../analysis/summary';

export interface ReportDestinations {
  outDir: string;
  s3?: S3Location;
}

export interface PreparedReporting {
  comparedWith?: PreviousRun;
  /** The topmost directory created for `--out-dir`, removed again if the run fails before writing into it. */
  createdDirectory?: string;
}

/**
 * Checks done before any time is spent: the output directory is writable and `--compare` reads.
 * Temporary files that killed runs left in the directory are removed on the way.
 */
export async function prepareReporting(outDir: string, reportConfig: ReportConfig): Promise<PreparedReporting | { error: string }> {
  // `--compare` first: a file that cannot be read must not leave a new empty directory behind.
  let comparedWith: PreviousRun | undefined;
  if (reportConfig.comparePath !== undefined) {
    try {
      comparedWith = { run: await readPreviousRunFile(reportConfig.comparePath), source: reportConfig.comparePath };
    } catch (error) {
      if (error instanceof PreviousReportError) return { error: error.message };
      throw error;
    }
  }
  let createdDirectory: string | undefined;
  try {
    createdDirectory = await prepareOutputDirectory(outDir);
  } catch (error) {
    return { error: `--out-dir: cannot write reports to ${outDir}: ${errorMessage(error)}` };
  }
  await removeLeftoverTemporaryFiles(outDir);
  const prepared: PreparedReporting = {};
  if (comparedWith !== undefined) prepared.comparedWith = comparedWith;
  if (createdDirectory !== undefined) prepared.createdDirectory = createdDirectory;
  return prepared;
}

/**
 * `--exemptions`, read and checked once the clients exist (a file in S3 is read with them) and
 * before the audit: a malformed file stops the run before anything is asked of the organization.
 * `runTime` is the run's reference time (`--run-time`, else the clock), which `expires` is measured from.
 * `setup` (the set-up's deadline and the stop) cuts a read from S3 that does not finish in time.
 */
export async function loadExemptions(reportConfig: ReportConfig, clients: AwsClientFactory, runTime: Date, setup?: AbortSignal): Promise<{ exemptions?: ExemptionList } | { error: string }> {
  if (reportConfig.exemptions === undefined) return {};
  try {
    const exemptions = await readExemptions(reportConfig.exemptions, '--exemptions', () => (setup === undefined ? clients.s3() : withAbortSignal(clients.s3(), setup)));
    checkExemptionHorizon(exemptions, runTime, reportConfig.exemptionMaxDays, '--exemption-max-days');
    return { exemptions };
  } catch (error) {
    const cut = setupAbortMessage(setup, `reading --exemptions ${describeExemptionsSource(reportConfig.exemptions)}`);
    if (cut !== null) return { error: cut };
    if (error instanceof ExemptionsError) return { error: error.message };
    throw error;
  }
}

export interface WrittenReports {
  outcomes: SinkOutcome[];
  /** The local directory and, with S3, the run's prefix there. */
  locations: string[];
}

/**
 * Uploads the files under the run's prefix in S3 (from `name`, the run's name); never throws. `deadline` (a stopped run's time
 * before the task is killed) ends every upload still going and fails the files not yet sent.
 */
export async function uploadReports(files: readonly ReportFile[], name: string, s3: S3Location, clients: AwsClientFactory, deadline?: AbortSignal): Promise<SinkOutcome> {
  try {
    return await uploadReportsToS3(clients.s3(), s3, name, files, deadline === undefined ? {} : { deadline });
  } catch (error) {
    const reason = errorMessage(error);
    return { written: [], failed: files.map((file) => ({ fileName: file.fileName, location: `s3://${s3.bucket}/`, reason })) };
  }
}

/**
 * What S3 is sent of each file: the bytes the local directory holds when the file was written
 * there, so every report is built once for both sinks; a file the directory could not take is
 * built again for the upload.
 */
function uploadSources(files: readonly ReportFile[], local: SinkOutcome): ReportFile[] {
  const writtenAt = new Map(local.written.map((written) => [written.fileName, written.location]));
  return files.map((file) => {
    const location = writtenAt.get(file.fileName);
    return location === undefined ? file : { fileName: file.fileName, contentType: file.contentType, stream: () => createReadStream(location) };
  });
}

/** Writes the files to the local directory and then, when given, under the run's prefix in S3. */
export async function writeReports(files: readonly ReportFile[], name: string, destinations: ReportDestinations, clients: AwsClientFactory, deadline?: AbortSignal): Promise<WrittenReports> {
  const local = await writeReportsToDirectory(destinations.outDir, files);
  const outcomes: SinkOutcome[] = [local];
  const locations = [path.resolve(destinations.outDir)];
  const { s3 } = destinations;
  if (s3 !== undefined) {
    outcomes.push(await uploadReports(uploadSources(files, local), name, s3, clients, deadline));
    locations.push(s3Uri(s3.bucket, s3RunPrefix(s3, name)));
  }
  return { outcomes, locations };
}

/** Names every file that could not be written; true when there was one. */
export function reportWriteFailures(outcomes: readonly SinkOutcome[], output: RunOutput): boolean {
  const failures = outcomes.flatMap((outcome) => outcome.failed);
  for (const failure of failures) output.error(`could not write ${failure.location}: ${failure.reason}`);
  if (failures.length === 0) return false;
  const saved = outcomes.flatMap((outcome) => outcome.written);
  output.error(saved.length > 0 ? `the other reports were written: ${saved.map((file) => file.location).join(', ')}` : 'no report could be written');
  return true;
}

export interface PublishContext extends ReportDestinations {
  clients: AwsClientFactory;
  reportConfig: ReportConfig;
  /** From `--compare`, read by `prepareReporting`. */
  comparedWith?: PreviousRun;
  /** From `--exemptions`, read by `loadExemptions`. */
  exemptions?: ExemptionList;
  output: RunOutput;
  /**
   * The earlier runs, when their reading began before the audit (under the set-up deadline and the
   * stop); read here otherwise.
   */
  earlier?: Promise<EarlierRuns>;
  /** Aborted by SIGTERM or SIGINT: reads from S3 not finished are abandoned. */
  stop?: AbortSignal;
  /**
   * Aborted when a stopped run's time before the task is killed runs out (run/stop-deadline.ts):
   * every call after the local reports (uploads, the bucket's history, SNS, Security Hub) ends by then.
   */
  deadline?: AbortSignal;
  /** Told the run's result (what `--format json` prints) once the run is reported. */
  onResult?: (result: RunResult) => void;
}

/** The factory whose own clients (S3, SNS, Security Hub, STS for its identity) carry `deadline`; the others are as they are. */
function clientsWithin(clients: AwsClientFactory, deadline: AbortSignal | undefined): AwsClientFactory {
  if (deadline === undefined) return clients;
  return {
    organizations: () => clients.organizations(),
    sts: () => withAbortSignal(clients.sts(), deadline),
    iam: (credentials) => clients.iam(credentials),
    cloudTrail: (credentials, region) => clients.cloudTrail(credentials, region),
    ssoAdmin: (credentials, region) => clients.ssoAdmin(credentials, region),
    identityStore: (credentials, region) => clients.identityStore(credentials, region),
    s3: () => withAbortSignal(clients.s3(), deadline),
    sns: () => withAbortSignal(clients.sns(), deadline),
    securityHub: () => withAbortSignal(clients.securityHub(), deadline),
  };
}

/** Reads the earlier runs for `publishRun` (or before the audit, for `PublishContext.earlier`). */
export function readEarlierRuns(runTimestamp: string, context: Pick<PublishContext, 'outDir' | 's3' | 'clients' | 'reportConfig' | 'comparedWith' | 'output'>, signal?: AbortSignal): Promise<EarlierRuns> {
  return loadEarlierRuns({
    runTimestamp,
    outDir: context.outDir,
    s3: context.s3 === undefined ? undefined : { client: context.clients.s3(), location: context.s3 },
    previous: context.comparedWith,
    findPrevious: context.reportConfig.findPrevious,
    signal,
    warn: (message) => context.output.warn(message),
  });
}

const DASHBOARD_FILE = /^iam_audit_.*\.html$/;

/** Where the notification sends its reader: the S3 run prefix and the dashboard in the console, else the local directory. */
async function notificationReports(run: AuditRun, context: PublishContext, outcomes: readonly SinkOutcome[]): Promise<NotificationReports> {
  const { s3 } = context;
  if (s3 === undefined) return { localDirectory: path.resolve(context.outDir) };
  const prefix = s3RunPrefix(s3, runName(run));
  const reports: NotificationReports = { s3RunPrefix: s3Uri(s3.bucket, prefix) };
  const uploadedDashboard = outcomes.slice(1).flatMap((outcome) => outcome.written).find((file) => DASHBOARD_FILE.test(file.fileName));
  if (uploadedDashboard !== undefined) {
    const client = context.clients.s3();
    const region = await client.config.region();
    const url = s3ConsoleObjectUrl(run.partition, region, s3.bucket, `${prefix}${uploadedDashboard.fileName}`);
    if (url !== null) reports.dashboardConsoleUrl = url;
  }
  return reports;
}

/** Reports a whole run (single or merged) and returns the command's exit code. */
export async function publishRun(audited: AuditRun, context: PublishContext): Promise<number> {
  const { clients, reportConfig, output } = context;
  // The privilege of every principal is evaluated (asynchronously) before the analysis reads it.
  const run = await assessAccess(audited);
  const warn = (message: string) => output.warn(message);
  const earlier = await (context.earlier ?? readEarlierRuns(run.runTimestamp, context, context.stop));
  const previous = earlier.previous === undefined ? undefined : await assessAccess(earlier.previous.run);
  const analysis = analyseRun(run, reportConfig.thresholds, previous, earlier.history, context.exemptions);
  const files = buildReportFiles(run, analysis);
  // Everything local first, the history included: neither waits on S3, whatever S3 is doing.
  const outcomes: SinkOutcome[] = [await writeReportsToDirectory(context.outDir, files)];
  const locations = [path.resolve(context.outDir)];
  const notes = [...(run.setupNotes ?? []), ...earlier.notes];
  if (earlier.localHistoryWritable) {
    await saveHistoryToDirectory(context.outDir, analysis.history).catch((error: unknown) => {
      warn(`run history not saved to ${localHistoryPath(context.outDir)}: ${errorMessage(error)}`);
      notes.push(`run history: not saved to ${localHistoryPath(context.outDir)} (${errorMessage(error)})`);
    });
  }
  const network = clientsWithin(clients, context.deadline);
  if (context.s3 !== undefined) {
    outcomes.push(await uploadReports(uploadSources(files, outcomes[0]), runName(run), context.s3, clients, context.deadline));
    locations.push(s3Uri(context.s3.bucket, s3RunPrefix(context.s3, runName(run))));
    if (earlier.bucketHistory !== undefined && earlier.bucketHistory !== null) {
      const read = earlier.bucketHistory;
      const s3 = context.s3;
      // Read again just before it is replaced: a run that saved its entry meanwhile keeps it.
      await loadHistoryFromS3(network.s3(), s3)
        .catch(() => read)
        .then((latest) => saveHistoryToS3(network.s3(), s3, mergeHistories(mergeHistories(read, latest), analysis.history)))
        .catch((error: unknown) => {
          const reason = context.deadline?.aborted === true ? errorMessage(context.deadline.reason, { withName: false }) : errorMessage(error);
          warn(`run history not saved to S3: ${reason}`);
          notes.push(`run history: not saved to S3 (${reason}); this run's entry is in the local ${HISTORY_FILE_NAME}`);
        });
    }
  }

  const summary = summarizeRun(run, reportConfig.thresholds.keyMaxAgeDays);
  const findings = countBySeverity(openFindings(analysis.findings));
  const mutedFindings = analysis.exemptions === undefined ? null : analysis.findings.length - openFindings(analysis.findings).length;
  const changes = earlier.previous !== undefined && analysis.comparison !== undefined ? comparisonCounts(analysis.comparison, earlier.previous.source) : undefined;
  output.info(formatSummary(summary, locations, notes.map(terminalSafe)));
  if (earlier.previous !== undefined) output.info(`compared with ${terminalSafe(earlier.previous.source)}\n`);
  output.info(formatAnalysis(analysis));
  for (const entry of analysis.exemptions?.unused ?? []) {
    warn(`${analysis.exemptions?.source} ${entry.declaredAt}: the exemption for ${describeExemption(entry)} matched no finding; remove it, or fix its account, user or rule`);
  }
  const failOnReached = reachesFailOn(analysis, reportConfig.failOn);
  if (failOnReached) output.info(`at least one finding is ${reportConfig.failOn} or worse (--fail-on ${reportConfig.failOn})\n`);
  let notificationFailed = false;
  if (reportConfig.snsTopicArn !== undefined) {
    const notification = buildNotification({
      runTimestamp: run.runTimestamp,
      summary,
      findings,
      mutedFindings: mutedFindings ?? undefined,
      maturity: analysis.maturity,
      reports: await notificationReports(run, { ...context, clients: network }, outcomes),
      changes,
      failedOn: failOnReached ? reportConfig.failOn : undefined,
    });
    try {
      await publishNotification(network.sns(), reportConfig.snsTopicArn, notification, runName(run));
      output.info(`summary published to ${reportConfig.snsTopicArn}\n`);
    } catch (error) {
      notificationFailed = true;
      output.error(`could not publish to ${reportConfig.snsTopicArn}: ${errorMessage(error)}`);
    }
  }
  // Like a report that could not be written: the findings that did not reach Security Hub are named and the run exits 1.
  const securityHubFailed = reportConfig.securityHub ? await sendFindingsToSecurityHub(run, analysis.findings, { clients: network, output }) : false;
  const writeFailed = reportWriteFailures(outcomes, output);
  let exitCode: number;
  if (writeFailed || notificationFailed || securityHubFailed) exitCode = EXIT_USAGE_OR_SETUP;
  else if (failOnReached) exitCode = EXIT_FINDINGS;
  else exitCode = summary.complete ? EXIT_COMPLETE : EXIT_INCOMPLETE;

  const dashboard = outcomes[0].written.find((file) => DASHBOARD_FILE.test(file.fileName));
  const { complete, ...counts } = summary;
  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    runTimestamp: run.runTimestamp,
    runId: run.runId ?? null,
    exitCode,
    complete,
    summary: counts,
    coverageGaps: coverageGaps(run),
    findings,
    mutedFindings,
    maturity: { mfa: analysis.maturity.organization.mfa.level, temporaryCredentials: analysis.maturity.organization.temporaryCredentials.level },
    reports: {
      locations,
      dashboard: dashboard === undefined ? null : path.resolve(dashboard.location),
      failed: outcomes.flatMap((outcome) => outcome.failed.map(({ location, reason }) => ({ location, reason }))),
    },
    comparison: changes ?? null,
  };
  output.result(formatResultLine(result));
  if (output.settings.format === 'json') output.document(result);
  context.onResult?.(result);
  return exitCode;
}
