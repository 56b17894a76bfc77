// Every part of the kit that says which keys are too old must say the same: the findings, the
// maturity summary, the closing summary, the dashboard and the history entry, at the edges of the
// configured maximum, with the default and with another --key-max-age-days.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../auditor/cli/audit-command';
import { DEFAULT_THRESHOLDS, type FindingThresholds } from '../../../auditor/analysis/findings';
import { analyseRun } from '../../../auditor/analysis/run-analysis';
import { formatSummary, summarizeRun } from '../../../auditor/analysis/summary';
import type { RunHistory } from '../../../auditor/analysis/history';
import { buildDashboardData } from '../../../auditor/reports/dashboard/dashboard-data';
import type { JsonReport } from '../../../auditor/reports/json-report';
import { SimulatedOrganization, simulatedClientFactory } from '../../../simulator/simulated-aws';
import { accessKey, account, daysAgo, run, user } from '../../support/run-fixtures';

const HOUR_MS = 60 * 60 * 1000;

/** Keys half a day either side of the maximum: `<max - 0.5>`, `<max>`, `<max + 0.5>`, `<max + 1>` days old. */
function agesAround(maxAgeDays: number): number[] {
  return [maxAgeDays - 0.5, maxAgeDays, maxAgeDays + 0.5, maxAgeDays + 1];
}

function keyId(age: number): string {
  return `AKIA${String(Math.round(age * 10)).padStart(16, '0')}`;
}

const cases: { name: string; thresholds: FindingThresholds }[] = [
  { name: 'the default maximum (90 days)', thresholds: DEFAULT_THRESHOLDS },
  { name: '--key-max-age-days 30', thresholds: { ...DEFAULT_THRESHOLDS, keyMaxAgeDays: 30 } },
];

describe('key age: every figure agrees', () => {
  for (const { name, thresholds } of cases) {
    it(`with ${name}, only the key a whole day past the maximum is too old, everywhere`, () => {
      const ages = agesAround(thresholds.keyMaxAgeDays);
      const auditRun = run([
        account('111111111111', 'prod', {
          users: ages.map((age) => user(`svc-${age}`, { accessKeys: [accessKey(keyId(age), { createdDate: daysAgo(age) })] })),
        }),
      ]);
      const tooOld = [`svc-${thresholds.keyMaxAgeDays + 1}/${keyId(thresholds.keyMaxAgeDays + 1)}`];

      const analysis = analyseRun(auditRun, thresholds);
      const summary = summarizeRun(auditRun, thresholds.keyMaxAgeDays);
      const dashboard = buildDashboardData({ run: auditRun, findings: analysis.findings, maturity: analysis.maturity, thresholds, history: analysis.history.entries });
      const [entry] = analysis.history.entries;

      assert.deepEqual(analysis.findings.filter((finding) => finding.ruleId === 'access-key-not-rotated').map((finding) => finding.resource), tooOld, 'findings');
      assert.equal(analysis.maturity.organization.indicators.keysOlderThanMaxAge, tooOld.length, 'maturity summary');
      assert.equal(analysis.maturity.keyMaxAgeDays, thresholds.keyMaxAgeDays);
      assert.equal(summary.accessKeys.activeOlderThanMaxAge, tooOld.length, 'closing summary');
      assert.equal(summary.accessKeys.keyMaxAgeDays, thresholds.keyMaxAgeDays);
      assert.match(formatSummary(summary, []), new RegExp(`${tooOld.length} active and older than ${thresholds.keyMaxAgeDays} days`));
      assert.equal(dashboard.kpis.keysOlderThanMaxAge, tooOld.length, 'dashboard KPI');
      const maxBucket = dashboard.keyAges.findIndex((bucket) => bucket.label.endsWith(`-${thresholds.keyMaxAgeDays} days`));
      assert.ok(maxBucket >= 0, 'the chart has a bucket ending at the maximum');
      assert.equal(dashboard.keyAges.slice(maxBucket + 1).reduce((total, bucket) => total + bucket.count, 0), tooOld.length, 'dashboard chart: keys past the maximum');
      assert.equal(entry.keysOlderThanMaxAge, tooOld.length, 'history entry');
    });
  }
});

describe('key age: every file of a run agrees (the command against the simulated AWS)', () => {
  const RUN_CLOCK = new Date('2024-03-01T12:00:00.000Z');
  let outDir: string;
  before(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-agreement-'));
  });
  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the same count of too-old keys in the findings, maturity, summary and history, judged by --key-max-age-days', async () => {
    const maxAgeDays = 30;
    const ages = agesAround(maxAgeDays);
    const created = (age: number) => new Date(RUN_CLOCK.getTime() - age * 24 * HOUR_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const org = new SimulatedOrganization({ managementAccountId: '111111111111', auditRoleName: 'IamAudit' }).addAccount({
      id: '111111111111',
      name: 'Management',
      users: ages.map((age) => ({ name: `svc-${age}`, accessKeys: [{ id: keyId(age), created: created(age), lastUsed: { date: '2024-02-29T00:00:00Z', service: 's3', region: 'us-east-1' } }] })),
      root: { mfa: 'hardware' },
    });
    let stderr = '';
    const code = await main(['--role', 'IamAudit', '--out-dir', outDir, '--no-cloudtrail', '--key-max-age-days', String(maxAgeDays)], {
      env: {},
      now: () => RUN_CLOCK,
      runId: () => 'a1b2c3',
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      clientFactory: () => simulatedClientFactory(org, { maxAttempts: 2 }),
    });
    assert.equal(code, 0, stderr);
    const report = JSON.parse(await readFile(path.join(outDir, 'iam_audit_20240301T120000Z-a1b2c3.json'), 'utf8')) as JsonReport;
    const history = JSON.parse(await readFile(path.join(outDir, 'history.json'), 'utf8')) as RunHistory;
    const tooOld = [`svc-${maxAgeDays + 1}/${keyId(maxAgeDays + 1)}`];

    assert.deepEqual(report.findings?.filter((finding) => finding.ruleId === 'access-key-not-rotated').map((finding) => finding.resource), tooOld);
    assert.equal(report.maturity?.organization.indicators.keysOlderThanMaxAge, 1);
    assert.deepEqual(report.summary.accessKeys, { total: 4, active: 4, keyMaxAgeDays: maxAgeDays, activeOlderThanMaxAge: 1, activeNeverUsed: 0 });
    assert.equal(history.entries.at(-1)?.keysOlderThanMaxAge, 1);
    assert.match(stderr, /4 active, 1 active and older than 30 days/);
    assert.match(stderr, /active keys older than 30 days: 1/);
  });
});
