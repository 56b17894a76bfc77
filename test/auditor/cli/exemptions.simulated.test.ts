// `--exemptions` end to end against the simulated organization: the file read before any AWS call,
// muted findings in every report, the totals, --fail-on and the closing summary without them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { main } from '../../../auditor/cli/audit-command';
import type { Environment } from '../../../auditor/values/parsers';
import type { RunResult } from '../../../auditor/app/run-result';
import type { JsonReport } from '../../../auditor/reports/json-report';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';

const MANAGEMENT = '011111111111';
const MEMBER = '015197090613';
const RUN_CLOCK = new Date('2024-03-01T12:00:00.000Z');
const RUN_TIMESTAMP = '20240301T120000Z';
const RUN_ID = 'a1b2c3';
/** The run's name in its file names: its timestamp and its id, which the tests fix. */
const RUN_NAME = `${RUN_TIMESTAMP}-${RUN_ID}`;

function organization(): SimulatedOrganization {
  return new SimulatedOrganization({ managementAccountId: MANAGEMENT, auditRoleName: 'IamAudit' })
    .addAccount({ id: MANAGEMENT, name: 'Management', users: [{ name: 'admin', password: { lastUsed: '2024-02-29T08:00:00Z' }, mfa: [{ type: 'hardware' }] }], root: { mfa: 'hardware' } })
    .addAccount({
      id: MEMBER,
      name: 'Prod',
      users: [
        { name: 'break-glass-admin', accessKeys: [{ id: 'AKIABREAKGLASS000001', created: '2022-01-01T00:00:00Z', lastUsed: { date: '2024-02-01T00:00:00Z', service: 'iam', region: 'us-east-1' } }] },
        { name: 'erin', password: { lastUsed: '2024-02-28T00:00:00Z' } },
      ],
      root: { mfa: 'hardware' },
    });
}

const EXEMPTIONS = `exemptions:
  - account: "${MEMBER}"
    user: break-glass-*
    rule: "*"
    reason: Sealed break-glass key, rotated by the platform team
    expires: 2024-12-31
  - account: "*"
    user: erin
    rule: console-user-without-mfa
    reason: Hardware key in the post
    expires: 2024-03-01
  - account: "*"
    user: breakglass
    rule: "*"
    reason: a typo
    expires: 2024-12-31
  - account: "*"
    user: ops-*
    rule: "*"
    reason: Old migration
    expires: 2024-02-29
`;

async function runAudit(org: SimulatedOrganization, argv: string[], env: Environment = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env,
    now: () => RUN_CLOCK,
    runId: () => RUN_ID,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    clientFactory: () => simulatedClientFactory(org, { maxAttempts: 2 }),
  });
  return { code, stdout, stderr };
}

