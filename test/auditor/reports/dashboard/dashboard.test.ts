import { strict as assert } from 'assert';
import { createHash } from 'node:crypto';
import { applyExemptions } from '../../../../auditor/analysis/apply-exemptions';
import { parseExemptionsYaml } from '../../../../auditor/analysis/exemptions';
import { DEFAULT_THRESHOLDS, evaluateFindings } from '../../../../auditor/analysis/findings';
import { assessMaturity } from '../../../../auditor/analysis/maturity';
import type { AuditRun, CloudTrailEventRecord } from '../../../../auditor/model';
import { HISTORY_TABLE_RUNS, historyPointLabel, percentShares, renderDashboard, renderDashboardChunks } from '../../../../auditor/reports/dashboard/dashboard';
import { historyEntry } from '../../../../auditor/analysis/history';
import { buildDashboardData, DASHBOARD_FINDINGS_LIMIT } from '../../../../auditor/reports/dashboard/dashboard-data';
import { escapeHtml, html, jsonForScriptBlock } from '../../../../auditor/reports/dashboard/dashboard-html';
import { accessKey, account, daysAgo, notAudited, run, user } from '../../../support/run-fixtures';

export const HOSTILE_NAMES = ['<img src=x onerror=window.__pwned=1>', '"><script>window.__pwned=1</script>'];

function render(auditRun: AuditRun): string {
  return renderDashboard({ run: auditRun, findings: evaluateFindings(auditRun), maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS });
}

function event(eventName: string, eventTime: string): CloudTrailEventRecord {
  return { eventId: `${eventName}-${eventTime}`, eventTime, eventName, eventSource: 'iam.amazonaws.com', username: 'admin', accountId: '111111111111', accountName: 'prod', resources: [], sourceIPAddress: '198.51.100.1' };
}

