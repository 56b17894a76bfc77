// The figures the HTML dashboard shows, computed from the run, its findings and maturity, and
// optionally the comparison with the previous run and the run history. Pure: the HTML writer only
// formats what this returns, so the numbers can be tested without a browser.
import { runName } from '../file-names';
import { openFindings, type ExemptionsOutcome } from '../../analysis/apply-exemptions';
import type { RunComparison } from '../../analysis/comparison';
import { countBySeverity, type Finding, type FindingCounts, type FindingThresholds } from '../../analysis/findings';
import type { HistoryEntry } from '../../analysis/history';
import type { MaturitySummary } from '../../analysis/maturity';
import { weeklyRemediation, type WeeklyRemediation } from '../../analysis/remediation-trend';
import type { AuditedStatus, AuditRun, MfaType } from '../../model';
import { coverageCounts, isActiveKey, isConsoleUser, isInScope, isOlderThan, keyAgeDays, mfaStrength, runReference } from '../../analysis/facts';
import { coverageReasonText } from '../../coverage-reasons';
import { accountRiskScore } from '../../analysis/risk-score';
import { buildDashboardAccess, type DashboardAccess } from './dashboard-access';

export interface DashboardInput {
  run: AuditRun;
  findings: readonly Finding[];
  maturity: MaturitySummary;
  thresholds: FindingThresholds;
  comparison?: RunComparison;
  /** Earlier runs and this one, oldest first (see `auditor/history.ts`). */
  history?: readonly HistoryEntry[];
  /** What the exemptions file did, when one was given. */
  exemptions?: ExemptionsOutcome;
}

export interface DashboardKpis {
  accountsInScope: number;
  accountsAudited: number;
  accountsPartial: number;
  accountsNotAudited: number;
  accountsSkipped: number;
  users: number;
  consoleUsers: number;
  consoleUsersWithoutMfa: number;
  mfaCoveragePercent: number | null;
  activeAccessKeys: number;
  keysOlderThanMaxAge: number;
  /** Open findings: muted ones are counted apart. */
  findings: FindingCounts;
  mutedFindings: number;
}

export interface AgeBucket {
  label: string;
  count: number;
}

export interface AccountRisk {
  accountId: string;
  accountName: string;
  audited: AuditedStatus;
  skipped: 'state' | 'filter' | null;
  users: number;
  activeAccessKeys: number;
  findings: FindingCounts;
  /** `accountRiskScore`: severities weighed, twice for admin or can-escalate principals; a sort key, not a measurement. */
  riskScore: number;
}

export interface CoverageGap {
  accountId: string;
  accountName: string;
  state: string;
  status: 'not audited' | 'partial' | 'skipped';
  reason: string;
}

export interface RootStatus {
  accountId: string;
  accountName: string;
  mfa: string;
  accessKeys: string;
  signingCertificates: string;
  passwordLastUsed: string;
}

export interface DashboardData {
  runTimestamp: string;
  /** The run's name in its file names (`<timestamp>-<id>`), for the dashboard's links to them. */
  runName: string;
  startedAt: string;
  thresholds: FindingThresholds;
  kpis: DashboardKpis;
  mfaByType: Record<MfaType, number>;
  keyAges: AgeBucket[];
  accounts: AccountRisk[];
  coverageGaps: CoverageGap[];
  rootStatus: RootStatus[];
  /** Who can do what: privilege per account, outside trusts, admin paths across accounts. */
  access: DashboardAccess;
  /** The remediation trend: progress and regressions per week, from CloudTrail. */
  weeklyRemediation: WeeklyRemediation[];
  cloudTrailEnabled: boolean;
  history: HistoryEntry[];
  comparison: RunComparison | null;
  maturity: MaturitySummary;
  /** The exemptions file, its expired and unused entries; null without one. */
  exemptions: ExemptionsOutcome | null;
  /** Findings muted by an exemption, worst first, at most DASHBOARD_FINDINGS_LIMIT: shown apart from the open ones. */
  mutedFindings: Finding[];
  /** Every open finding of the run; the table holds at most DASHBOARD_FINDINGS_LIMIT of them. */
  findingsTotal: number;
  /** The most severe open findings, worst first; last, so the page can write it in pieces. */
  findings: Finding[];
}

/**
 * The findings table's rows at most. A browser stays usable with ten thousand; a large
 * organization can have hundreds of thousands, and all of them are in the findings CSV. The
 * counts, KPIs and risk per account always count every finding.
 */
export const DASHBOARD_FINDINGS_LIMIT = 10_000;

/** The first bar of the key age chart: keys of the last month, whatever the thresholds. */
const RECENT_KEY_AGE_DAYS = 30;

function keyAgeBuckets(run: AuditRun, thresholds: FindingThresholds): AgeBucket[] {
  // A key falls in the first bucket whose edge its age does not exceed: a key in the maximum's
  // bucket is not older than the maximum, by the same rule as the findings.
  const edges = [...new Set([RECENT_KEY_AGE_DAYS, thresholds.keyMaxAgeDays, thresholds.keyCriticalAgeDays])].sort((a, b) => a - b);
  const buckets: AgeBucket[] = edges.map((edge, index) => ({ label: index === 0 ? `0-${edge} days` : `${edges[index - 1] + 1}-${edge} days`, count: 0 }));
  buckets.push({ label: `over ${edges[edges.length - 1]} days`, count: 0 });
  const reference = runReference(run);
  for (const account of run.accounts) {
    for (const user of account.users) {
      for (const key of user.accessKeys) {
        if (!isActiveKey(key)) continue;
        const age = keyAgeDays(key, reference);
        const index = edges.findIndex((edge) => !isOlderThan(age, edge));
        buckets[index === -1 ? edges.length : index].count += 1;
      }
    }
  }
  return buckets;
}

