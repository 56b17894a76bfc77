// `npm run demo`: the audit command's real main() against the demo organization, in-process.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { RULE_IDS } from '../../auditor/analysis/findings';
import type { RunResult } from '../../auditor/app/run-result';
import type { RunComparison } from '../../auditor/analysis/comparison';
import { EXIT_INCOMPLETE, EXIT_USAGE_OR_SETUP } from '../../auditor/values/exit-codes';
import { DEMO_EXEMPTIONS_FILE, ENV_DEMO_LATENCY, demoEnvironment, runDemo } from '../../simulator/demo';
import { DEMO_ACCOUNTS } from '../../simulator/demo-organization';

async function csvRows(directory: string, prefix: string): Promise<Record<string, string>[]> {
  const name = (await readdir(directory)).find((file) => file.startsWith(prefix) && file.endsWith('.csv'));
  assert.ok(name !== undefined, `${prefix}*.csv written`);
  return parse(await readFile(path.join(directory, name), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('npm run demo', () => {
  let scratch: string;
  let outDir: string;
  let stdout: string;
  let stderr: string;
  let code: number;

  before(async function () {
    this.timeout(120_000);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-demo-'));
    outDir = path.join(scratch, 'demo-output');
    stdout = '';
    stderr = '';
    // A shell set up for real audits must not lead the demo to a real account or a missing profile.
    const env = { PATH: process.env.PATH, AWS_PROFILE: 'no-such-profile', AWS_ACCESS_KEY_ID: 'AKIAREAL', AUDIT_S3_URI: 's3://real-bucket/' };
    code = await runDemo(['--out-dir', outDir, '--format', 'json'], { env, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes every report and the history, says where the dashboard is, and exits with the audit\'s code', async () => {
    // The demo organization has an account without the audit role and one audited in part.
    assert.equal(code, EXIT_INCOMPLETE, stderr);
    assert.match(stderr, /This was a simulated organization; exit code 2: some accounts not \(fully\) audited/);
    assert.match(stderr, /Run the demo again: the organization will have moved on/);
    const files = await readdir(outDir);
    for (const pattern of [/^iam_audit_report_.*\.csv$/, /^root_audit_report_.*\.csv$/, /^cloudtrail_events_.*\.csv$/, /^coverage_.*\.csv$/, /^findings_.*\.csv$/, /^iam_audit_\d{8}T\d{6}Z-[0-9a-f]{6}\.html$/, /^iam_audit_\d{8}T\d{6}Z-[0-9a-f]{6}\.json$/, /^history\.json$/]) {
      assert.ok(files.some((file) => pattern.test(file)), `${pattern} among ${files.join(', ')}`);
    }
    const result = JSON.parse(stdout) as RunResult;
    assert.ok(result.reports.dashboard !== null);
    assert.ok(stderr.includes(`Open the dashboard: ${pathToFileURL(result.reports.dashboard).href}`));
  });

  it('shows every kind of finding the simulator can play', async () => {
    const findings = await csvRows(outDir, 'findings_');
    const found = new Set(findings.map((row) => row.rule_id));
    // Root signing certificates are the one thing the simulated IAM does not model.
    assert.deepEqual(RULE_IDS.filter((rule) => !found.has(rule)), ['root-signing-certificate-active']);
    // The demo's exemptions: the break-glass user's findings muted, the expired entry reported.
    const breakGlass = findings.filter((row) => row.resource === 'break-glass');
    assert.ok(breakGlass.length > 0 && breakGlass.every((row) => row.muted === 'yes'), JSON.stringify(breakGlass));
    assert.deepEqual([...new Set(findings.map((row) => row.severity))].sort(), ['critical', 'high', 'low', 'medium']);
  });

  it('covers every MFA type, a missing audit role, a partial and a suspended account, and CloudTrail events', async () => {
    const users = await csvRows(outDir, 'iam_audit_report_');
    assert.deepEqual([...new Set(users.map((row) => row.mfa_status))].sort(), ['Hardware', 'None', 'SecurityKey', 'Virtual']);
    const coverage = new Map((await csvRows(outDir, 'coverage_')).map((row) => [row.account_id, row.audited]));
    assert.equal(coverage.get(DEMO_ACCOUNTS.sandbox), 'no');
    assert.equal(coverage.get(DEMO_ACCOUNTS.dataLake), 'partial');
    assert.equal(coverage.get(DEMO_ACCOUNTS.legacy), 'no');
    assert.equal(coverage.get(DEMO_ACCOUNTS.paymentsProd), 'yes');
    assert.ok((await csvRows(outDir, 'cloudtrail_events_')).length >= 5);
  });

  it('cites an exemptions file that is still there after the run, beside the reports', async () => {
    const exemptions = path.join(outDir, DEMO_EXEMPTIONS_FILE);
    assert.match(await readFile(exemptions, 'utf8'), /user: break-glass/);
    const report = JSON.parse(await readFile(path.join(outDir, (await readdir(outDir)).find((name) => /^iam_audit_.*\.json$/.test(name))!), 'utf8')) as { exemptions: { source: string } };
    assert.equal(report.exemptions.source, exemptions);
  });

  it('runs as a role session of the management account, not as an IAM user with a key', () => {
    // The account without the audit role names the caller in its AccessDenied.
    assert.match(stderr, new RegExp(`${DEMO_ACCOUNTS.sandbox} sandbox-ana: not audited: AssumeRole failed: AccessDenied: User: arn:aws:sts::${DEMO_ACCOUNTS.management}:assumed-role/auditor-task-role/[0-9a-f]{32} is not authorized`));
    assert.doesNotMatch(stderr, /:user\/auditor/);
  });

  it('keeps the real account settings of the shell out of the demo', () => {
    assert.deepEqual(demoEnvironment({ PATH: '/bin', NO_COLOR: '1', AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AUDIT_SNS_TOPIC_ARN: 'arn' }), { PATH: '/bin', NO_COLOR: '1' });
  });
});

describe('npm run demo run twice', () => {
  let scratch: string;
  let outDir: string;
  let first: RunResult;
  let second: RunResult;
  let secondStderr: string;

  before(async function () {
    this.timeout(180_000);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-demo-twice-'));
    outDir = path.join(scratch, 'demo-output');
    const run = async (): Promise<{ result: RunResult; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      // `--out-dir=<dir>`: the demo reads the flags as the command does.
      await runDemo([`--out-dir=${outDir}`, '--format', 'json'], { env: { PATH: process.env.PATH }, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
      return { result: JSON.parse(stdout) as RunResult, stderr };
    };
    first = (await run()).result;
    ({ result: second, stderr: secondStderr } = await run());
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints the dashboard of its own run, in the directory given as --out-dir=', () => {
    assert.ok(second.reports.dashboard !== null && first.reports.dashboard !== null);
    assert.notEqual(second.reports.dashboard, first.reports.dashboard);
    assert.equal(path.dirname(second.reports.dashboard), outDir);
    assert.ok(secondStderr.includes(`Open the dashboard: ${pathToFileURL(second.reports.dashboard).href}`), secondStderr);
    assert.doesNotMatch(secondStderr, /Run the demo again/);
  });

  it('finds the organization moved on: a key rotated, MFA enabled, a new user', async () => {
    assert.equal(first.comparison, null);
    assert.ok(second.comparison !== null);
    assert.ok(second.comparison.newFindings > 0 && second.comparison.resolvedFindings > 0, JSON.stringify(second.comparison));
    const name = `iam_audit_${second.runTimestamp}-${second.runId}.json`;
    const comparison = (JSON.parse(await readFile(path.join(outDir, name), 'utf8')) as { comparison: RunComparison }).comparison;
    assert.deepEqual(comparison.removedAccessKeys.map((key) => `${key.userName} ${key.accessKeyId}`), ['svc-reporting AKIADEMOREPORTING001']);
    assert.deepEqual(comparison.newAccessKeys, []);
    assert.deepEqual(comparison.usersWhoGainedMfa.map((user) => user.userName), ['carla']);
    assert.ok(comparison.newFindings.some((finding) => finding.resource === 'hugo' && finding.ruleId === 'console-user-without-mfa'), JSON.stringify(comparison.newFindings));
    const resolved = comparison.resolvedFindings.map((finding) => `${finding.ruleId} ${finding.resource}`);
    assert.ok(resolved.includes('console-user-without-mfa carla'), resolved.join('\n'));
    assert.ok(resolved.some((line) => line.startsWith('access-key-') && line.includes('svc-reporting')), resolved.join('\n'));
    // The changes are in the CloudTrail timeline too.
    const events = (await csvRows(outDir, `cloudtrail_events_${second.runTimestamp}-${second.runId}`)).map((row) => row.eventName);
    for (const event of ['DeleteAccessKey', 'EnableMFADevice', 'CreateUser', 'CreateLoginProfile']) assert.ok(events.includes(event), event);
  });
});

describe('npm run demo given flags the demo sets itself', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-demo-flags-'));
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  const run = async (argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stderr: string }> => {
    let stderr = '';
    const code = await runDemo(argv, { env: { PATH: process.env.PATH, ...env }, stdout: () => undefined, stderr: (text) => (stderr += text) });
    return { code, stderr };
  };

  it('a shard run is not told about an --exemptions flag nobody gave', async function () {
    this.timeout(60_000);
    const outDir = path.join(scratch, 'parts');
    const { code, stderr } = await run(['--out-dir', outDir, '--shard', '1/2', '--run-time', '2026-06-01T12:00:00Z']);
    assert.doesNotMatch(stderr, /--exemptions/);
    assert.notEqual(code, EXIT_USAGE_OR_SETUP, stderr);
    assert.deepEqual((await readdir(outDir)).filter((name) => name.endsWith('.yaml')), []);
  });

  it('keeps an exemptions file the user gives, and writes none of its own', async function () {
    this.timeout(60_000);
    const outDir = path.join(scratch, 'out');
    const own = path.join(scratch, 'own.yaml');
    await writeFile(own, 'exemptions: []\n');
    const { stderr } = await run(['--out-dir', outDir, '--exemptions', own, '--quiet']);
    assert.ok(!(await readdir(outDir)).includes(DEMO_EXEMPTIONS_FILE));
    assert.doesNotMatch(stderr, /This was a simulated organization/);
  });

  it(`refuses a ${ENV_DEMO_LATENCY} that is not a number of milliseconds`, async () => {
    const { code, stderr } = await run(['--out-dir', path.join(scratch, 'never')], { [ENV_DEMO_LATENCY]: 'slow' });
    assert.equal(code, EXIT_USAGE_OR_SETUP);
    assert.match(stderr, new RegExp(`error: ${ENV_DEMO_LATENCY}: expected a whole number from 0 to 10000, got "slow"`));
  });
});
