// A finding: one thing in the run that someone should act on, with the controls it fails so an
// auditor can file it, and the evidence so they need not open the raw reports to believe it.

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used to sort and to compare against `--fail-on`. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1 };

export function isAtOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/**
 * The CIS AWS Foundations Benchmark versions the rules map to: v7.0.0, the current one, and v5.0.0,
 * the one Security Hub CSPM's CIS standard runs. The names are the benchmarks' own, as Security Hub's
 * `Compliance.RelatedRequirements` and the OCSF file write them.
 */
export const CIS_BENCHMARKS = {
  cisV7: 'CIS AWS Foundations Benchmark v7.0.0',
  cisV5: 'CIS AWS Foundations Benchmark v5.0.0',
} as const;
export type CisBenchmark = keyof typeof CIS_BENCHMARKS;

export interface ControlMapping {
  /** CIS AWS Foundations Benchmark v7.0.0 recommendation numbers (`2.10`). */
  cisV7: string[];
  /** CIS AWS Foundations Benchmark v5.0.0 recommendation numbers (`1.9`). */
  cisV5: string[];
  /** AWS Security Hub CSPM control ids (`IAM.5`). */
  securityHub: string[];
  /** AWS Security Maturity Model phase and control. */
  smm: string[];
}

export type FindingResourceType = 'iam-user' | 'iam-role' | 'access-key' | 'root' | 'account';

/** Why a finding is muted: the exemption that matched it (see analysis/exemptions). */
export interface FindingMute {
  reason: string;
  /** The exemption's last day, `YYYY-MM-DD`. */
  expires: string;
}

export interface Finding {
  /** `<ruleId>|<accountId>|<resource>`: the same problem has the same key from run to run. */
  key: string;
  ruleId: string;
  title: string;
  severity: Severity;
  accountId: string;
  accountName: string;
  resourceType: FindingResourceType;
  /** User name, access key id (`alice/AKIA...`), `root` or the account id. */
  resource: string;
  evidence: string;
  remediation: string;
  controls: ControlMapping;
  /** Set when an exemption mutes the finding: it stays in every report, apart from the open ones. */
  muted?: FindingMute;
}

export type FindingCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Pick<Finding, 'severity'>[]): FindingCounts {
  const counts: FindingCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/** Worst first; then by account, rule and resource so the order is stable between runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.accountId.localeCompare(b.accountId) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resource.localeCompare(b.resource)
  );
}
