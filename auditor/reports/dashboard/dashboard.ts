// iam_audit_<ts>.html: one self-contained page (inline CSS, JS and SVG, no request of any kind)
// that works offline and under a strict Content-Security-Policy whose hashes it computes itself.
// Static widgets are rendered here, escaped; the findings table is built by the page's script from
// a JSON block so it can be searched, filtered and sorted.
import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from '../../analysis/findings';
import type { ControlMaturity, MaturityLevel } from '../../analysis/maturity';
import { REMEDIATION_CHANGES, type RemediationChange, type RemediationDirection, type WeeklyRemediation } from '../../analysis/remediation-trend';
import { buildDashboardData, type DashboardData, type DashboardInput } from './dashboard-data';
import { html, jsonForScriptBlock, SafeHtml, type HtmlValue } from './dashboard-html';
import { DASHBOARD_SCRIPT } from './dashboard-script';
import { DASHBOARD_STYLE } from './dashboard-style';
import { plural } from '../../values/plural';
import { PRIVILEGE_LEVELS } from '../../analysis/access/privileges';
import { PRIVILEGED_PRINCIPAL_FACTOR, SEVERITY_WEIGHTS } from '../../analysis/risk-score';
import type { PrivilegeLevel } from '../../model';

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** Nothing may load from anywhere; only this page's own style and script run. */
export function dashboardContentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `style-src ${cspHash(DASHBOARD_STYLE)}`,
    `script-src ${cspHash(DASHBOARD_SCRIPT)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const SVG_WIDTH = 640;
/** Charts in a third of the page: fewer units, so their text stays readable. */
const NARROW_SVG_WIDTH = 360;

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}\u2026` : text;
}

/**
 * Whole-percent shares of `counts` that add up to exactly 100 (largest remainder: each share rounded
 * down, then the points left go to the largest remainders), so a table of shares never shows 101%.
 */
export function percentShares(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return counts.map(() => 0);
  // In integers, so that equal remainders are equal (ties go to the earlier row).
  const shares = counts.map((count) => Math.floor((count * 100) / total));
  let left = 100 - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = counts.map((count, index) => ({ index, remainder: (count * 100) % total })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left === 0) break;
    shares[index] += 1;
    left -= 1;
  }
  return shares;
}

interface BarSegment {
  value: number;
  className: string;
}

interface BarRow {
  label: string;
  segments: BarSegment[];
}

/** Horizontal bars, one row per label, segments stacked. */
function horizontalBars(rows: readonly BarRow[], title: string, width: number = SVG_WIDTH): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">Nothing to show.</p>`;
  const labelWidth = width < SVG_WIDTH ? 100 : 200;
  const rowHeight = 24;
  const max = Math.max(1, ...rows.map((row) => row.segments.reduce((sum, segment) => sum + segment.value, 0)));
  const scale = (width - labelWidth - 40) / max;
  const height = rows.length * rowHeight + 4;
  const bars = rows.map((row, index) => {
    const y = index * rowHeight + 4;
    let x = labelWidth;
    const total = row.segments.reduce((sum, segment) => sum + segment.value, 0);
    const rects = row.segments.filter((segment) => segment.value > 0).map((segment) => {
      const width = segment.value * scale;
      const rect = html`<rect class="${segment.className}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${rowHeight - 8}"></rect>`;
      x += width;
      return rect;
    });
    return html`<text x="0" y="${y + 12}">${shorten(row.label, 32)}</text>${rects}<text x="${(x + 6).toFixed(1)}" y="${y + 12}">${total}</text>`;
  });
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">${bars}</svg>`;
}

function levelClass(level: MaturityLevel): string {
  return `level level-${level.replace(/ /g, '-')}`;
}

function levelCell(control: ControlMaturity): SafeHtml {
  return html`<span class="${levelClass(control.level)}">${control.level}</span>`;
}

/** An account that could not be audited has no level: the audit does not know it (not "Not Started"). */
function accountLevelCell(control: ControlMaturity, seen: boolean): SafeHtml {
  return seen ? levelCell(control) : html`<span class="level level-unknown" title="${control.reason}">unknown</span>`;
}

function kpi(id: string, label: string, value: HtmlValue, tone: 'bad' | 'good' | '' = ''): SafeHtml {
  return html`<div class="kpi ${tone}" data-kpi="${id}"><span class="kpi-value">${value}</span><span class="kpi-label">${label}</span></div>`;
}

