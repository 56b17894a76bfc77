// `npm run demo`: the audit command's real main() against the demo organization, in-process.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { RULE_IDS } from '../../auditor/analysis/findings';
import type { RunResult } from '../../auditor/app/run-result';
import { demoEnvironment, runDemo } from '../../simulator/demo';
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

  it('writes every report and the history, and says where the dashboard is', async () => {
    assert.equal(code, 0, stderr);
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

  it('keeps the real account settings of the shell out of the demo', () => {
    assert.deepEqual(demoEnvironment({ PATH: '/bin', NO_COLOR: '1', AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1', AUDIT_SNS_TOPIC_ARN: 'arn' }), { PATH: '/bin', NO_COLOR: '1' });
  });
});
