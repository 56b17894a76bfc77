import { strict as assert } from 'assert';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { countBySeverity, DEFAULT_THRESHOLDS, evaluateFindings } from '../../../auditor/analysis/findings';
import { assessMaturity } from '../../../auditor/analysis/maturity';
import { buildNotification, publishNotification, s3ConsoleObjectUrl } from '../../../auditor/publish/notify';
import { parseTopicArn } from '../../../auditor/values/parsers';
import { summarizeRun } from '../../../auditor/analysis/summary';
import { account, daysAgo, notAudited, run, user } from '../../support/run-fixtures';

describe('run notification', () => {
  const auditRun = run([
    account('111111111111', 'prod', { users: [user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(1) })] }),
    notAudited('222222222222', 'dark', 'AssumeRole: AccessDenied'),
  ]);
  const notification = buildNotification({
    runTimestamp: auditRun.runTimestamp,
    summary: summarizeRun(auditRun, DEFAULT_THRESHOLDS.keyMaxAgeDays),
    findings: countBySeverity(evaluateFindings(auditRun)),
    maturity: assessMaturity(auditRun),
    reports: {
      s3RunPrefix: 's3://reports-bucket/reports/2024/06/30/20240630T120000Z/',
      dashboardConsoleUrl: s3ConsoleObjectUrl('aws', 'eu-west-1', 'reports-bucket', 'reports/2024/06/30/20240630T120000Z/iam_audit_20240630T120000Z.html') ?? undefined,
      localDirectory: '/tmp/output',
    },
    changes: { previousRun: 's3://reports-bucket/reports/2024/06/23/20240623T120000Z/iam_audit_20240623T120000Z.json', previousRunTimestamp: '20240623T120000Z', newAccessKeys: 1, removedAccessKeys: 2, usersWhoGainedMfa: 3, newFindings: 4, resolvedFindings: 5 },
    failedOn: 'high',
  });

  it('says counts by severity, coverage and where the reports are, and names no user', () => {
    assert.equal(notification.subject, 'IAM audit 20240630T120000Z: 1 critical, 1 high, coverage incomplete');
    assert.match(notification.message, /Findings: 1 critical, 1 high, 0 medium, 0 low\./);
    assert.match(notification.message, /Coverage: 1 of 2 accounts audited completely, 0 partial, 1 not audited, 0 skipped\./);
    assert.match(notification.message, /^Reports: s3:\/\/reports-bucket\/reports\/2024\/06\/30\/20240630T120000Z\/$/m);
    assert.match(notification.message, /^Dashboard: https:\/\/eu-west-1\.console\.aws\.amazon\.com\/s3\/object\/reports-bucket\?region=eu-west-1&bucketType=general&prefix=reports%2F2024%2F06%2F30%2F20240630T120000Z%2Fiam_audit_20240630T120000Z\.html$/m);
    // The task's own directory is gone when the task ends: never named when the reports are in S3.
    assert.doesNotMatch(notification.message, /\/tmp\/output/);
    assert.match(notification.message, /Since 20240623T120000Z: 4 new findings, 5 resolved; 1 new access key, 2 removed; 3 users gained MFA\./);
    assert.match(notification.message, /--fail-on high/);
    assert.doesNotMatch(notification.message, /alice/);
  });

  it('says how many findings exemptions muted, beside the open ones, only when a file was given', () => {
    const withFile = buildNotification({
      runTimestamp: auditRun.runTimestamp,
      summary: summarizeRun(auditRun, DEFAULT_THRESHOLDS.keyMaxAgeDays),
      findings: { critical: 0, high: 1, medium: 0, low: 0 },
      mutedFindings: 1,
      maturity: assessMaturity(auditRun),
      reports: { localDirectory: '/tmp/output' },
    });
    assert.match(withFile.message, /Findings: 0 critical, 1 high, 0 medium, 0 low open; 1 more muted by exemptions\./);
    assert.equal(withFile.subject, 'IAM audit 20240630T120000Z: 0 critical, 1 high, coverage incomplete');
    assert.doesNotMatch(notification.message, /muted/);
  });

  it('publishes to the topic, with a group and deduplication id for FIFO topics', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const client = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    assert.equal(await publishNotification(client, 'arn:aws:sns:us-east-1:111111111111:iam-audit', notification, auditRun.runTimestamp), 'm-1');
    await publishNotification(client, 'arn:aws:sns:us-east-1:111111111111:iam-audit.fifo', notification, auditRun.runTimestamp);
    const [standard, fifo] = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    assert.deepEqual(standard, { TopicArn: 'arn:aws:sns:us-east-1:111111111111:iam-audit', Subject: notification.subject, Message: notification.message });
    assert.equal(fifo.MessageGroupId, 'iam-audit');
    assert.equal(fifo.MessageDeduplicationId, '20240630T120000Z');
    sns.restore();
  });

  it('names the local directory only when the reports went nowhere else', () => {
    const local = buildNotification({ runTimestamp: auditRun.runTimestamp, summary: summarizeRun(auditRun, DEFAULT_THRESHOLDS.keyMaxAgeDays), findings: countBySeverity(evaluateFindings(auditRun)), maturity: assessMaturity(auditRun), reports: { localDirectory: '/home/ana/audit' } });
    assert.match(local.message, /^Reports: \/home\/ana\/audit$/m);
    assert.doesNotMatch(local.message, /Since |Dashboard:/);
  });

  it('links the S3 console of the partition, and none where there is no public console', () => {
    assert.equal(s3ConsoleObjectUrl('aws-us-gov', 'us-gov-west-1', 'b', 'k/x.html'), 'https://console.amazonaws-us-gov.com/s3/object/b?region=us-gov-west-1&bucketType=general&prefix=k%2Fx.html');
    assert.equal(s3ConsoleObjectUrl('aws-cn', 'cn-north-1', 'b', 'x.html'), 'https://console.amazonaws.cn/s3/object/b?region=cn-north-1&bucketType=general&prefix=x.html');
    assert.equal(s3ConsoleObjectUrl('aws-iso', 'us-iso-east-1', 'b', 'x.html'), null);
  });

  it('accepts only SNS topic ARNs, naming the source of a bad one', () => {
    assert.equal(parseTopicArn(' arn:aws-us-gov:sns:us-gov-west-1:111111111111:audit ', '--sns-topic-arn'), 'arn:aws-us-gov:sns:us-gov-west-1:111111111111:audit');
    assert.throws(() => parseTopicArn('arn:aws:sqs:us-east-1:111111111111:audit', 'AUDIT_SNS_TOPIC_ARN'), /AUDIT_SNS_TOPIC_ARN: not an SNS topic ARN/);
    assert.throws(() => parseTopicArn('arn:aws:sns:us-east-1:1111:audit', '--sns-topic-arn'), /--sns-topic-arn/);
  });
});