function kpiSection(data: DashboardData): SafeHtml {
  const { kpis } = data;
  const worst = kpis.findings.critical + kpis.findings.high;
  // Eight figures, nine with exemptions: the stylesheet balances each count over its rows.
  const figures = data.exemptions === null ? 8 : 9;
  return html`<section class="kpi-section" aria-labelledby="kpi-title"><h2 id="kpi-title">Key figures</h2><div class="kpis kpis-${figures}">
    ${kpi('accounts-audited', `accounts audited completely of ${kpis.accountsInScope}`, `${kpis.accountsAudited}`, kpis.accountsAudited === kpis.accountsInScope ? 'good' : 'bad')}
    ${kpi('accounts-not-audited', 'accounts not audited', kpis.accountsNotAudited, kpis.accountsNotAudited > 0 ? 'bad' : 'good')}
    ${kpi('users', 'IAM users', kpis.users)}
    ${kpi('mfa-coverage', `console users with MFA (${kpis.consoleUsers - kpis.consoleUsersWithoutMfa} of ${kpis.consoleUsers})`, kpis.mfaCoveragePercent === null ? 'n/a' : `${kpis.mfaCoveragePercent}%`, kpis.consoleUsersWithoutMfa > 0 ? 'bad' : 'good')}
    ${kpi('console-without-mfa', 'console users without MFA', kpis.consoleUsersWithoutMfa, kpis.consoleUsersWithoutMfa > 0 ? 'bad' : 'good')}
    ${kpi('active-keys', 'active access keys', kpis.activeAccessKeys)}
    ${kpi('old-keys', `active keys older than ${data.thresholds.keyMaxAgeDays} days`, kpis.keysOlderThanMaxAge, kpis.keysOlderThanMaxAge > 0 ? 'bad' : 'good')}
    ${kpi('critical-high', 'critical and high findings', worst, worst > 0 ? 'bad' : 'good')}
    ${data.exemptions === null ? null : kpi('muted', 'findings muted by exemptions', kpis.mutedFindings)}
  </div></section>`;
}

function maturitySection(data: DashboardData): SafeHtml {
  const { organization, accounts } = data.maturity;
  const unseen = new Set(data.coverageGaps.filter((gap) => gap.status === 'not audited').map((gap) => gap.accountId));
  const rows = accounts.map((account) => html`<tr><td class="long">${account.accountName}<span class="sub id">${account.accountId}</span></td><td class="num">${account.indicators.mfaCoveragePercent === null ? 'n/a' : `${account.indicators.mfaCoveragePercent}%`}</td><td class="num">${account.indicators.keysOlderThanMaxAge}</td><td class="num">${account.indicators.longTermCredentials}</td><td>${accountLevelCell(account.mfa, !unseen.has(account.accountId))}</td><td>${accountLevelCell(account.temporaryCredentials, !unseen.has(account.accountId))}</td></tr>`);
  return html`<section class="half" id="maturity" aria-labelledby="maturity-title"><h2 id="maturity-title">Security maturity (AWS SMM)</h2>
    <table><thead><tr><th>control</th><th>level</th><th>why</th></tr></thead><tbody>
      <tr data-control="mfa"><td>Phase 1: MFA</td><td>${levelCell(organization.mfa)}</td><td>${organization.mfa.reason}</td></tr>
      <tr data-control="temporary-credentials"><td>Phase 2: temporary credentials</td><td>${levelCell(organization.temporaryCredentials)}</td><td>${organization.temporaryCredentials.reason}</td></tr>
    </tbody></table>
    <p class="muted">Long-term credentials: ${organization.indicators.longTermCredentials} (${plural(organization.indicators.activeAccessKeys, 'user access key')}, ${plural(organization.indicators.rootAccessKeys, 'root access key')}).</p>
    <h3>Per account</h3>
    <table><thead><tr><th>account</th><th class="num">MFA</th><th class="num">keys &gt; ${data.maturity.keyMaxAgeDays} d</th><th class="num">long-term</th><th>MFA level</th><th>temp. credentials level</th></tr></thead><tbody>${rows}</tbody></table>
  </section>`;
}