function rootStatus(run: AuditRun): RootStatus[] {
  return run.accounts
    .filter(isInScope)
    .map(({ account, root }) => ({
      accountId: account.id,
      accountName: account.name,
      mfa: root === null ? 'unknown' : root.mfaEnabled ? root.mfaType : 'None',
      accessKeys: root === null ? 'unknown' : root.accessKeysActive ? `active (${Math.max(1, root.accessKeysPresent)})` : root.accessKeysPresent > 0 ? `inactive (${root.accessKeysPresent})` : 'none',
      signingCertificates: root === null ? 'unknown' : root.signingCertificatesActive ? 'active' : 'none',
      passwordLastUsed: root === null ? 'unknown' : root.passwordEnabled === false ? 'no password' : root.passwordLastUsed ?? 'Never',
    }));
}

function coverageGaps(run: AuditRun): CoverageGap[] {
  return run.accounts
    .filter(({ coverage }) => coverage.audited !== 'yes' || coverage.skipped !== null)
    .map(({ coverage }) => ({
      accountId: coverage.accountId,
      accountName: coverage.accountName,
      state: coverage.state,
      status: coverage.skipped !== null ? 'skipped' : coverage.audited === 'partial' ? 'partial' : 'not audited',
      reason: coverage.skipped === 'state' ? `account state ${coverage.state}`
        : coverage.skipped === 'filter' ? 'left out by --accounts / --exclude-accounts'
        : coverage.errors.map(coverageReasonText).join('; ') || 'no reason recorded',
    }));
}

export function buildDashboardData(input: DashboardInput): DashboardData {
  const { run, maturity, thresholds } = input;
  // Muted findings are shown in their own table and weigh on no count, score or chart.
  const findings = openFindings(input.findings);
  const muted = input.findings.filter((finding) => finding.muted !== undefined);
  const mfaByType: Record<MfaType, number> = { SecurityKey: 0, Hardware: 0, Virtual: 0, Unknown: 0, None: 0 };
  const accounts: AccountRisk[] = [];
  // Grouped once: filtering every finding for every account is quadratic, minutes at 10,000 accounts.
  const findingsByAccount = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = findingsByAccount.get(finding.accountId);
    if (group) group.push(finding);
    else findingsByAccount.set(finding.accountId, [finding]);
  }
  let users = 0;
  for (const audit of run.accounts) {
    let activeKeys = 0;
    for (const user of audit.users) {
      users += 1;
      if (isConsoleUser(user)) mfaByType[mfaStrength(user)] += 1;
      activeKeys += user.accessKeys.filter(isActiveKey).length;
    }
    const ofAccount = findingsByAccount.get(audit.account.id) ?? [];
    const accountFindings = countBySeverity(ofAccount);
    accounts.push({
      accountId: audit.account.id,
      accountName: audit.account.name,
      audited: audit.coverage.audited,
      skipped: audit.coverage.skipped,
      users: audit.users.length,
      activeAccessKeys: activeKeys,
      findings: accountFindings,
      riskScore: accountRiskScore(ofAccount, audit.access),
    });
  }
  accounts.sort((a, b) => b.riskScore - a.riskScore || a.accountName.localeCompare(b.accountName));
  const coverage = coverageCounts(run.accounts);
  const { indicators } = maturity.organization;
  return {
    runTimestamp: run.runTimestamp,
    runName: runName(run),
    startedAt: run.startedAt,
    thresholds: { ...thresholds },
    kpis: {
      accountsInScope: coverage.inScope,
      accountsAudited: coverage.audited,
      accountsPartial: coverage.partial,
      accountsNotAudited: coverage.notAudited,
      accountsSkipped: coverage.skipped,
      users,
      consoleUsers: indicators.consoleUsers,
      consoleUsersWithoutMfa: indicators.consoleUsers - indicators.consoleUsersWithMfa,
      mfaCoveragePercent: indicators.mfaCoveragePercent,
      activeAccessKeys: indicators.activeAccessKeys,
      keysOlderThanMaxAge: indicators.keysOlderThanMaxAge,
      findings: countBySeverity(findings),
      mutedFindings: muted.length,
    },
    mfaByType,
    keyAges: keyAgeBuckets(run, thresholds),
    accounts,
    coverageGaps: coverageGaps(run),
    rootStatus: rootStatus(run),
    access: buildDashboardAccess(run),
    weeklyRemediation: weeklyRemediation(run.accounts),
    cloudTrailEnabled: run.cloudTrail.enabled,
    history: [...(input.history ?? [])],
    comparison: input.comparison ?? null,
    maturity,
    exemptions: input.exemptions ?? null,
    mutedFindings: muted.slice(0, DASHBOARD_FINDINGS_LIMIT),
    findingsTotal: findings.length,
    // The run's findings come worst first (evaluateFindings sorts them).
    findings: findings.slice(0, DASHBOARD_FINDINGS_LIMIT),
  };
}