describe('audit command with an exemptions file', () => {
  let scratch: string;
  let outDir: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-exemptions-'));
    outDir = path.join(scratch, 'out');
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  async function writeExemptions(text: string): Promise<string> {
    const file = path.join(scratch, 'exemptions.yaml');
    await writeFile(file, text);
    return file;
  }

  it('mutes matching findings in every report and leaves them out of the totals and --fail-on', async () => {
    const file = await writeExemptions(EXEMPTIONS);
    const result = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file, '--fail-on', 'critical', '--no-cloudtrail']);
    // erin signed in 2 days ago without MFA: critical, muted through the end of 2024-03-01 (the run's day).
    assert.equal(result.code, 0, result.stderr);

    const rows = parse(await readFile(path.join(outDir, `findings_${RUN_NAME}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    const byResource = (resource: string) => rows.find((row) => row.resource === resource);
    assert.deepEqual(
      [byResource('break-glass-admin/AKIABREAKGLASS000001')?.muted, byResource('break-glass-admin/AKIABREAKGLASS000001')?.muted_reason, byResource('break-glass-admin/AKIABREAKGLASS000001')?.muted_expires],
      ['yes', 'Sealed break-glass key, rotated by the platform team', '2024-12-31'],
    );
    assert.deepEqual([byResource('erin')?.severity, byResource('erin')?.muted, byResource('erin')?.muted_expires], ['critical', 'yes', '2024-03-01']);
    const expired = rows.filter((row) => row.rule_id === 'exemption-expired');
    assert.deepEqual(expired.map((row) => [row.severity, row.account_id, row.muted]), [['low', MANAGEMENT, 'no']]);
    assert.match(expired[0].evidence, /exemptions\.yaml line 17: the exemption for account \*, user ops-\*, rule \* expired on 2024-02-29/);

    const json = JSON.parse(await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.json`), 'utf8')) as JsonReport;
    assert.deepEqual(json.findings?.find((finding) => finding.resource === 'erin')?.muted, { reason: 'Hardware key in the post', expires: '2024-03-01' });
    assert.equal(json.exemptions?.source, file);
    assert.equal(json.exemptions?.mutedFindings, 2);
    assert.deepEqual(json.exemptions?.unused.map((entry) => [entry.declaredAt, entry.user]), [['line 12', 'breakglass']]);
    assert.deepEqual(json.exemptions?.expired.map((entry) => [entry.declaredAt, entry.user]), [['line 17', 'ops-*']]);

    const html = await readFile(path.join(outDir, `iam_audit_${RUN_NAME}.html`), 'utf8');
    assert.match(html, /data-kpi="muted"><span class="kpi-value">2</);
    assert.match(html, /data-kpi="critical-high"><span class="kpi-value">0</);

    assert.match(result.stderr, /Findings: 0 critical, 0 high, 0 medium, 1 low \(2 more muted by exemptions\)/);
    assert.match(result.stderr, /Exemptions \(.*exemptions\.yaml\): 4 entries, 2 findings muted, 1 expired, 1 unused/);
    assert.match(result.stderr, /warning: .*exemptions\.yaml line 12: the exemption for account \*, user breakglass, rule \* matched no finding/);

    const history = JSON.parse(await readFile(path.join(outDir, 'history.json'), 'utf8')) as { entries: { findings: Record<string, number> }[] };
    assert.deepEqual(history.entries[0].findings, { critical: 0, high: 0, medium: 0, low: 1 });
  });

  it('--format json gives the open findings by severity and how many were muted', async () => {
    const file = await writeExemptions(EXEMPTIONS);
    const result = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file, '--no-cloudtrail', '--format', 'json']);
    const summary = JSON.parse(result.stdout) as RunResult;
    assert.deepEqual(summary.findings, { critical: 0, high: 0, medium: 0, low: 1 });
    assert.equal(summary.mutedFindings, 2);
    const without = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', path.join(scratch, 'plain'), '--no-cloudtrail', '--format', 'json']);
    assert.equal((JSON.parse(without.stdout) as RunResult).mutedFindings, null);
  });

  it('un-mutes on the day after the last one: --fail-on then counts the finding again', async () => {
    const file = await writeExemptions(EXEMPTIONS);
    const result = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file, '--fail-on', 'critical', '--no-cloudtrail', '--run-time', '2024-03-02T00:00:00Z']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /Findings: 1 critical, .* \(1 more muted by exemptions\)/);
    assert.match(result.stderr, /expired: line 7, account \*, user erin, rule console-user-without-mfa, on 2024-03-01/);
  });

  for (const [name, text, message] of [
    ['an unquoted account id', EXEMPTIONS.replace(`"${MEMBER}"`, MEMBER), /^error: .*exemptions\.yaml line 2: account 015197090613 must be quoted/m],
    ['a rule not in the catalogue', EXEMPTIONS.replace('rule: console-user-without-mfa', 'rule: console-without-mfa'), /^error: .*exemptions\.yaml line 9: rule "console-without-mfa" is not a rule of the audit/m],
    ['a missing expiry', EXEMPTIONS.replace('    expires: 2024-12-31\n  - account: "*"\n    user: erin', '  - account: "*"\n    user: erin'), /^error: .*exemptions\.yaml line 2: the exemption has no expires/m],
  ] as const) {
    it(`stops before any AWS call on ${name}, naming the line and the field`, async () => {
      const org = organization();
      const file = await writeExemptions(text);
      const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
      assert.equal(org.calls(), 0);
    });
  }

  describe('--exemption-max-days', () => {
    // The run's day is 2024-03-01; 2025-03-01 is 365 days after it, 2025-03-02 366.
    const endingOn = (day: string) => EXEMPTIONS.replace('expires: 2024-12-31', `expires: ${day}`);

    it('refuses, before any AWS call, an entry that ends more than 365 days after the run', async () => {
      const org = organization();
      const file = await writeExemptions(endingOn('9999-12-31'));
      const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: .*exemptions\.yaml line 2: expires 9999-12-31 is 2913113 days after the run \(2024-03-01\), more than the 365 allowed \(--exemption-max-days\)/m);
      assert.equal(org.calls(), 0);
    });

    it('holds an entry ending on the last day allowed and refuses the day after', async () => {
      const lastDay = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', await writeExemptions(endingOn('2025-03-01')), '--no-cloudtrail']);
      assert.equal(lastDay.code, 0, lastDay.stderr);
      const dayAfter = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', await writeExemptions(endingOn('2025-03-02')), '--no-cloudtrail']);
      assert.equal(dayAfter.code, 1);
      assert.match(dayAfter.stderr, /expires 2025-03-02 is 366 days after the run/);
    });

    it('takes its limit from the flag, else AUDIT_EXEMPTION_MAX_DAYS, measured from --run-time', async () => {
      const file = await writeExemptions(endingOn('2025-04-01'));
      const widened = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file, '--no-cloudtrail', '--exemption-max-days', '400']);
      assert.equal(widened.code, 0, widened.stderr);
      const org = organization();
      const narrowed = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file], { AUDIT_EXEMPTION_MAX_DAYS: '30' });
      assert.equal(narrowed.code, 1);
      assert.match(narrowed.stderr, /expires 2025-04-01 is 396 days after the run \(2024-03-01\), more than the 30 allowed/);
      assert.equal(org.calls(), 0);
      // A replay of an earlier run measures from that run's day.
      const replay = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', file, '--no-cloudtrail', '--run-time', '2024-06-01T00:00:00Z']);
      assert.equal(replay.code, 0, replay.stderr);
    });

    it('refuses a limit that is not 1 to 3650 days, naming the flag or the variable', async () => {
      const zero = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemption-max-days', '0']);
      assert.equal(zero.code, 1);
      assert.match(zero.stderr, /--exemption-max-days/);
      const fromEnvironment = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir], { AUDIT_EXEMPTION_MAX_DAYS: '3651' });
      assert.equal(fromEnvironment.code, 1);
      assert.match(fromEnvironment.stderr, /^error: AUDIT_EXEMPTION_MAX_DAYS: /m);
    });
  });

  it('names the flag when the file cannot be read', async () => {
    const org = organization();
    const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir], { AUDIT_EXEMPTIONS: path.join(scratch, 'missing.yaml') });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: --exemptions: cannot read .*missing\.yaml: .*ENOENT/m);
    assert.equal(org.calls(), 0);
  });

  describe('kept in S3', () => {
    async function organizationWithFile(): Promise<SimulatedOrganization> {
      const org = organization().addBucket('audit-reports');
      await simulatedClientFactory(org).s3().send(new PutObjectCommand({ Bucket: 'audit-reports', Key: 'config/exemptions.yaml', Body: EXEMPTIONS }));
      return org;
    }

    it('reads s3://<bucket>/<key> (env AUDIT_EXEMPTIONS) with the auditor\'s credentials', async () => {
      const org = await organizationWithFile();
      const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail'], { AUDIT_EXEMPTIONS: 's3://audit-reports/config/exemptions.yaml' });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /Exemptions \(s3:\/\/audit-reports\/config\/exemptions\.yaml\): 4 entries, 2 findings muted/);
      assert.equal(org.calls('GetObject'), 1);
    });

    it('stops before the audit when the object cannot be read', async () => {
      const org = await organizationWithFile();
      const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', 's3://audit-reports/config/missing.yaml']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: --exemptions: cannot read s3:\/\/audit-reports\/config\/missing\.yaml: NoSuchKey/m);
      assert.equal(org.calls('ListAccounts'), 0);
    });

    for (const [name, body, message] of [
      ['larger than 1 MB, judged by its ContentLength', Buffer.concat([Buffer.from(EXEMPTIONS), Buffer.alloc(1024 * 1024, '#')]), /cannot read s3:\/\/audit-reports\/config\/big\.yaml: it is \d+ bytes, more than the 1048576 \(1 MB\) allowed/],
      ['not UTF-8', Buffer.concat([Buffer.from(EXEMPTIONS.replace('a typo', 'a typo ')), Buffer.from([0xff, 0xfe, 0x0a])]), /cannot read s3:\/\/audit-reports\/config\/big\.yaml: it is not UTF-8 text/],
    ] as const) {
      it(`refuses an object ${name}, as it refuses such a local file, before the audit`, async () => {
        const org = organization().addBucket('audit-reports');
        await simulatedClientFactory(org).s3().send(new PutObjectCommand({ Bucket: 'audit-reports', Key: 'config/big.yaml', Body: body }));
        const result = await runAudit(org, ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', 's3://audit-reports/config/big.yaml']);
        assert.equal(result.code, 1);
        assert.match(result.stderr, message);
        assert.equal(org.calls('ListAccounts'), 0);
      });
    }

    it('refuses an s3:// URI without a key', async () => {
      const result = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir, '--exemptions', 's3://audit-reports/']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /'--exemptions <file>' argument 's3:\/\/audit-reports\/' is invalid\. Expected s3:\/\/<bucket>\/<key> of the exemptions file/);
      const fromEnvironment = await runAudit(organization(), ['--role', 'IamAudit', '--out-dir', outDir], { AUDIT_EXEMPTIONS: 's3://audit-reports' });
      assert.match(fromEnvironment.stderr, /^error: AUDIT_EXEMPTIONS: expected s3:\/\/<bucket>\/<key> of the exemptions file/m);
    });
  });
});