function mfaSection(data: DashboardData): SafeHtml {
  const types: { type: keyof DashboardData['mfaByType']; label: string; className: string; legend: string }[] = [
    { type: 'SecurityKey', label: 'FIDO security key', className: 'fill-ok', legend: 'l-ok' },
    { type: 'Hardware', label: 'hardware token', className: 'fill-accent', legend: 'l-accent' },
    { type: 'Virtual', label: 'virtual device', className: 'fill-low', legend: 'l-low' },
    { type: 'Unknown', label: 'MFA, type unknown', className: 'fill-muted', legend: 'l-muted' },
    { type: 'None', label: 'no MFA', className: 'fill-critical', legend: 'l-critical' },
  ];
  const chart = horizontalBars([{ label: 'console users', segments: types.map((entry) => ({ value: data.mfaByType[entry.type], className: entry.className })) }], 'MFA coverage of console users', NARROW_SVG_WIDTH);
  const shares = percentShares(types.map((entry) => data.mfaByType[entry.type]));
  const rows = types.map((entry, index) => html`<tr data-mfa="${entry.type}"><td>${entry.label}</td><td class="num">${data.mfaByType[entry.type]}</td><td class="num">${shares[index]}%</td></tr>`);
  return html`<section class="third" id="mfa" aria-labelledby="mfa-title"><h2 id="mfa-title">MFA coverage (console users)</h2>${chart}
    <div class="legend">${types.map((entry) => html`<span class="${entry.legend}">${entry.label}</span>`)}</div>
    <table><tbody>${rows}</tbody></table></section>`;
}

function keyAgeSection(data: DashboardData): SafeHtml {
  const classes = ['fill-ok', 'fill-low', 'fill-medium', 'fill-high', 'fill-critical'];
  const chart = horizontalBars(data.keyAges.map((bucket, index) => ({ label: bucket.label, segments: [{ value: bucket.count, className: classes[Math.min(index + (5 - data.keyAges.length), classes.length - 1)] }] })), 'Active access keys by age', NARROW_SVG_WIDTH);
  const rows = data.keyAges.map((bucket) => html`<tr data-age="${bucket.label}"><td>${bucket.label}</td><td class="num">${bucket.count}</td></tr>`);
  return html`<section class="third" id="key-ages" aria-labelledby="key-ages-title"><h2 id="key-ages-title">Active access keys by age</h2>${chart}<table><tbody>${rows}</tbody></table></section>`;
}

function severityLegend(): SafeHtml {
  return html`<div class="legend">${SEVERITIES.map((severity) => html`<span class="l-${severity}">${severity}</span>`)}</div>`;
}

function riskSection(data: DashboardData): SafeHtml {
  const scored = data.accounts.filter((account) => account.skipped === null);
  const chart = horizontalBars(
    scored.slice(0, 15).map((account) => ({ label: account.accountName, segments: SEVERITIES.map((severity) => ({ value: account.findings[severity], className: `fill-${severity}` })) })),
    'Findings per account by severity',
  );
  const rows = scored.map((account) => html`<tr data-account="${account.accountId}"><td class="long">${account.accountName}<span class="sub id">${account.accountId}</span></td><td>${account.audited}</td><td class="num">${account.users}</td><td class="num">${account.activeAccessKeys}</td>${SEVERITIES.map((severity: Severity) => html`<td class="num" data-severity="${severity}">${account.findings[severity]}</td>`)}<td class="num">${account.riskScore}</td></tr>`);
  return html`<section class="half" id="risk" aria-labelledby="risk-title"><h2 id="risk-title">Risk per account</h2>${chart}${severityLegend()}
    <table><thead><tr><th>account</th><th>audited</th><th class="num">users</th><th class="num">active keys</th>${SEVERITIES.map((severity) => html`<th class="num">${severity}</th>`)}<th class="num">score</th></tr></thead><tbody>${rows}</tbody></table>
    <p class="muted">Score: ${SEVERITIES.map((severity) => `${severity} ${SEVERITY_WEIGHTS[severity]}`).join(', ')} per finding, ${PRIVILEGED_PRINCIPAL_FACTOR} times that for a finding about an admin or can-escalate user (or its key) or role.</p></section>`;
}

const PRIVILEGE_CLASSES: Readonly<Record<PrivilegeLevel, { fill: string; legend: string }>> = {
  admin: { fill: 'fill-critical', legend: 'l-critical' },
  'can-escalate': { fill: 'fill-high', legend: 'l-high' },
  write: { fill: 'fill-medium', legend: 'l-medium' },
  'read-only': { fill: 'fill-low', legend: 'l-low' },
  none: { fill: 'fill-muted', legend: 'l-muted' },
};

/** A count that calls for action is shown in red. */
function alarmCell(value: number, name: string): SafeHtml {
  return html`<td class="num${value > 0 ? ' level-Not-Started' : ''}" data-column="${name}">${value}</td>`;
}

function limitNote(shown: number, total: number, what: string, runName: string): SafeHtml | null {
  return total > shown ? html`<p class="muted">The table holds ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${what}; every one is in access_${runName}.csv.</p>` : null;
}

