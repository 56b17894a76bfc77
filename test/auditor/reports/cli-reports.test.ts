// The report step of the audit command end to end, against the simulated organization: findings,
// maturity, --compare, --fail-on, the previous run and history in S3, and the SNS notification.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { main } from '../../../auditor/cli/audit-command';
import { EXIT_FINDINGS } from '../../../auditor/values/exit-codes';
import type { Environment } from '../../../auditor/values/parsers';
import type { RunHistory } from '../../../auditor/analysis/history';
import type { JsonReport } from '../../../auditor/reports/json-report';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const RUN_CLOCK = new Date('2024-03-01T12:00:00.000Z');
const RUN_TIMESTAMP = '20240301T120000Z';
const RUN_ID = 'a1b2c3';
/** The run's name in its file names: its timestamp and its id, which the tests fix. */
const RUN_NAME = `${RUN_TIMESTAMP}-${RUN_ID}`;
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:iam-audit';

function organization(): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit' })
    .addAccount({ id: MANAGEMENT, name: 'Management', users: [{ name: 'admin', password: { lastUsed: '2024-02-29T08:00:00Z' }, mfa: [{ type: 'hardware' }] }], root: { mfa: 'hardware' } })
    .addAccount({
      id: MEMBER,
      name: 'Prod <EU>',
      users: [
        { name: 'alice', password: { lastUsed: '2024-02-20T09:30:00Z' }, mfa: [{ type: 'virtual' }], accessKeys: [{ id: 'AKIAALICEKEY00000001', created: '2019-05-01T00:00:00Z', lastUsed: { date: '2024-02-28T10:00:00Z', service: 's3', region: 'eu-west-1' } }] },
        { name: 'erin', password: { lastUsed: '2024-02-25T00:00:00Z' } },
      ],
      root: { mfa: 'hardware' },
    });
}

interface CliRun {
  code: number;
  stderr: string;
}

async function runAuditCommand(argv: string[], env: Environment = {}): Promise<CliRun> {
  let stderr = '';
  const code = await main(argv, {
    env,
    now: () => RUN_CLOCK,
    runId: () => RUN_ID,
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
    clientFactory: () => simulatedClientFactory(organization(), { maxAttempts: 2 }),
  });
  return { code, stderr };
}

async function readJson<T>(directory: string, fileName: string): Promise<T> {
  return JSON.parse(await readFile(path.join(directory, fileName), 'utf8')) as T;
}

