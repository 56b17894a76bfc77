// The audit command end to end against the simulated organization: real SDK clients, real
// paginators and retries, files on disk, exit codes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { parse } from 'csv-parse/sync';
import { main } from '../../../auditor/cli/audit-command';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../../auditor/values/audit-role';
import type { Environment } from '../../../auditor/values/parsers';
import type { JsonReport } from '../../../auditor/reports/json-report';
import type { RunResult } from '../../../auditor/app/run-result';
import { countBySeverity } from '../../../auditor/analysis/findings';
import { loadWorkbook } from '../../support/report-files';
import { SimulatedOrganization, simulatedClientFactory, type SimulatedClientFactoryOptions, type SimulatedUserSpec } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const NO_ROLE = '333333333333';
const SUSPENDED = '444444444444';
const RUN_CLOCK = new Date('2024-03-01T12:00:00.000Z');
const RUN_TIMESTAMP = '20240301T120000Z';
const RUN_ID = 'a1b2c3';
/** The run's name in its file names: its timestamp and its id, which the tests fix. */
const RUN_NAME = `${RUN_TIMESTAMP}-${RUN_ID}`;

const MEMBER_USERS: SimulatedUserSpec[] = [
  {
    name: 'alice',
    password: { lastUsed: '2024-02-20T09:30:00Z' },
    mfa: [{ type: 'virtual' }],
    accessKeys: [
      { id: 'AKIAALICEKEY00000001', created: '2019-05-01T00:00:00Z', lastUsed: { date: '2024-02-28T10:00:00Z', service: 's3', region: 'eu-west-1' } },
      { id: 'AKIAALICEKEY00000002', status: 'Inactive', created: '2024-01-01T00:00:00Z', lastUsed: null },
    ],
  },
  { name: 'bob' },
  { name: 'carol', password: { lastUsed: null }, mfa: [{ type: 'security-key' }], accessKeys: [{ id: 'AKIACAROLKEY00000001', created: '2024-02-01T00:00:00Z' }] },
  { name: 'dave', password: { lastUsed: '2023-12-24T18:00:00Z' }, mfa: [{ type: 'hardware' }] },
  { name: 'erin', password: { lastUsed: '2024-01-02T00:00:00Z' } },
  // More users than one IAM page (the organization pages IAM lists by 2 here).
  ...Array.from({ length: 5 }, (_, index): SimulatedUserSpec => ({
    name: `service-${index}`,
    accessKeys: [{ id: `AKIASERVICE${String(index).padStart(9, '0')}`, created: '2023-06-01T00:00:00Z', lastUsed: { date: '2024-02-29T00:00:00Z', service: 'sts', region: 'us-east-1' } }],
  })),
];
const MANAGEMENT_USERS: SimulatedUserSpec[] = [
  { name: 'admin', password: { lastUsed: '2024-02-29T08:00:00Z' }, mfa: [{ type: 'hardware' }], accessKeys: [{ id: 'AKIAADMINKEY00000001', created: '2024-02-15T00:00:00Z' }] },
];