function accessSection(data: DashboardData): SafeHtml {
  const { access } = data;
  if (access.accountsAssessed === 0) {
    return html`<section id="access" aria-labelledby="access-title"><h2 id="access-title">Who can do what (privilege)</h2><p class="empty">No account of this run has a privilege assessment (no inventory of principals was read).</p></section>`;
  }
  const chart = horizontalBars(
    (['users', 'roles'] as const).map((kind) => ({ label: kind, segments: PRIVILEGE_LEVELS.map((level) => ({ value: access.byLevel[level][kind], className: PRIVILEGE_CLASSES[level].fill })) })),
    'Users and roles by privilege',
  );
  const legend = html`<div class="legend">${PRIVILEGE_LEVELS.map((level) => html`<span class="${PRIVILEGE_CLASSES[level].legend}">${level}</span>`)}</div>`;
  const rows = access.accounts.map((row) => html`<tr data-account="${row.accountId}"><td class="long">${row.accountName}<span class="sub id">${row.accountId}</span></td>${PRIVILEGE_LEVELS.map((level) => html`<td class="num" data-privilege="${level}">${row.levels[level]}</td>`)}${alarmCell(row.privilegedUsersWithKeys, 'privileged-keys')}${alarmCell(row.privilegedConsoleUsersWithoutMfa, 'privileged-no-mfa')}${alarmCell(row.rolesTrustedFromOutside, 'trusted-outside')}${alarmCell(row.adminPathsIn, 'admin-paths-in')}</tr>`);
  const trusts = access.outsideTrustsTotal === 0
    ? html`<p class="empty">No role can be assumed from outside the organization.</p>`
    : html`<table id="access-outside"><thead><tr><th>account</th><th>role</th><th>privilege</th><th>trusted by</th></tr></thead><tbody>${access.outsideTrusts.map((row) => html`<tr data-account="${row.accountId}" data-role="${row.roleName}"><td class="long">${row.accountName}<span class="sub id">${row.accountId}</span></td><td class="long">${row.roleName}</td><td>${row.privilege}</td><td class="long">${row.trustedBy}</td></tr>`)}</tbody></table>${limitNote(access.outsideTrusts.length, access.outsideTrustsTotal, 'roles trusted from outside', data.runName)}`;
  const paths = access.adminRolesTotal === 0
    ? html`<p class="empty">No principal of one account can become admin in another.</p>`
    : html`<table id="access-admin-paths"><thead><tr><th>account</th><th>admin role</th><th>reached by</th></tr></thead><tbody>${access.adminRoles.map((row) => html`<tr data-account="${row.accountId}" data-role="${row.roleArn}"><td class="long">${row.accountName}<span class="sub id">${row.accountId}</span></td><td class="long">${row.roleArn}</td><td class="long"><strong>${plural(row.reachedBy.length, 'principal')}</strong>${row.reachedBy.map((from) => html`<span class="sub">${from}</span>`)}</td></tr>`)}</tbody></table>${limitNote(access.adminRoles.length, access.adminRolesTotal, 'admin roles reachable from other accounts', data.runName)}`;
  return html`<section id="access" aria-labelledby="access-title"><h2 id="access-title">Who can do what (privilege)</h2>
    <p>Users and roles of ${plural(access.accountsAssessed, 'account')} by privilege, decided with the policy evaluator over their policies, groups and permissions boundary; every principal, what grants it and its credentials are in access_${data.runName}.csv.</p><div class="chart-half">${chart}${legend}</div>
    <table id="access-accounts"><thead><tr><th>account</th>${PRIVILEGE_LEVELS.map((level) => html`<th class="num">${level}</th>`)}<th class="num" title="admin or can-escalate users with an active access key">privileged, with keys</th><th class="num" title="admin or can-escalate console users without MFA">privileged, no MFA</th><th class="num" title="roles principals outside the organization can assume">trusted from outside</th><th class="num" title="principals of other accounts of the organization that can become admin here">admin paths in</th></tr></thead><tbody>${rows}</tbody></table>
    <h3>Roles trusted from outside the organization</h3>${trusts}
    <h3>Admin roles reachable from other accounts</h3>${paths}
  </section>`;
}