describe('dashboard HTML', () => {
  const hostileRun = run([
    account('111111111111', HOSTILE_NAMES[0], { users: [user("o'brien & <co>", { passwordEnabled: true, passwordLastUsed: daysAgo(1) })] }),
    notAudited('222222222222', HOSTILE_NAMES[1], 'AssumeRole: <b>denied</b> & "quoted"'),
  ]);
  const page = render(hostileRun);

  it('never writes a value from AWS unescaped', () => {
    for (const name of HOSTILE_NAMES) assert.ok(!page.includes(name), `raw ${name}`);
    assert.ok(page.includes(escapeHtml(HOSTILE_NAMES[0])));
    assert.ok(page.includes('&lt;b&gt;denied&lt;/b&gt; &amp; &quot;quoted&quot;'));
    // Exactly the page's own two script elements.
    assert.equal(page.match(/<script/g)?.length, 2);
    assert.equal(page.match(/<img/g), null);
  });

  it('passes the data as JSON that cannot close its script element', () => {
    const block = /<script type="application\/json" id="dashboard-data">([^]*?)<\/script>/.exec(page);
    assert.ok(block);
    assert.ok(!block[1].includes('<'));
    const data = JSON.parse(block[1]);
    assert.deepEqual(data.findings.map((finding: { accountName: string }) => finding.accountName).sort(), [HOSTILE_NAMES[1], HOSTILE_NAMES[0]].sort());
  });

  it('allows only its own style and script, by hash, and nothing from the network', () => {
    const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1] ?? '').replace(/&#39;/g, "'");
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'none'/);
    const script = /<script>([^]*?)<\/script>/.exec(page)?.[1] ?? '';
    const style = /<style>([^]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    assert.ok(csp.includes(`script-src ${hash(script)}`), csp);
    assert.ok(csp.includes(`style-src ${hash(style)}`), csp);
    assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('renders an organization with nothing to report', () => {
    const empty = render(run([]));
    assert.match(empty, /Every account in scope was audited completely/);
    assert.match(empty, /data-kpi="critical-high"><span class="kpi-value">0</);
    assert.doesNotMatch(empty, /NaN|undefined|Infinity/);
  });

  it('escapes with the html template and the JSON helper', () => {
    assert.equal(html`<p title="${'"x"'}">${'<b>'}</p>`.value, '<p title="&quot;x&quot;">&lt;b&gt;</p>');
    assert.equal(html`${html`<i>${'&'}</i>`}`.value, '<i>&amp;</i>');
    assert.equal(jsonForScriptBlock({ a: '</script><!--&\u2028' }), '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028"}');
    assert.deepEqual(JSON.parse(jsonForScriptBlock({ a: '</script>&' })), { a: '</script>&' });
  });
});

describe('buildDashboardData', () => {
  const auditRun = run([
    account('111111111111', 'prod', {
      users: [user('svc', { accessKeys: [accessKey('AKIA1', { createdDate: daysAgo(5) }), accessKey('AKIA2', { createdDate: daysAgo(60) }), accessKey('AKIA3', { createdDate: daysAgo(200) }), accessKey('AKIA4', { createdDate: daysAgo(900) }), accessKey('AKIA5', { createdDate: daysAgo(900), status: 'Inactive' })] })],
      events: [event('CreateAccessKey', '2024-06-03T10:00:00.000Z'), event('DeleteAccessKey', '2024-06-09T23:59:00.000Z'), event('DeleteAccessKey', '2024-06-10T00:00:00.000Z'), event('EnableMFADevice', '2024-06-11T00:00:00.000Z'), event('CreateUser', '2024-06-11T00:00:00.000Z'), event('DeactivateMFADevice', '2024-06-12T00:00:00.000Z'), event('ConsoleLogin', '2024-06-12T00:00:00.000Z')],
    }),
    notAudited('222222222222', 'dark', 'AssumeRole: AccessDenied'),
  ]);
  const data = buildDashboardData({ run: auditRun, findings: evaluateFindings(auditRun), maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS });

  it('buckets active keys by age at the thresholds', () => {
    assert.deepEqual(data.keyAges, [
      { label: '0-30 days', count: 1 }, { label: '31-90 days', count: 1 }, { label: '91-365 days', count: 1 }, { label: 'over 365 days', count: 1 },
    ]);
  });

  it('counts progress and regressions per ISO week (weeks start on Monday)', () => {
    assert.deepEqual(data.weeklyRemediation, [
      { weekStart: '2024-06-03', progress: 1, regressions: 1, changes: { 'key-created': 1, 'key-deleted': 1 } },
      { weekStart: '2024-06-10', progress: 2, regressions: 2, changes: { 'key-deleted': 1, 'mfa-enabled': 1, 'user-created': 1, 'mfa-deactivated': 1 } },
    ]);
  });

  it('shows a regression in the trend beside the progress', () => {
    const page = renderDashboard({ run: auditRun, findings: evaluateFindings(auditRun), maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS });
    const week = page.slice(page.indexOf('<tr data-week="2024-06-10">'), page.indexOf('</tr>', page.indexOf('<tr data-week="2024-06-10">')));
    assert.match(week, /data-direction="regression"><strong class="level-Not-Started">2<\/strong>/);
    assert.match(week, /data-change="mfa-deactivated">MFA devices deactivated: 1</);
    assert.match(week, /data-direction="progress"><strong>2<\/strong>.*data-change="mfa-enabled">MFA devices enabled: 1</);
    assert.match(page, /<span class="l-critical">regressions<\/span>/);
  });

  it('ranks accounts by risk and lists the coverage gap with its reason', () => {
    assert.deepEqual(data.accounts.map((entry) => [entry.accountId, entry.riskScore]), [
      ['111111111111', 5 + 2 + 1], // one key over 365 days (high), one over 90 (medium), several active keys (low)
      ['222222222222', 5], // not audited (high)
    ]);
    assert.deepEqual(data.coverageGaps, [{ accountId: '222222222222', accountName: 'dark', state: 'ACTIVE', status: 'not audited', reason: 'AssumeRole: AccessDenied' }]);
    assert.equal(data.rootStatus.find((root) => root.accountId === '222222222222')?.mfa, 'unknown');
  });
});

describe('dashboard of an organization with more findings than the table holds', () => {
  const users = Array.from({ length: DASHBOARD_FINDINGS_LIMIT + 5 }, (_, index) => user(`console-${index}`, { passwordEnabled: true, passwordLastUsed: daysAgo(3) }));
  const crowded = run([account('111111111111', 'crowded', { users: [...users, user('svc', { accessKeys: [accessKey('AKIAOLD', { createdDate: daysAgo(900) })] })] })]);
  const findings = evaluateFindings(crowded);
  const input = { run: crowded, findings, maturity: assessMaturity(crowded), thresholds: DEFAULT_THRESHOLDS };

  it('keeps the most severe in the table and counts every finding everywhere else', () => {
    assert.ok(findings.length > DASHBOARD_FINDINGS_LIMIT);
    const data = buildDashboardData(input);
    assert.equal(data.findings.length, DASHBOARD_FINDINGS_LIMIT);
    assert.equal(data.findingsTotal, findings.length);
    assert.deepEqual(data.findings, findings.slice(0, DASHBOARD_FINDINGS_LIMIT), 'the first ones, worst first');
    assert.equal(data.findings.filter((finding) => finding.severity === 'critical').length, DASHBOARD_FINDINGS_LIMIT, 'only critical ones fit');
    assert.equal(data.kpis.findings.critical, DASHBOARD_FINDINGS_LIMIT + 5);
    assert.equal(data.accounts[0].findings.high, 1, 'the risk per account counts the finding left out of the table');
  });

  it('says how many the table holds and where the rest are, in the page and its pieces alike', () => {
    const page = renderDashboard(input);
    assert.match(page, new RegExp(`<p class="muted" id="findings-limited">The table holds the 10,000 most severe of ${findings.length.toLocaleString('en-US')} findings; every finding is in findings_${crowded.runTimestamp}\\.csv\\.</p>`));
    assert.equal([...renderDashboardChunks(input)].join(''), page);
    assert.doesNotMatch(renderDashboard({ ...input, findings: findings.slice(0, 3) }), /findings-limited/);
  });
});


describe('dashboard with an exemptions file', () => {
  const auditRun = run([account('111111111111', 'prod', { users: [
    user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(1) }),
    user('break-glass', { passwordEnabled: true, passwordLastUsed: daysAgo(2) }),
  ] })]);
  const exemptions = parseExemptionsYaml(`exemptions:
  - account: "111111111111"
    user: break-glass
    rule: "*"
    reason: Sealed <envelope> in the safe
    expires: 2027-06-30
  - account: "*"
    user: nobody
    rule: "*"
    reason: stale
    expires: 2027-06-30
`, 'exemptions.yaml');
  const applied = applyExemptions(evaluateFindings(auditRun), exemptions, auditRun, DEFAULT_THRESHOLDS);
  const input = { run: auditRun, findings: applied.findings, maturity: assessMaturity(auditRun), thresholds: DEFAULT_THRESHOLDS, exemptions: applied.outcome };

  it('counts muted findings in no figure and keeps them out of the findings table', () => {
    const data = buildDashboardData(input);
    assert.equal(data.kpis.findings.critical, 1);
    assert.equal(data.kpis.mutedFindings, 1);
    assert.equal(data.accounts[0].findings.critical, 1);
    assert.deepEqual(data.findings.map((finding) => finding.resource), ['alice']);
    assert.equal(data.findingsTotal, 1);
    assert.deepEqual(data.mutedFindings.map((finding) => finding.resource), ['break-glass']);
  });

  it('shows the muted findings apart, with why and until when, and the unused entries', () => {
    const page = renderDashboard(input);
    assert.match(page, /data-kpi="muted"><span class="kpi-value">1</);
    const section = /<section class="findings" id="muted"[^]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.match(section, /1 finding muted by exemptions\.yaml \(2 entries, 0 expired, 1 unused\)/);
    assert.match(section, /<td class="long">break-glass<\/td><td class="long">Sealed &lt;envelope&gt; in the safe<\/td><td>2027-06-30<\/td>/);
    assert.match(section, /line 7: account \*, user nobody, rule \* matched no finding/);
    assert.equal([...renderDashboardChunks(input)].join(''), page);
  });

  it('shows no muted section without a file', () => {
    assert.doesNotMatch(render(auditRun), /id="muted"|data-kpi="muted"/);
  });
});

