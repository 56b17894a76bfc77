// `--sns-topic-arn`: a short summary of the run published to an SNS topic (an email subscription
// turns it into a mail). Counts and locations only: no user names, no key ids, nothing secret.
// The SNS client is loaded only when a summary is published: the flag's check must not cost the
// command's start-up the SDK.
import type { SNSClient } from '@aws-sdk/client-sns';
import { SEVERITIES, type FindingCounts } from '../analysis/findings';
import type { MaturitySummary } from '../analysis/maturity';
import type { RunSummary } from '../analysis/summary';
import type { ComparisonCounts } from '../analysis/comparison';
import { plural } from '../values/plural';

export const NOTIFY_ACTIONS = ['sns:Publish'] as const;

export interface RunNotification {
  subject: string;
  message: string;
}

/**
 * Where a reader of the mail finds the reports. With `--s3-uri` only the bucket is named: the
 * local directory of a scheduled task (`/tmp/output` in the container) is gone when the task ends.
 */
export interface NotificationReports {
  /** `s3://<bucket>/<prefix>/<YYYY>/<MM>/<DD>/<timestamp>/`. */
  s3RunPrefix?: string;
  /** The dashboard object in the S3 console, one click from the mail. */
  dashboardConsoleUrl?: string;
  /** The local directory, named only when the reports went nowhere else. */
  localDirectory?: string;
}

export interface NotificationInput {
  runTimestamp: string;
  summary: RunSummary;
  /** Open findings: those no exemption mutes. */
  findings: FindingCounts;
  /** Findings muted by the exemptions file; undefined without one. */
  mutedFindings?: number;
  maturity: MaturitySummary;
  reports: NotificationReports;
  /** What changed since the previous run, when there was one. */
  changes?: ComparisonCounts;
  /** Set when `--fail-on` was given and reached. */
  failedOn?: string;
}

// The S3 console of each partition that has one on the public internet.
const S3_CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
  'aws-cn': () => 'console.amazonaws.cn',
};

/**
 * The S3 console's page of one object (`/s3/object/<bucket>?prefix=<key>`), or null in a
 * partition without a public console. The console opens the object's overview, with its Open and
 * Download buttons, for anyone signed in to the bucket's account.
 */
export function s3ConsoleObjectUrl(partition: string, region: string, bucket: string, key: string): string | null {
  const host = S3_CONSOLE_HOSTS[partition];
  if (host === undefined) return null;
  const query = new URLSearchParams({ region, bucketType: 'general', prefix: key });
  return `https://${host(region)}/s3/object/${encodeURIComponent(bucket)}?${query.toString()}`;
}

function changeLines(changes: ComparisonCounts): string[] {
  return [
    `Since ${changes.previousRunTimestamp}: ${plural(changes.newFindings, 'new finding')}, ${changes.resolvedFindings} resolved; ` +
      `${plural(changes.newAccessKeys, 'new access key')}, ${changes.removedAccessKeys} removed; ${plural(changes.usersWhoGainedMfa, 'user')} gained MFA.`,
  ];
}

function reportLines(reports: NotificationReports): string[] {
  const lines: string[] = [];
  if (reports.dashboardConsoleUrl !== undefined) lines.push(`Dashboard: ${reports.dashboardConsoleUrl}`);
  if (reports.s3RunPrefix !== undefined) lines.push(`Reports: ${reports.s3RunPrefix}`);
  else if (reports.localDirectory !== undefined) lines.push(`Reports: ${reports.localDirectory}`);
  return lines;
}

export function buildNotification(input: NotificationInput): RunNotification {
  const { summary, findings, maturity } = input;
  const counts = SEVERITIES.map((severity) => `${findings[severity]} ${severity}`).join(', ');
  const accounts = summary.accounts;
  const lines = [
    `IAM audit ${input.runTimestamp}`,
    '',
    `Findings: ${counts}${input.mutedFindings === undefined ? '' : ` open; ${input.mutedFindings} more muted by exemptions`}.`,
    `Coverage: ${accounts.audited} of ${accounts.listed - accounts.skipped} accounts audited completely, ${accounts.partial} partial, ${accounts.notAudited} not audited, ${accounts.skipped} skipped.`,
    `Console users without MFA: ${summary.consoleUsersWithoutMfa} of ${summary.consoleUsers}. Active access keys: ${summary.accessKeys.active}.`,
    `Maturity: MFA ${maturity.organization.mfa.level}, temporary credentials ${maturity.organization.temporaryCredentials.level}.`,
  ];
  if (input.changes !== undefined) lines.push(...changeLines(input.changes));
  if (input.failedOn) lines.push(`At least one finding is ${input.failedOn} or worse (--fail-on ${input.failedOn}).`);
  const where = reportLines(input.reports);
  if (where.length > 0) lines.push('', ...where);
  // SNS subjects: at most 100 printable ASCII characters, no line breaks.
  const subject = `IAM audit ${input.runTimestamp}: ${findings.critical} critical, ${findings.high} high${summary.complete ? '' : ', coverage incomplete'}`
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 100);
  return { subject, message: `${lines.join('\n')}\n` };
}

/** Publishes the notification; FIFO topics get a group and a per-run deduplication id. */
export async function publishNotification(sns: SNSClient, topicArn: string, notification: RunNotification, runName: string): Promise<string | undefined> {
  const fifo = topicArn.endsWith('.fifo');
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  const response = await sns.send(new PublishCommand({
    TopicArn: topicArn,
    Subject: notification.subject,
    Message: notification.message,
    ...(fifo ? { MessageGroupId: 'iam-audit', MessageDeduplicationId: runName } : {}),
  }));
  return response.MessageId;
}