function coverageSection(data: DashboardData): SafeHtml {
  const rows = data.coverageGaps.map((gap) => html`<tr data-account="${gap.accountId}"><td class="long">${gap.accountName}<span class="sub id">${gap.accountId}</span></td><td>${gap.status}<span class="sub">${gap.state}</span></td><td class="long">${gap.reason}</td></tr>`);
  const body = rows.length === 0
    ? html`<p class="empty">Every account in scope was audited completely.</p>`
    : html`<table><thead><tr><th>account</th><th>status</th><th>why</th></tr></thead><tbody>${rows}</tbody></table>`;
  return html`<section class="half" id="coverage" aria-labelledby="coverage-title"><h2 id="coverage-title">Coverage: accounts not audited completely</h2>
    <p>${data.kpis.accountsAudited} of ${data.kpis.accountsInScope} accounts in scope audited completely, ${data.kpis.accountsPartial} partial, ${data.kpis.accountsNotAudited} not audited, ${data.kpis.accountsSkipped} skipped.</p>${body}</section>`;
}

function rootSection(data: DashboardData): SafeHtml {
  const rows = data.rootStatus.map((root) => {
    const mfaClass = root.mfa === 'None' ? 'level-Not-Started' : root.mfa === 'Hardware' ? 'level-Complete' : '';
    return html`<tr data-account="${root.accountId}"><td class="long">${root.accountName}<span class="sub id">${root.accountId}</span></td><td class="${mfaClass}">${root.mfa}</td><td class="${root.accessKeys.startsWith('active') ? 'level-Not-Started' : ''}">${root.accessKeys}</td><td>${root.signingCertificates}</td><td>${root.passwordLastUsed}</td></tr>`;
  });
  return html`<section class="half" id="root" aria-labelledby="root-title"><h2 id="root-title">Root user per account</h2>
    <table><thead><tr><th>account</th><th>MFA</th><th>access keys</th><th>certificates</th><th>password last used</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function weeklyChart(data: DashboardData): SafeHtml {
  const weeks = data.weeklyRemediation;
  if (weeks.length === 0) return html`<p class="empty">${data.cloudTrailEnabled ? 'No change to keys, MFA, console passwords or users in the CloudTrail event history.' : 'CloudTrail collection was turned off for this run.'}</p>`;
  const height = 180;
  const base = height - 30;
  const slot = (SVG_WIDTH - 40) / weeks.length;
  const barWidth = Math.max(2, Math.min(16, slot / 3 - 2));
  const max = Math.max(1, ...weeks.map((week) => Math.max(week.progress, week.regressions)));
  const scale = (base - 14) / max;
  const bars = weeks.map((week, index) => {
    const x = 30 + index * slot;
    const progress = week.progress * scale;
    const regressions = week.regressions * scale;
    const label = weeks.length <= 14 || index % Math.ceil(weeks.length / 14) === 0 ? html`<text x="${x.toFixed(1)}" y="${height - 12}">${week.weekStart.slice(5)}</text>` : null;
    return html`<rect class="fill-ok" x="${x.toFixed(1)}" y="${(base - progress).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${progress.toFixed(1)}"></rect><rect class="fill-critical" x="${(x + barWidth + 1).toFixed(1)}" y="${(base - regressions).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${regressions.toFixed(1)}"></rect>${label}`;
  });
  return html`<svg viewBox="0 0 ${SVG_WIDTH} ${height}" role="img" aria-label="Progress and regressions per week"><text x="0" y="10">${max}</text><text x="0" y="${base}">0</text><line x1="28" y1="${base}" x2="${SVG_WIDTH}" y2="${base}" stroke="#aab3c2"></line>${bars}</svg>
    <div class="legend"><span class="l-ok">progress</span><span class="l-critical">regressions</span></div>`;
}

/** The week's changes of one direction, as `access keys deleted: 2` items. */
function weekChanges(week: WeeklyRemediation, direction: RemediationDirection): SafeHtml {
  const items = (Object.keys(REMEDIATION_CHANGES) as RemediationChange[])
    .filter((change) => REMEDIATION_CHANGES[change].direction === direction && week.changes[change] !== undefined)
    .map((change) => html`<span class="sub" data-change="${change}">${REMEDIATION_CHANGES[change].label}: ${week.changes[change]}</span>`);
  return html`${items}`;
}

function trendSection(data: DashboardData): SafeHtml {
  const rows = data.weeklyRemediation.map((week) => html`<tr data-week="${week.weekStart}"><td>${week.weekStart}</td><td data-direction="progress"><strong>${week.progress}</strong>${weekChanges(week, 'progress')}</td><td data-direction="regression"><strong class="${week.regressions > 0 ? 'level-Not-Started' : ''}">${week.regressions}</strong>${weekChanges(week, 'regression')}</td></tr>`);
  const table = rows.length === 0 ? null : html`<table><thead><tr><th>week of</th><th>progress</th><th>regressions</th></tr></thead><tbody>${rows}</tbody></table>`;
  return html`<section class="half" id="trend" aria-labelledby="trend-title"><h2 id="trend-title">Remediation trend (CloudTrail, per week)</h2>${weeklyChart(data)}${table}</section>`;
}

function historyChart(data: DashboardData): SafeHtml {
  const entries = data.history;
  const height = 170;
  const base = height - 24;
  const series: { label: string; className: string; legend: string; value: (entry: DashboardData['history'][number]) => number }[] = [
    { label: 'critical + high findings', className: 'stroke-critical', legend: 'l-critical', value: (entry) => entry.findings.critical + entry.findings.high },
    { label: 'console users without MFA', className: 'stroke-medium', legend: 'l-medium', value: (entry) => entry.consoleUsersWithoutMfa },
    { label: `keys older than ${data.thresholds.keyMaxAgeDays} days`, className: 'stroke-accent', legend: 'l-accent', value: (entry) => entry.keysOlderThanMaxAge },
  ];
  const max = Math.max(1, ...entries.flatMap((entry) => series.map((line) => line.value(entry))));
  const step = entries.length > 1 ? (SVG_WIDTH - 100) / (entries.length - 1) : 0;
  const point = (index: number, value: number) => `${(30 + index * step).toFixed(1)},${(base - (value / max) * (base - 12)).toFixed(1)}`;
  const lines = series.map((line) => html`<polyline class="${line.className}" points="${entries.map((entry, index) => point(index, line.value(entry))).join(' ')}"></polyline>`);
  const labelled = entries.map((_entry, index) => entries.length <= 8 || index % Math.ceil(entries.length / 8) === 0);
  const labelOf = historyPointLabel(entries.filter((_entry, index) => labelled[index]).map((entry) => entry.startedAt));
  const labels = entries.map((entry, index) => (labelled[index] ? html`<text x="${(30 + index * step).toFixed(1)}" y="${height - 6}">${labelOf(entry.startedAt)}</text>` : null));
  return html`<svg viewBox="0 0 ${SVG_WIDTH} ${height}" role="img" aria-label="Findings and credentials across runs"><text x="0" y="10">${max}</text><text x="0" y="${base}">0</text><line x1="28" y1="${base}" x2="${SVG_WIDTH}" y2="${base}" stroke="#aab3c2"></line>${lines}${labels}</svg>
    <div class="legend">${series.map((line) => html`<span class="${line.legend}">${line.label}</span>`)}</div>`;
}

/**
 * How the chart labels a run: its day, or its day and time (UTC) when two labelled runs share a day,
 * so that points on one day are told apart.
 */
export function historyPointLabel(labelledStarts: readonly string[]): (startedAt: string) => string {
  const days = labelledStarts.map((startedAt) => startedAt.slice(0, 10));
  const sameDay = new Set(days).size < days.length;
  return (startedAt) => (sameDay ? startedAt.slice(5, 16).replace('T', ' ') : startedAt.slice(0, 10));
}

/** The table beside the chart lists the latest runs; the chart and history.json hold them all. */
export const HISTORY_TABLE_RUNS = 12;

function historySection(data: DashboardData): SafeHtml | null {
  if (data.history.length < 2 && data.comparison === null) return null;
  const chart = data.history.length >= 2 ? historyChart(data) : null;
  const earlier = Math.max(0, data.history.length - HISTORY_TABLE_RUNS);
  const rows = data.history.slice(earlier).map((entry) => html`<tr data-run="${entry.runTimestamp}"><td>${entry.startedAt.slice(0, 16).replace('T', ' ')}</td><td class="num">${entry.accountsAudited}/${entry.accountsInScope}</td><td class="num">${entry.consoleUsersWithoutMfa}</td><td class="num">${entry.activeAccessKeys}</td><td class="num">${entry.keysOlderThanMaxAge}</td>${SEVERITIES.map((severity) => html`<td class="num">${entry.findings[severity]}</td>`)}</tr>`);
  const table = rows.length === 0 ? null : html`<table><thead><tr><th>run</th><th class="num">audited</th><th class="num">no MFA</th><th class="num">active keys</th><th class="num">old keys</th>${SEVERITIES.map((severity) => html`<th class="num">${severity}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
  const more = earlier === 0 ? null : html`<p class="muted" data-earlier-runs="${earlier}">the latest ${HISTORY_TABLE_RUNS} runs; ${earlier} earlier ${earlier === 1 ? 'run is' : 'runs are'} in the chart and in history.json</p>`;
  return html`<section class="half" id="history" aria-labelledby="history-title"><h2 id="history-title">Across runs</h2>${chart}${table}${more}${comparisonBlock(data)}</section>`;
}

function comparisonBlock(data: DashboardData): SafeHtml | null {
  const comparison = data.comparison;
  if (comparison === null) return null;
  const list = (items: readonly string[]) => (items.length === 0 ? html`<p class="empty">none</p>` : html`<ul>${items.slice(0, 10).map((item) => html`<li>${item}</li>`)}${items.length > 10 ? html`<li class="muted">and ${items.length - 10} more</li>` : null}</ul>`);
  return html`<div id="comparison"><h3>Since ${comparison.previousRunTimestamp}</h3>
    <table><tbody>
      <tr data-change="new-keys"><td>new access keys</td><td class="num">${comparison.newAccessKeys.length}</td></tr>
      <tr data-change="removed-keys"><td>removed access keys</td><td class="num">${comparison.removedAccessKeys.length}</td></tr>
      <tr data-change="gained-mfa"><td>users who gained MFA</td><td class="num">${comparison.usersWhoGainedMfa.length}</td></tr>
      <tr data-change="new-findings"><td>new findings</td><td class="num">${comparison.newFindings.length}</td></tr>
      <tr data-change="resolved-findings"><td>resolved findings</td><td class="num">${comparison.resolvedFindings.length}</td></tr>
    </tbody></table>
    <h3>New findings</h3>${list(comparison.newFindings.map((finding) => `${finding.severity}: ${finding.title}, ${finding.accountName} (${finding.accountId}) ${finding.resource}`))}
    <h3>Resolved findings</h3>${list(comparison.resolvedFindings.map((finding) => `${finding.severity}: ${finding.title}, ${finding.accountName} (${finding.accountId}) ${finding.resource}`))}
    <h3>Users who gained MFA</h3>${list(comparison.usersWhoGainedMfa.map((change) => `${change.userName} (${change.mfaType}), ${change.accountName} (${change.accountId})`))}
  </div>`;
}

function findingsSection(data: DashboardData): SafeHtml {
  const column = (key: string, label: string) => html`<th data-sort="${key}" aria-sort="none"><button type="button">${label}</button></th>`;
  return html`<section class="findings" id="findings" aria-labelledby="findings-title"><h2 id="findings-title">Findings</h2>
    <div class="controls">
      <input id="findings-search" type="search" placeholder="Search account, user, key, rule..." aria-label="Search findings">
      <select id="findings-severity" aria-label="Severity"><option value="">all severities</option>${SEVERITIES.map((severity) => html`<option value="${severity}">${severity}</option>`)}</select>
      <select id="findings-account" aria-label="Account"><option value="">all accounts</option></select>
      <span id="findings-count" class="muted" aria-live="polite"></span>
    </div>
    <table id="findings-table"><thead><tr>${column('severity', 'severity')}${column('account', 'account')}${column('rule', 'finding')}${column('resource', 'resource')}${column('evidence', 'evidence')}<th>controls</th><th>remediation</th></tr></thead>
    <tbody id="findings-body"></tbody></table>
    ${data.findingsTotal > data.findings.length
    ? html`<p class="muted" id="findings-limited">The table holds the ${data.findings.length.toLocaleString('en-US')} most severe of ${data.findingsTotal.toLocaleString('en-US')} findings; every finding is in findings_${data.runName}.csv.</p>`
    : ''}
    <noscript><p>The findings table needs JavaScript; the same rows are in findings_${data.runName}.csv.</p></noscript>
  </section>`;
}

function mutedSection(data: DashboardData): SafeHtml | null {
  const { exemptions } = data;
  if (exemptions === null) return null;
  const rows = data.mutedFindings.map((finding) => html`<tr data-key="${finding.key}"><td><span class="badge sev-${finding.severity}">${finding.severity}</span></td><td class="long">${finding.accountName}<span class="sub id">${finding.accountId}</span></td><td class="long">${finding.title}<span class="sub">${finding.ruleId}</span></td><td class="long">${finding.resource}</td><td class="long">${finding.muted?.reason ?? ''}</td><td>${finding.muted?.expires ?? ''}</td></tr>`);
  const table = rows.length === 0
    ? html`<p class="empty">No finding of this run is muted.</p>`
    : html`<table id="muted-table"><thead><tr><th>severity</th><th>account</th><th>finding</th><th>resource</th><th>why muted</th><th>until</th></tr></thead><tbody>${rows}</tbody></table>`;
  const more = data.kpis.mutedFindings > data.mutedFindings.length
    ? html`<p class="muted">The table holds ${data.mutedFindings.length.toLocaleString('en-US')} of ${data.kpis.mutedFindings.toLocaleString('en-US')} muted findings; every one is in findings_${data.runName}.csv.</p>`
    : null;
  const unused = exemptions.unused.length === 0
    ? null
    : html`<h3>Unused entries</h3><ul>${exemptions.unused.map((entry) => html`<li data-unused="${entry.declaredAt}">${entry.declaredAt}: account ${entry.account}, user ${entry.user}, rule ${entry.rule} matched no finding</li>`)}</ul>`;
  return html`<section class="findings" id="muted" aria-labelledby="muted-title"><h2 id="muted-title">Muted by exemptions</h2>
    <p>${plural(data.kpis.mutedFindings, 'finding')} muted by ${exemptions.source} (${plural(exemptions.entries, 'entry', 'entries')}, ${exemptions.expired.length} expired, ${exemptions.unused.length} unused). They are counted in no figure above; an expired entry mutes nothing and is a finding of its own.</p>
    ${table}${more}${unused}</section>`;
}

export function renderDashboard(input: DashboardInput): string {
  const data = buildDashboardData(input);
  return renderPage(input, data, data);
}

/**
 * Stands for the findings in the page's data block while the page around it is rendered. `findings`
 * is the data's last property, so its last occurrence is the real one even if a hostile account
 * name carried the same text.
 */
const FINDINGS_PLACEHOLDER = '\u0000findings\u0000';
const FINDINGS_PER_CHUNK = 1000;

/**
 * The same page as `renderDashboard`, in pieces: the findings of a large organization (hundreds of
 * thousands) are written a thousand at a time instead of as one string. Each finding is escaped
 * alone, which is the same as escaping the whole block since the escapes replace single characters.
 */
export function* renderDashboardChunks(input: DashboardInput): Generator<string> {
  const data = buildDashboardData(input);
  const page = renderPage(input, data, { ...data, findings: FINDINGS_PLACEHOLDER });
  const marker = `"findings":${jsonForScriptBlock(FINDINGS_PLACEHOLDER)}`;
  const at = page.lastIndexOf(marker);
  if (at < 0) throw new Error('the dashboard page lost its findings placeholder');
  yield `${page.slice(0, at)}"findings":[`;
  for (let start = 0; start < data.findings.length; start += FINDINGS_PER_CHUNK) {
    const batch = data.findings.slice(start, start + FINDINGS_PER_CHUNK).map((finding) => jsonForScriptBlock(finding)).join(',');
    yield start === 0 ? batch : `,${batch}`;
  }
  yield `]${page.slice(at + marker.length)}`;
}

/** The page; `scriptData` is what goes into its JSON block (the data, or the data with a placeholder). */
function renderPage(input: DashboardInput, data: DashboardData, scriptData: unknown): string {
  const { run } = input;
  const thresholds = data.thresholds;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${dashboardContentSecurityPolicy()}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IAM audit ${run.runTimestamp}</title>
<style>${new SafeHtml(DASHBOARD_STYLE)}</style>
</head>
<body>
<header><h1>IAM audit of the organization</h1>
<p>Run ${run.runTimestamp}, started ${run.startedAt}, partition ${run.partition}, management account ${run.managementAccountId ?? 'unknown'}, role ${run.roleName}.
Thresholds: keys rotated within ${thresholds.keyMaxAgeDays} days, at most ${thresholds.keyCriticalAgeDays} days old, used within ${thresholds.unusedDays} days; recent sign-in ${thresholds.recentLoginDays} days.</p></header>
<main>
${kpiSection(data)}
${maturitySection(data)}
${riskSection(data)}
${mfaSection(data)}
${keyAgeSection(data)}
<section class="third" id="severity-summary" aria-labelledby="severity-title"><h2 id="severity-title">Findings by severity</h2>${horizontalBars(SEVERITIES.map((severity) => ({ label: severity, segments: [{ value: data.kpis.findings[severity], className: `fill-${severity}` }] })), 'Findings by severity', NARROW_SVG_WIDTH)}</section>
${accessSection(data)}
${coverageSection(data)}
${rootSection(data)}
${trendSection(data)}
${historySection(data)}
${findingsSection(data)}
${mutedSection(data)}
</main>
<script type="application/json" id="dashboard-data">${new SafeHtml(jsonForScriptBlock(scriptData))}</script>
<script>${new SafeHtml(DASHBOARD_SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