describe('audit command reports: findings, dashboard, comparison, notification', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-reports-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes the findings CSV, the dashboard and the findings and maturity in the JSON, and prints the maturity', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail']);
    assert.equal(result.code, 0, result.stderr);
    const findings = parse(await readFile(path.join(outDir, `findings_${RUN_NAME}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.deepEqual(findings.map((row) => [row.severity, row.rule_id, row.resource]), [
      ['critical', 'console-user-without-mfa', 'erin'],
      ['high', 'access-key-very-old', 'alice/AKIAALICEKEY00000001'],
    ]);
    const report = await readJson<JsonReport>(outDir, `iam_audit_${RUN_NAME}.json`);
    assert.equal(report.findings?.length, 2);
    assert.equal(report.maturity?.organization.mfa.level, 'In Progress');
    assert.equal(report.thresholds?.keyMaxAgeDays, 90);
    const page = await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.html`), 'utf8');
    assert.ok(page.includes('Prod &lt;EU&gt;') && !page.includes('Prod <EU>'));
    assert.match(result.stderr, /Findings: 1 critical, 1 high, 0 medium, 0 low/);
    assert.match(result.stderr, /Phase 1 MFA: In Progress \(1 of 3 console users have no MFA\)/);
    const history = await readJson<RunHistory>(outDir, 'history.json');
    assert.deepEqual(history.entries.map((entry) => entry.runTimestamp), [RUN_TIMESTAMP]);
  });

  it('exits 3 when a finding reaches --fail-on, and uses the thresholds given', async () => {
    const failing = await runAuditCommand(['--role', 'IamAudit', '--out-dir', path.join(scratch, 'a'), '--no-cloudtrail', '--fail-on', 'high']);
    assert.equal(failing.code, EXIT_FINDINGS);
    assert.match(failing.stderr, /at least one finding is high or worse/);
    // With a two-year-old key limit of 2000 days the key is only medium; erin's last sign-in 5 days ago is not recent with 1 day.
    const passing = await runAuditCommand(['--role', 'IamAudit', '--out-dir', path.join(scratch, 'b'), '--no-cloudtrail', '--fail-on', 'critical', '--key-critical-age-days', '2000', '--recent-login-days', '1']);
    assert.equal(passing.code, 0, passing.stderr);
    assert.match(passing.stderr, /Findings: 0 critical, 1 high, 1 medium/);
  });

  it('refuses bad report flags before the audit starts', async () => {
    const contradicting = await runAuditCommand(['--role', 'IamAudit', '--key-max-age-days', '400']);
    assert.equal(contradicting.code, 1);
    assert.match(contradicting.stderr, /--key-critical-age-days \(365\) must be greater than --key-max-age-days \(400\)/);
    const severity = await runAuditCommand(['--role', 'IamAudit', '--fail-on', 'severe']);
    assert.equal(severity.code, 1);
    assert.match(severity.stderr, /severe/);
    const days = await runAuditCommand(['--role', 'IamAudit', '--unused-days', '0']);
    assert.equal(days.code, 1);
    assert.match(days.stderr, /--unused-days/);
    const topic = await runAuditCommand(['--role', 'IamAudit', '--out-dir', path.join(scratch, 'c')], { AUDIT_SNS_TOPIC_ARN: 'not-an-arn' });
    assert.equal(topic.code, 1);
    assert.match(topic.stderr, /AUDIT_SNS_TOPIC_ARN: not an SNS topic ARN/);
  });

  it('compares with --compare and refuses a file that is not a report of this auditor', async () => {
    const first = path.join(scratch, 'first');
    assert.equal((await runAuditCommand(['--role', 'IamAudit', '--out-dir', first, '--no-cloudtrail'])).code, 0);
    const previous = await readJson<JsonReport>(first, `iam_audit_${RUN_NAME}.json`);
    // Before: alice had no MFA and a key that is gone now; the run was a month earlier.
    previous.runTimestamp = '20240201T120000Z';
    previous.startedAt = '2024-02-01T12:00:00.000Z';
    const member = previous.accounts.find((account) => account.account.id === MEMBER);
    assert.ok(member);
    const alice = member.users.find((user) => user.userName === 'alice');
    assert.ok(alice);
    Object.assign(alice, { mfaActive: false, mfaType: 'None', mfaDevices: [] });
    alice.accessKeys.push({ ...alice.accessKeys[0], accessKeyId: 'AKIAALICEOLD00000002' });
    const previousFile = path.join(scratch, 'previous.json');
    await writeFile(previousFile, JSON.stringify(previous));

    const second = path.join(scratch, 'second');
    const result = await runAuditCommand(['--role', 'IamAudit', '--out-dir', second, '--no-cloudtrail', '--compare', previousFile]);
    assert.equal(result.code, 0, result.stderr);
    const report = await readJson<JsonReport>(second, `iam_audit_${RUN_NAME}.json`);
    assert.deepEqual(report.comparison?.removedAccessKeys.map((key) => key.accessKeyId), ['AKIAALICEOLD00000002']);
    assert.deepEqual(report.comparison?.usersWhoGainedMfa.map((user) => user.userName), ['alice']);
    assert.ok(report.comparison?.resolvedFindings.some((finding) => finding.key === `console-user-without-mfa|${MEMBER}|alice`));
    assert.match(result.stderr, /Changes since 20240201T120000Z/);
    const page = await readFile(path.join(second, `iam_audit_${RUN_NAME}.html`), 'utf8');
    assert.match(page, /id="comparison"/);

    await writeFile(previousFile, JSON.stringify({ ...previous, schemaVersion: 0 }));
    const refused = await runAuditCommand(['--role', 'IamAudit', '--out-dir', path.join(scratch, 'third'), '--compare', previousFile]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /previous\.json: schemaVersion 0 cannot be compared/);
    assert.doesNotMatch(refused.stderr, /Audit summary/);
    const missing = await runAuditCommand(['--role', 'IamAudit', '--compare', path.join(scratch, 'nope.json')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--compare: cannot read .*nope\.json/);
  });

  describe('with --s3-uri and --sns-topic-arn', () => {
    let s3Mock: AwsClientStub<S3Client>;
    let snsMock: AwsClientStub<SNSClient>;
    before(() => {
      s3Mock = mockClient(S3Client);
      snsMock = mockClient(SNSClient);
    });
    afterEach(() => {
      s3Mock.reset();
      snsMock.reset();
    });
    after(() => {
      s3Mock.restore();
      snsMock.restore();
    });

    function body(text: string): never {
      // The auditor only reads the body as text.
      return { transformToString: async () => text } as never;
    }

    it('compares with the newest earlier run in the bucket, keeps the history there and publishes a summary', async () => {
      const first = path.join(scratch, 'first');
      assert.equal((await runAuditCommand(['--role', 'IamAudit', '--out-dir', first, '--no-cloudtrail'])).code, 0);
      const previous = await readJson<JsonReport>(first, `iam_audit_${RUN_NAME}.json`);
      previous.runTimestamp = '20240201T120000Z';
      previous.startedAt = '2024-02-01T12:00:00.000Z';

      s3Mock.on(ListObjectsV2Command, { Prefix: 'iam/' }).resolvesOnce({
        Contents: [{ Key: 'iam/2024/01/01/20240101T120000Z/iam_audit_20240101T120000Z.json' }, { Key: 'iam/2024/02/01/20240201T120000Z/iam_audit_20240201T120000Z.html' }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      }).resolves({
        Contents: [{ Key: 'iam/2024/02/01/20240201T120000Z/iam_audit_20240201T120000Z.json' }, { Key: 'iam/2024/03/02/20240302T120000Z/iam_audit_20240302T120000Z.json' }],
        IsTruncated: false,
      });
      s3Mock.on(GetObjectCommand, { Key: 'iam/2024/02/01/20240201T120000Z/iam_audit_20240201T120000Z.json' }).resolves({ Body: body(JSON.stringify(previous)) });
      const stored: RunHistory = { version: 1, entries: [{ runTimestamp: '20240101T120000Z', startedAt: '2024-01-01T12:00:00.000Z', accountsInScope: 2, accountsAudited: 2, consoleUsers: 3, consoleUsersWithoutMfa: 2, activeAccessKeys: 1, keysOlderThanMaxAge: 1, findings: { critical: 2, high: 1, medium: 0, low: 0 } }] };
      s3Mock.on(ListObjectsV2Command, { Prefix: 'iam/history.json' }).resolves({ Contents: [{ Key: 'iam/history.json' }] });
      s3Mock.on(GetObjectCommand, { Key: 'iam/history.json' }).resolves({ Body: body(JSON.stringify(stored)) });
      s3Mock.on(PutObjectCommand).resolves({});
      snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });

      const outDir = path.join(scratch, 'out');
      const result = await runAuditCommand(['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail', '--sns-topic-arn', TOPIC], { AUDIT_S3_URI: 's3://audit-reports/iam/' });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /compared with s3:\/\/audit-reports\/iam\/2024\/02\/01\/20240201T120000Z\/iam_audit_20240201T120000Z\.json/);
      // Paged to the end (the paginator reuses its input object, so only the last token is visible).
      const listings = s3Mock.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input).filter((listing) => listing.Prefix === 'iam/');
      assert.equal(listings.length, 2);
      assert.deepEqual([listings[1].Bucket, listings[1].Prefix, listings[1].ContinuationToken], ['audit-reports', 'iam/', 'page-2']);

      const puts = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput);
      const history = puts.find((input) => input.Key === 'iam/history.json');
      assert.ok(history);
      assert.deepEqual((JSON.parse(String(history.Body)) as RunHistory).entries.map((entry) => entry.runTimestamp), ['20240101T120000Z', '20240201T120000Z', RUN_TIMESTAMP]);
      const page = await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.html`), 'utf8');
      assert.equal(page.match(/<tr data-run="/g)?.length, 3);
      assert.ok(puts.some((input) => input.Key === `iam/2024/03/01/${RUN_NAME}/iam_audit_${RUN_NAME}.html`));

      const [publish] = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
      assert.equal(publish.TopicArn, TOPIC);
      assert.match(publish.Message ?? '', /Findings: 1 critical, 1 high, 0 medium, 0 low\./);
      assert.match(publish.Message ?? '', /s3:\/\/audit-reports\/iam\/2024\/03\/01\/20240301T120000Z-a1b2c3\//);
    });

    it('merges the local history with the bucket\'s copy, in both places: neither replaces the other', async () => {
      const entry = (runTimestamp: string, startedAt: string): RunHistory['entries'][number] => ({ runTimestamp, startedAt, accountsInScope: 1, accountsAudited: 1, consoleUsers: 0, consoleUsersWithoutMfa: 0, activeAccessKeys: 0, keysOlderThanMaxAge: 0, findings: { critical: 0, high: 0, medium: 0, low: 0 } });
      const outDir = path.join(scratch, 'out');
      await mkdir(outDir, { recursive: true });
      // A laptop run kept only here, and a scheduled run kept only in the bucket.
      await writeFile(path.join(outDir, 'history.json'), JSON.stringify({ version: 1, entries: [entry('20240115T090000Z', '2024-01-15T09:00:00.000Z')] }));
      s3Mock.on(ListObjectsV2Command, { Prefix: 'iam/' }).resolves({ Contents: [] });
      s3Mock.on(ListObjectsV2Command, { Prefix: 'iam/history.json' }).resolves({ Contents: [{ Key: 'iam/history.json' }] });
      s3Mock.on(GetObjectCommand, { Key: 'iam/history.json' }).resolves({ Body: body(JSON.stringify({ version: 1, entries: [entry('20240201T060000Z', '2024-02-01T06:00:00.000Z')] })) });
      s3Mock.on(PutObjectCommand).resolves({});
      const result = await runAuditCommand(['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail'], { AUDIT_S3_URI: 's3://audit-reports/iam/' });
      assert.equal(result.code, 0, result.stderr);
      const expected = ['20240115T090000Z', '20240201T060000Z', RUN_TIMESTAMP];
      const uploaded = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput).find((put) => put.Key === 'iam/history.json');
      assert.deepEqual((JSON.parse(String(uploaded?.Body)) as RunHistory).entries.map((kept) => kept.runTimestamp), expected);
      assert.deepEqual((await readJson<RunHistory>(outDir, 'history.json')).entries.map((kept) => kept.runTimestamp), expected);
    });

    it('starts a history when the bucket has none, and exits 1 when the summary cannot be published, with the reports written', async () => {
      s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
      s3Mock.on(PutObjectCommand).resolves({});
      snsMock.on(PublishCommand).rejects(Object.assign(new Error('User is not authorized to perform: SNS:Publish'), { name: 'AuthorizationErrorException' }));
      const outDir = path.join(scratch, 'out');
      const result = await runAuditCommand(['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail'], { AUDIT_SNS_TOPIC_ARN: TOPIC, AUDIT_S3_URI: 's3://audit-reports/iam/' });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /could not publish to arn:aws:sns:us-east-1:111111111111:iam-audit: AuthorizationErrorException/);
      await readFile(path.join(outDir, `findings_${RUN_NAME}.csv`), 'utf8');
      assert.equal(s3Mock.commandCalls(GetObjectCommand).length, 0);
      const history = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput).find((put) => put.Key === 'iam/history.json');
      assert.deepEqual((JSON.parse(String(history?.Body)) as RunHistory).entries.map((entry) => entry.runTimestamp), [RUN_TIMESTAMP]);
    });
  });
});
