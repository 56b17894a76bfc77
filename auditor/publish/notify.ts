// `--sns-topic-arn`: a short summary of the run published to an SNS topic (an email subscription
// turns it into a mail). Counts and locations only: no user names, no key ids, nothing secret.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SEVERITIES, type FindingCounts } from '../analysis/findings';
import type { MaturitySummary } from '../analysis/maturity';
import type { RunSummary } from '../analysis/summary';

export const ENV_SNS_TOPIC_ARN = 'AUDIT_SNS_TOPIC_ARN';
export const NOTIFY_ACTIONS = ['sns:Publish'] as const;

export interface RunNotification {
  subject: string;
  message: string;
}

export interface NotificationInput {
  runTimestamp: string;
  summary: RunSummary;
  findings: FindingCounts;
  maturity: MaturitySummary;
  reportLocations: readonly string[];
  /** Set when `--fail-on` was given and reached. */
  failedOn?: string;
}

export function buildNotification(input: NotificationInput): RunNotification {
  const { summary, findings, maturity } = input;
  const counts = SEVERITIES.map((severity) => `${findings[severity]} ${severity}`).join(', ');
  const accounts = summary.accounts;
  const lines = [
    `IAM audit ${input.runTimestamp}`,
    '',
    `Findings: ${counts}.`,
    `Coverage: ${accounts.audited} of ${accounts.listed - accounts.skipped} accounts audited completely, ${accounts.partial} partial, ${accounts.notAudited} not audited, ${accounts.skipped} skipped.`,
    `Console users without MFA: ${summary.consoleUsersWithoutMfa} of ${summary.consoleUsers}. Active access keys: ${summary.accessKeys.active}.`,
    `Maturity: MFA ${maturity.organization.mfa.level}, temporary credentials ${maturity.organization.temporaryCredentials.level}.`,
  ];
  if (input.failedOn) lines.push(`At least one finding is ${input.failedOn} or worse (--fail-on ${input.failedOn}).`);
  if (input.reportLocations.length > 0) lines.push('', 'Reports:', ...input.reportLocations.map((location) => `  ${location}`));
  // SNS subjects: at most 100 printable ASCII characters, no line breaks.
  const subject = `IAM audit ${input.runTimestamp}: ${findings.critical} critical, ${findings.high} high${summary.complete ? '' : ', coverage incomplete'}`
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 100);
  return { subject, message: `${lines.join('\n')}\n` };
}

/** Publishes the notification; FIFO topics get a group and a per-run deduplication id. */
export async function publishNotification(sns: SNSClient, topicArn: string, notification: RunNotification, runTimestamp: string): Promise<string | undefined> {
  const fifo = topicArn.endsWith('.fifo');
  const response = await sns.send(new PublishCommand({
    TopicArn: topicArn,
    Subject: notification.subject,
    Message: notification.message,
    ...(fifo ? { MessageGroupId: 'iam-audit', MessageDeduplicationId: runTimestamp } : {}),
  }));
  return response.MessageId;
}