function organization(withAccountLackingRole: boolean): SimulatedOrganization {
  const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit', pageSizes: { organizations: 2, iam: 2 } })
    .addAccount({ id: MANAGEMENT, name: 'Management', users: MANAGEMENT_USERS, root: { mfa: 'hardware', passwordLastUsed: '2024-01-15T00:00:00Z' } })
    .addAccount({
      id: MEMBER,
      name: 'Prod, "EU"',
      users: MEMBER_USERS,
      root: { mfa: 'none', accessKeys: [{ created: '2018-01-01T00:00:00Z' }] },
      events: [
        { eventName: 'DeleteAccessKey', eventTime: '2024-02-27T10:00:00Z', username: 'admin', resources: [{ type: 'AWS::IAM::AccessKey', name: 'AKIAOLDKEY0000000001' }] },
        { eventName: 'ListUsers', eventTime: '2024-02-27T11:00:00Z', username: 'admin' },
      ],
    })
    .addAccount({ id: SUSPENDED, name: 'Closed', state: 'SUSPENDED' });
  if (withAccountLackingRole) org.addAccount({ id: NO_ROLE, name: 'Sandbox', auditRole: 'missing', users: [{ name: 'ghost' }] });
  return org;
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunAuditOptions {
  env?: Environment;
  clients?: SimulatedClientFactoryOptions;
  now?: Date;
  /** Makes stderr a terminal of this width. */
  terminalColumns?: number;
}

async function runAuditCommand(org: SimulatedOrganization, argv: string[], options: RunAuditOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const writeErr = (text: string) => (stderr += text);
  const code = await main(argv, {
    env: options.env ?? {},
    now: () => options.now ?? RUN_CLOCK,
    runId: () => RUN_ID,
    stdout: (text) => (stdout += text),
    stderr: options.terminalColumns === undefined ? writeErr : { isTTY: true, columns: options.terminalColumns, write: writeErr },
    clientFactory: () => simulatedClientFactory(org, { maxAttempts: 2, ...options.clients }),
  });
  return { code, stdout, stderr };
}

async function readCsv(directory: string, fileName: string): Promise<Record<string, string>[]> {
  return parse(await readFile(path.join(directory, fileName), 'utf8'), { columns: true }) as Record<string, string>[];
}

const MFA_STATUS = { virtual: 'Virtual', hardware: 'Hardware', 'security-key': 'SecurityKey' } as const;
const iso = (date: string): string => new Date(date).toISOString();

/** The iam_audit_report rows the simulated users must produce. */
function expectedUserRows(accountId: string, accountName: string, users: SimulatedUserSpec[]): Record<string, string>[] {
  return users.flatMap((user) => {
    const common = {
      account_id: accountId,
      account_name: accountName,
      username: user.name,
      password_status: user.password ? 'Configured' : 'Not configured',
      password_last_used: user.password?.lastUsed ? iso(user.password.lastUsed) : 'Never',
    };
    const identity = { user_arn: `arn:aws:iam::${accountId}:user/${user.name}`, user_created_date: iso(user.created ?? '2015-01-01T00:00:00Z') };
    const mfa_status = user.mfa?.[0] ? MFA_STATUS[user.mfa[0].type] : 'None';
    const keys = user.accessKeys ?? [];
    if (keys.length === 0) {
      return [{ ...common, access_key_id: '', status: '', created_date: '', last_used_date: '', service_name: '', mfa_status, ...identity }];
    }
    return keys.map((key) => ({
      ...common,
      access_key_id: key.id ?? '',
      status: key.status ?? 'Active',
      created_date: iso(key.created),
      last_used_date: key.lastUsed ? iso(key.lastUsed.date) : 'Never',
      service_name: key.lastUsed ? key.lastUsed.service : 'N/A',
      mfa_status,
      ...identity,
    }));
  });
}

const byUserAndKey = (a: Record<string, string>, b: Record<string, string>): number =>
  `${a.account_id}/${a.username}/${a.access_key_id}`.localeCompare(`${b.account_id}/${b.username}/${b.access_key_id}`);

describe('audit command against a simulated organization', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-e2e-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('exits 0 for a clean organization and reports every user and key with the right values', async () => {
    const outDir = path.join(scratch, 'reports');
    const result = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', outDir, '--since-days', '30']);
    assert.equal(result.code, 0, result.stderr);

    assert.deepEqual((await readdir(outDir)).sort(), [
      `access_${RUN_NAME}.csv`,
      `cloudtrail_events_${RUN_NAME}.csv`,
      `coverage_${RUN_NAME}.csv`,
      `findings_${RUN_NAME}.csv`,
      'history.json',
      `iam_audit_${RUN_NAME}.html`,
      `iam_audit_${RUN_NAME}.json`,
      `iam_audit_${RUN_NAME}.xlsx`,
      `iam_audit_findings_${RUN_NAME}.ocsf.json`,
      `iam_audit_report_${RUN_NAME}.csv`,
      `root_audit_report_${RUN_NAME}.csv`,
    ]);

    const rows = await readCsv(outDir, `iam_audit_report_${RUN_NAME}.csv`);
    const expected = [...expectedUserRows(MANAGEMENT, 'Management', MANAGEMENT_USERS), ...expectedUserRows(MEMBER, 'Prod, "EU"', MEMBER_USERS)];
    assert.deepEqual([...rows].sort(byUserAndKey), [...expected].sort(byUserAndKey));

    const coverage = await readCsv(outDir, `coverage_${RUN_NAME}.csv`);
    assert.deepEqual(
      coverage.map((row) => [row.account_id, row.state, row.audited]),
      [
        [MANAGEMENT, 'ACTIVE', 'yes'],
        [MEMBER, 'ACTIVE', 'yes'],
        [SUSPENDED, 'SUSPENDED', 'no'],
      ],
    );
    assert.match(coverage[2].error, /SUSPENDED/);

    const root = await readCsv(outDir, `root_audit_report_${RUN_NAME}.csv`);
    assert.deepEqual(root, [
      { account_id: MANAGEMENT, account_name: 'Management', mfa_enabled: 'true', mfa_type: 'Hardware', access_key_active: 'false', password_last_used: '2024-01-15T00:00:00.000Z', credentials: 'password' },
      { account_id: MEMBER, account_name: 'Prod, "EU"', mfa_enabled: 'false', mfa_type: 'None', access_key_active: 'true', password_last_used: 'Never', credentials: 'password, access key' },
    ]);

    const events = await readCsv(outDir, `cloudtrail_events_${RUN_NAME}.csv`);
    assert.deepEqual(
      events.map((event) => [event.eventName, event.account_id, event.account_name, event.username, event.eventSource]),
      [['DeleteAccessKey', MEMBER, 'Prod, "EU"', 'admin', 'iam.amazonaws.com']],
    );
    assert.match(events[0].resources, /AKIAOLDKEY0000000001/);

    const json = JSON.parse(await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.json`), 'utf8')) as JsonReport;
    assert.equal(json.runTimestamp, RUN_TIMESTAMP);
    assert.equal(json.summary.complete, true);
    assert.equal(json.summary.users, MANAGEMENT_USERS.length + MEMBER_USERS.length);

    // Progress for each audited account and the closing summary, on stderr; nothing on stdout.
    assert.match(result.stderr, new RegExp(`\\[\\d/3\\] ${MEMBER} Prod, "EU": audited \\(10 users, 8 keys\\)`));
    assert.match(result.stderr, new RegExp(`\\[\\d/3\\] ${MANAGEMENT} Management: audited \\(1 user, 1 key\\)`));
    assert.match(result.stderr, new RegExp(`\\[\\d/3\\] ${SUSPENDED} Closed: skipped`));
    assert.match(result.stderr, /accounts: 3 listed, 2 audited, 0 partial, 0 not audited, 1 skipped/);
    assert.match(result.stderr, /IAM users: 11 \(5 with console access, 1 of them without MFA\)/);
    // alice's 2019 key and the five 2023 service keys are active and older than 90 days.
    assert.match(result.stderr, /access keys: 9 \(8 active, 6 active and older than 90 days, 2 active and never used\)/);
    assert.ok(result.stderr.includes(outDir));
    assert.equal(result.stdout, '');
  });

  it('exits 2 when an account lacks the audit role, and says why in coverage', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--out-dir', outDir], { env: { AUDIT_ROLE_NAME: 'IamAudit' } });
    assert.equal(result.code, 2, result.stderr);
    const coverage = await readCsv(outDir, `coverage_${RUN_NAME}.csv`);
    const sandbox = coverage.find((row) => row.account_id === NO_ROLE);
    assert.equal(sandbox?.audited, 'no');
    assert.match(sandbox?.error ?? '', /AccessDenied|not authorized|AssumeRole/i);
    assert.equal(coverage.filter((row) => row.audited === 'yes').length, 2);
    assert.match(result.stderr, new RegExp(`${NO_ROLE} Sandbox: not audited: `));
    // The other accounts are still fully reported.
    const rows = await readCsv(outDir, `iam_audit_report_${RUN_NAME}.csv`);
    assert.equal(rows.filter((row) => row.account_id === MEMBER).length, expectedUserRows(MEMBER, '', MEMBER_USERS).length);
    assert.equal(rows.filter((row) => row.account_id === NO_ROLE).length, 0);
  });

  it("without --role or AUDIT_ROLE_NAME assumes the deployment's role, IAMAuditRole, in every account", async () => {
    const org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: DEFAULT_AUDIT_ROLE_NAME })
      .addAccount({ id: MANAGEMENT, name: 'Management', users: MANAGEMENT_USERS })
      .addAccount({ id: MEMBER, name: 'Member', users: [{ name: 'bob' }] });
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(org, ['--out-dir', outDir, '--no-cloudtrail']);
    assert.equal(result.code, 0, result.stderr);
    const coverage = await readCsv(outDir, `coverage_${RUN_NAME}.csv`);
    assert.deepEqual(coverage.map((row) => row.audited), ['yes', 'yes']);
    // Another name, as a README copied before the names were one would give, is refused by every account.
    const other = await runAuditCommand(org, ['--out-dir', path.join(scratch, 'other'), '--no-cloudtrail'], { env: { AUDIT_ROLE_NAME: 'IamAudit' } });
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /role\/IamAudit/);
  });

  it('exits 1 and says so plainly when Organizations denies ListAccounts, writing no report', async () => {
    const org = organization(false).injectFault({ operation: 'ListAccounts', error: 'AccessDenied' });
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(org, ['--role', 'IamAudit', '--out-dir', outDir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: Organizations denied ListAccounts: run the auditor with credentials of the management account/);
    // The directory this run created is gone again: a failed run leaves no empty --out-dir behind.
    assert.equal(existsSync(outDir), false);
    assert.equal(existsSync(scratch), true, 'only what the run created is removed');
  });

  it('keeps an --out-dir that existed before a failed run', async () => {
    const org = organization(false).injectFault({ operation: 'ListAccounts', error: 'AccessDenied' });
    const outDir = path.join(scratch, 'existing');
    await mkdir(outDir);
    const result = await runAuditCommand(org, ['--role', 'IamAudit', '--out-dir', outDir]);
    assert.equal(result.code, 1);
    assert.deepEqual(await readdir(outDir), []);
  });

  it('--format json prints the run summary on stdout as one document, the human lines on stderr', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir, '--format', 'json']);
    assert.equal(result.code, 2, result.stderr);
    const summary = JSON.parse(result.stdout) as RunResult;
    assert.equal(summary.runTimestamp, RUN_TIMESTAMP);
    assert.equal(summary.exitCode, 2);
    assert.equal(summary.complete, false);
    assert.deepEqual(summary.summary.accounts, { listed: 4, audited: 2, partial: 0, notAudited: 1, skipped: 1 });
    assert.deepEqual(summary.coverageGaps.map((gap) => [gap.accountId, gap.audited]), [[NO_ROLE, 'no']]);
    const json = JSON.parse(await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.json`), 'utf8')) as JsonReport;
    assert.deepEqual(summary.findings, countBySeverity(json.findings ?? []));
    assert.equal(summary.reports.dashboard, path.resolve(outDir, `iam_audit_${RUN_NAME}.html`));
    assert.deepEqual(summary.reports.locations, [path.resolve(outDir)]);
    assert.equal(summary.comparison, null);
    assert.match(result.stderr, /Audit summary/);
  });

  it('compares a local run with the newest earlier report in --out-dir, unless --no-compare', async () => {
    const outDir = path.join(scratch, 'out');
    const first = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', outDir]);
    assert.equal(first.code, 0, first.stderr);
    const later = new Date(RUN_CLOCK.getTime() + 7 * 24 * 3600 * 1000);
    // A week later, a new key appears and the root access key has been removed.
    const changed = organization(false);
    changed.account(MEMBER)!.root = { mfa: 'none' };
    changed.account(MANAGEMENT)!.users = [...MANAGEMENT_USERS, { name: 'newcomer', accessKeys: [{ id: 'AKIANEWCOMER00000001', created: '2024-03-05T00:00:00Z' }] }];
    const second = await runAuditCommand(changed, ['--role', 'IamAudit', '--out-dir', outDir, '--format', 'json'], { now: later });
    const summary = JSON.parse(second.stdout) as RunResult;
    assert.ok(summary.comparison !== null);
    assert.equal(summary.comparison.previousRun, path.join(outDir, `iam_audit_${RUN_NAME}.json`));
    assert.equal(summary.comparison.previousRunTimestamp, RUN_TIMESTAMP);
    assert.equal(summary.comparison.newAccessKeys, 1);
    assert.ok(summary.comparison.resolvedFindings >= 1, 'the root access key finding is resolved');
    assert.match(second.stderr, new RegExp(`compared with .*iam_audit_${RUN_NAME}\\.json`));

    const third = await runAuditCommand(changed, ['--role', 'IamAudit', '--out-dir', outDir, '--format', 'json', '--no-compare'], { now: new Date(later.getTime() + 3600_000) });
    assert.equal((JSON.parse(third.stdout) as RunResult).comparison, null);
    assert.doesNotMatch(third.stderr, /compared with/);
  });

  it('--quiet prints only the one-line result, and errors', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir, '--quiet']);
    assert.equal(result.code, 2);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], new RegExp(`^iam-audit ${RUN_NAME}: incomplete; 2 of 3 accounts audited \\(0 partial, 1 not audited\\); findings \\d+ critical, \\d+ high, \\d+ medium, \\d+ low; dashboard .*iam_audit_${RUN_NAME}\\.html$`));
    assert.equal(result.stdout, '');

    const failed = await runAuditCommand(organization(false).injectFault({ operation: 'ListAccounts', error: 'AccessDenied' }), ['--role', 'IamAudit', '--out-dir', outDir, '-q']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^error: Organizations denied ListAccounts/);
  });

  it('sums the accounts left out by --accounts in one line instead of one line each', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir, '--accounts', MEMBER]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^3 of 4 accounts skipped: not in --accounts$/m);
    assert.match(result.stderr, new RegExp(`^\\[1/1\\] ${MEMBER} `, 'm'));
    for (const id of [MANAGEMENT, SUSPENDED, NO_ROLE]) assert.doesNotMatch(result.stderr, new RegExp(`\\] ${id} `));
  });

  it('on a terminal draws one live progress line, keeps failed accounts above it, and colours unless NO_COLOR', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir], { terminalColumns: 100 });
    assert.equal(result.code, 2, result.stderr);
    // No per-account line for the accounts audited cleanly; the failed one is listed, in red.
    assert.doesNotMatch(result.stderr, new RegExp(`${MEMBER} Prod, "EU": audited`));
    assert.match(result.stderr, new RegExp(`${NO_ROLE} Sandbox: \\u001b\\[31mnot audited`));
    assert.match(result.stderr, /\d\/4 accounts \| .*audited.*partial.*failed.* \| +\d+s elapsed/);
    assert.match(result.stderr, /4 of 4 accounts done: /);
    assert.doesNotMatch(result.stderr, /Management: audited/);

    const plain = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir], { terminalColumns: 100, env: { NO_COLOR: '1' }, now: new Date(RUN_CLOCK.getTime() + 60_000) });
    assert.doesNotMatch(plain.stderr, /\u001b\[\d+m/);
    assert.match(plain.stderr, new RegExp(`${NO_ROLE} Sandbox: not audited`));
  });

  it('off a terminal writes one plain line per account, without colour', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir]);
    assert.match(result.stderr, new RegExp(`^\\[\\d/4\\] ${MEMBER} Prod, "EU": audited`, 'm'));
    assert.doesNotMatch(result.stderr, /\u001b/);
  });

  it('exits 1 without credentials', async () => {
    const result = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', path.join(scratch, 'out')], { clients: { credentials: 'none' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: No AWS credentials found/);
  });

  it('audits only --accounts and keeps the others in coverage as skipped', async () => {
    const outDir = path.join(scratch, 'out');
    const result = await runAuditCommand(organization(true), ['--role', 'IamAudit', '--out-dir', outDir, '--accounts', MEMBER, '--no-cloudtrail']);
    assert.equal(result.code, 0, result.stderr);
    const coverage = await readCsv(outDir, `coverage_${RUN_NAME}.csv`);
    assert.deepEqual(
      coverage.map((row) => [row.account_id, row.audited]),
      [
        [MANAGEMENT, 'no'],
        [MEMBER, 'yes'],
        [SUSPENDED, 'no'],
        [NO_ROLE, 'no'],
      ],
    );
    assert.ok(coverage.filter((row) => row.account_id !== MEMBER).every((row) => row.error.startsWith('skipped')));
    assert.deepEqual(await readCsv(outDir, `cloudtrail_events_${RUN_NAME}.csv`), []);
  });

  describe('with --s3-uri', () => {
    // Created per suite, not at load time: the stub sits on the S3Client prototype for the whole
    // mocha process, and another file's restore must not leave this one inert.
    let s3Mock: AwsClientStub<S3Client>;
    before(() => {
      s3Mock = mockClient(S3Client);
    });
    afterEach(() => s3Mock.reset());
    after(() => s3Mock.restore());

    it('names the S3 run prefix and the dashboard in the S3 console in the SNS summary, never the local directory', async () => {
      s3Mock.on(PutObjectCommand).resolves({});
      const snsMock = mockClient(SNSClient);
      snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
      try {
        const outDir = path.join(scratch, 'out');
        const topic = 'arn:aws:sns:us-east-1:111111111111:iam-audit';
        const result = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', outDir, '--s3-uri', 's3://audit-reports/iam/', '--sns-topic-arn', topic]);
        assert.equal(result.code, 0, result.stderr);
        const [publish] = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
        assert.equal(publish.TopicArn, topic);
        const message = publish.Message ?? '';
        assert.match(message, new RegExp(`^Reports: s3://audit-reports/iam/2024/03/01/${RUN_NAME}/$`, 'm'));
        const key = encodeURIComponent(`iam/2024/03/01/${RUN_NAME}/iam_audit_${RUN_NAME}.html`);
        assert.ok(message.includes(`Dashboard: https://us-east-1.console.aws.amazon.com/s3/object/audit-reports?region=us-east-1&bucketType=general&prefix=${key}\n`), message);
        assert.ok(!message.includes(outDir), message);
      } finally {
        snsMock.restore();
      }
    });

    it('also uploads every report under the dated run prefix', async () => {
      s3Mock.on(PutObjectCommand).resolves({});
      const outDir = path.join(scratch, 'out');
      const result = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', outDir], { env: { AUDIT_S3_URI: 's3://audit-reports/iam/' } });
      assert.equal(result.code, 0, result.stderr);
      const uploaded = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input as PutObjectCommandInput);
      // The history is kept locally even when the bucket's copy cannot be read (here ListObjectsV2 answers nothing).
      const local = (await readdir(outDir)).filter((name) => name !== 'history.json').sort();
      assert.deepEqual(uploaded.map((input) => input.Key).sort(), local.map((name) => `iam/2024/03/01/${RUN_NAME}/${name}`));
      for (const input of uploaded) {
        assert.equal(input.Bucket, 'audit-reports');
        const name = path.basename(input.Key ?? '');
        // The workbook is a zip whose entries carry the time they were written: its sheets are compared.
        if (name.endsWith('.xlsx')) {
          const [sent, kept] = await Promise.all([loadWorkbook(Buffer.from(input.Body as Uint8Array)), loadWorkbook(await readFile(path.join(outDir, name)))]);
          assert.deepEqual(sent.worksheets.map((sheet) => [sheet.name, sheet.rowCount]), kept.worksheets.map((sheet) => [sheet.name, sheet.rowCount]));
        } else assert.equal(String(input.Body), await readFile(path.join(outDir, name), 'utf8'));
      }
      assert.ok(result.stderr.includes(`s3://audit-reports/iam/2024/03/01/${RUN_NAME}/`));
    });

    it('keeps the local reports and exits 1 naming each file when the upload fails', async () => {
      s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));
      const outDir = path.join(scratch, 'out');
      const result = await runAuditCommand(organization(false), ['--role', 'IamAudit', '--out-dir', outDir, '--s3-uri', 's3://missing-bucket']);
      assert.equal(result.code, 1);
      // The nine reports and the local history (the bucket's copy, which cannot be read here, is left alone).
      assert.equal((await readdir(outDir)).length, 11);
      assert.ok((await readdir(outDir)).includes('history.json'));
      assert.match(result.stderr, new RegExp(`error: could not write s3://missing-bucket/2024/03/01/${RUN_NAME}/coverage_${RUN_NAME}.csv: NoSuchBucket: The specified bucket does not exist`));
      assert.match(result.stderr, /the other reports were written: .*coverage_/);
    });
  });
});
