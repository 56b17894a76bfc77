// The audit command against an endpoint that stops answering: the run ends, every report is
// written, the account is listed with where it was stuck, and the exit code says incomplete.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { main } from '../../../auditor/cli/audit-command';
import { EXIT_INCOMPLETE } from '../../../auditor/values/exit-codes';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

const MANAGEMENT = '111111111111';
const SILENT = '222222222222';

describe('audit command when an endpoint stops answering', () => {
  let scratch: string;
  let org: SimulatedOrganization;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-deadline-'));
    org = new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'Audit' })
      .addAccount({ id: MANAGEMENT, name: 'management', users: [{ name: 'admin', password: {}, mfa: [{ type: 'virtual' }] }] })
      .addAccount({ id: SILENT, name: 'silent', users: [{ name: 'alice', accessKeys: [{ created: '2020-01-01T00:00:00Z' }] }] })
      .addAccount({ id: '333333333333', name: 'fine', users: [{ name: 'bob' }] });
  });
  afterEach(async () => {
    await org.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('ends at the account deadline, writes every report and exits 2', async () => {
    // Once the credential report is in, every IAM and CloudTrail call of the account goes unanswered.
    for (const operation of ['GetAccountSummary', 'ListAccessKeys', 'LookupEvents']) org.injectFault({ operation, accountId: SILENT, connection: 'hang' });
    let stderr = '';
    const started = Date.now();
    const code = await main(['--role', 'Audit', '--out-dir', scratch, '--account-timeout', '2'], {
      env: {},
      now: () => new Date('2024-03-01T12:00:00Z'),
      stderr: (text) => (stderr += text),
      stdout: () => undefined,
      clientFactory: () => simulatedClientFactory(org, { timeouts: { connectionMs: 5_000, requestMs: 300_000, socketIdleMs: 300_000 } }),
    });
    assert.equal(code, EXIT_INCOMPLETE, stderr);
    assert.ok(Date.now() - started < 20_000);
    const files = (await readdir(scratch)).sort();
    assert.deepEqual(
      files.map((name) => name.replace(/_\d{8}T\d{6}Z-[0-9a-f]{6}/, '')),
      ['access.csv', 'cloudtrail_events.csv', 'coverage.csv', 'findings.csv', 'history.json', 'iam_audit.html', 'iam_audit.json', 'iam_audit.xlsx', 'iam_audit_findings.ocsf.json', 'iam_audit_report.csv', 'root_audit_report.csv'],
    );
    const coverage = parse(await readFile(path.join(scratch, files.find((name) => name.startsWith('coverage_')) ?? ''), 'utf8'), { columns: true }) as Record<string, string>[];
    const silent = coverage.find((row) => row.account_id === SILENT);
    assert.equal(silent?.audited, 'partial');
    assert.match(silent?.error ?? '', /^timed out after 2 s in (GetAccountSummary|ListAccessKeys|LookupEvents)(, (GetAccountSummary|ListAccessKeys|LookupEvents))*$/);
    assert.deepEqual(coverage.filter((row) => row.account_id !== SILENT).map((row) => row.audited), ['yes', 'yes']);
    // The users the credential report gave are in the report, marked as from a partial account.
    const users = await readFile(path.join(scratch, files.find((name) => name.startsWith('iam_audit_report_')) ?? ''), 'utf8');
    assert.match(users, /222222222222,silent,alice/);
    assert.match(stderr, /\[\d\/3\] 222222222222 silent: partial \(1 user, \d keys?\): timed out after 2 s in /);
  });

  describe('the set-up, under one deadline and the stop', () => {
    const SHORT = { connectionMs: 5_000, requestMs: 300_000, socketIdleMs: 300_000 };

    async function run(args: string[], options: { stop?: AbortSignal; s3?: boolean } = {}): Promise<{ code: number; stderr: string; elapsedMs: number }> {
      let stderr = '';
      const started = Date.now();
      const code = await main(['--role', 'Audit', '--out-dir', scratch, '--no-cloudtrail', ...args], {
        env: {},
        now: () => new Date('2024-03-01T12:00:00Z'),
        stderr: (text) => (stderr += text),
        stdout: () => undefined,
        clientFactory: () => simulatedClientFactory(org, { timeouts: SHORT }),
        ...(options.stop === undefined ? {} : { stop: options.stop }),
      });
      return { code, stderr, elapsedMs: Date.now() - started };
    }

    it('cuts a GetCallerIdentity that is never answered at --setup-timeout, names it, and writes nothing', async () => {
      org.injectFault({ operation: 'GetCallerIdentity', connection: 'hang' });
      const result = await run(['--setup-timeout', '2']);
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.elapsedMs < 8_000, `ended after ${result.elapsedMs} ms`);
      assert.match(result.stderr, /error: the set-up did not finish within --setup-timeout \(2 s\): still in GetCallerIdentity; nothing was audited/);
      assert.deepEqual(await readdir(scratch), []);
    });

    it('ends a hung GetCallerIdentity at the stop signal', async () => {
      org.injectFault({ operation: 'GetCallerIdentity', connection: 'hang' });
      const stop = new AbortController();
      setTimeout(() => stop.abort(new Error('the run was stopped (SIGTERM)')), 500);
      const result = await run([], { stop: stop.signal });
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.elapsedMs < 5_000, `ended ${result.elapsedMs} ms after the start, not at the 240 s set-up deadline`);
      assert.match(result.stderr, /error: the run was stopped \(SIGTERM\) during the set-up, in GetCallerIdentity: nothing was audited and no report was written/);
    });

    it('cuts an account listing that is never answered at the same deadline', async () => {
      org.injectFault({ operation: 'ListAccounts', connection: 'hang' });
      const result = await run(['--setup-timeout', '2']);
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.elapsedMs < 8_000, `ended after ${result.elapsedMs} ms`);
      assert.match(result.stderr, /the set-up did not finish within --setup-timeout \(2 s\): still in ListAccounts/);
    });

    it('cuts an exemptions file in S3 that is never sent, naming it', async () => {
      org.addBucket('config');
      org.injectFault({ operation: 'GetObject', connection: 'hang' });
      const result = await run(['--setup-timeout', '2', '--exemptions', 's3://config/exemptions.yaml']);
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.elapsedMs < 8_000, `ended after ${result.elapsedMs} ms`);
      assert.match(result.stderr, /the set-up did not finish within --setup-timeout \(2 s\): still in reading --exemptions s3:\/\/config\/exemptions\.yaml/);
      assert.equal(org.calls('GetCallerIdentity'), 0, 'nothing asked of the organization');
    });

    it('abandons a previous run and history in S3 not read by the deadline, and still audits and reports', async () => {
      org.addBucket('reports');
      for (const operation of ['ListObjectsV2', 'GetObject']) org.injectFault({ operation, connection: 'hang' });
      const result = await run(['--setup-timeout', '2', '--s3-uri', 's3://reports/audit']);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.elapsedMs < 10_000, `ended after ${result.elapsedMs} ms`);
      assert.match(result.stderr, /not compared with the previous run \(abandoned: the set-up did not finish within --setup-timeout \(2 s\)\)/);
      assert.match(result.stderr, /run history: s3:\/\/reports\/audit\/history\.json not read \(abandoned: the set-up did not finish within --setup-timeout \(2 s\)\), so left as it is/);
      assert.ok((await readdir(scratch)).includes('history.json'));
      assert.ok(org.s3Keys('reports').some((key) => /coverage_[^/]+\.csv$/.test(key)), 'the reports were uploaded');
      assert.ok(!org.s3Keys('reports').includes('audit/history.json'), 'the bucket history, not read, is not replaced');
    });

    it('says what a failed DescribeOrganization costs instead of absorbing it', async () => {
      org.injectFault({ operation: 'DescribeOrganization', error: 'AccessDenied' });
      const result = await run([]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /warning: management account unknown \(DescribeOrganization failed: AccessDenied[^)]*\): no account is marked as it, so the guardrails and maturity judge it as a member account/);
      assert.match(result.stderr, /Audit summary[\s\S]*  management account unknown \(DescribeOrganization failed/);
    });
  });
});