describe('dashboard layout helpers', () => {
  it('gives MFA shares that add up to 100 (largest remainder), never 101', () => {
    // 1/3 each would round to 33 + 33 + 33 = 99; 2/3 + 1/6 + 1/6 to 67 + 17 + 17 = 101.
    assert.deepEqual(percentShares([1, 1, 1]), [34, 33, 33]);
    assert.deepEqual(percentShares([4, 1, 1]), [67, 17, 16]);
    assert.deepEqual(percentShares([0, 0]), [0, 0]);
    for (const counts of [[3, 3, 1, 0, 0], [7, 5, 2, 1, 1], [1, 0, 0, 0, 6]]) assert.equal(percentShares(counts).reduce((sum, share) => sum + share, 0), 100);
  });

  it('labels runs by day, or by day and time when two share a day', () => {
    assert.equal(historyPointLabel(['2024-06-01T06:00:00.000Z', '2024-06-08T06:00:00.000Z'])('2024-06-01T06:00:00.000Z'), '2024-06-01');
    const sameDay = historyPointLabel(['2024-06-01T06:00:00.000Z', '2024-06-01T14:30:00.000Z']);
    assert.equal(sameDay('2024-06-01T06:00:00.000Z'), '06-01 06:00');
    assert.equal(sameDay('2024-06-01T14:30:00.000Z'), '06-01 14:30');
  });

  const seen = run([
    account('111111111111', 'prod', { users: [user('alice', { passwordEnabled: true, passwordLastUsed: daysAgo(1), mfaType: 'Virtual' })] }),
    notAudited('222222222222', 'dark', 'AssumeRole: AccessDenied'),
  ]);
  const findings = evaluateFindings(seen);
  const maturity = assessMaturity(seen);

  it('shows the level of an account never audited as unknown, not Not Started', () => {
    const page = renderDashboard({ run: seen, findings, maturity, thresholds: DEFAULT_THRESHOLDS });
    const maturityTable = page.slice(page.indexOf('id="maturity"'), page.indexOf('</section>', page.indexOf('id="maturity"')));
    const dark = maturityTable.slice(maturityTable.indexOf('222222222222'));
    assert.match(dark.slice(0, dark.indexOf('</tr>')), /level-unknown[^>]*>unknown<\/span>.*level-unknown[^>]*>unknown<\/span>/);
  });

  it('lists the latest runs beside the chart and says where the earlier ones are', () => {
    const entry = (index: number) => ({ ...historyEntry(seen, findings, maturity), runTimestamp: `run-${index}`, startedAt: new Date(Date.UTC(2024, 0, 1 + index)).toISOString() });
    const history = Array.from({ length: HISTORY_TABLE_RUNS + 30 }, (_, index) => entry(index));
    const page = renderDashboard({ run: seen, findings, maturity, thresholds: DEFAULT_THRESHOLDS, history });
    assert.equal((page.match(/<tr data-run="/g) ?? []).length, HISTORY_TABLE_RUNS);
    assert.ok(page.includes(`data-run="run-${HISTORY_TABLE_RUNS + 29}"`), 'the latest run is listed');
    assert.ok(!page.includes('data-run="run-0"'), 'the oldest is in the chart only');
    assert.match(page, /data-earlier-runs="30">the latest 12 runs; 30 earlier runs are in the chart and in history.json/);
  });
});
