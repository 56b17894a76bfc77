// The exemptions applied to a run's findings: a finding an entry in force matches is muted (kept,
// with the entry's reason and last day); an expired entry mutes nothing and becomes a finding of
// its own, so the accepted risk comes back to someone's desk; an entry in force that matched
// nothing is listed as unused, since it is either stale or mistyped.
import { ANY, describeExemption, EXEMPTION_EXPIRED_RULE, ExemptionMatcher, isInForce, ROOT_USER, type Exemption, type ExemptionList, type ExemptionSubject } from './exemptions';
import { buildFinding, compareFindings, splitAccessKeyResource, type Finding, type FindingThresholds } from './findings';
import type { AuditRun } from '../model';
import { runReference } from './facts';

/** What the exemptions did in a run: in the JSON report, the summary and the dashboard. */
export interface ExemptionsOutcome {
  /** The file the entries came from. */
  source: string;
  entries: number;
  /** Findings muted by an entry in force. */
  mutedFindings: number;
  /** Entries past their last day at the run's start; each is also an `exemption-expired` finding. */
  expired: Exemption[];
  /** Entries in force that matched no finding of the run. */
  unused: Exemption[];
}

/** What a finding is matched on: its account, its rule and the user it is about. */
export function exemptionSubject(finding: Pick<Finding, 'accountId' | 'ruleId' | 'resourceType' | 'resource'>): ExemptionSubject {
  let user: string | null;
  switch (finding.resourceType) {
    case 'iam-user':
    case 'iam-role':
      // A role is matched by the `user` field too: it names the principal.
      user = finding.resource;
      break;
    case 'access-key':
      user = splitAccessKeyResource(finding.resource).userName;
      break;
    case 'root':
      user = ROOT_USER;
      break;
    case 'account':
      user = null;
      break;
  }
  return { accountId: finding.accountId, user, ruleId: finding.ruleId };
}

function expiredFinding(entry: Exemption, source: string, run: Pick<AuditRun, 'accounts' | 'managementAccountId'>, thresholds: FindingThresholds): Finding {
  // An entry for every account belongs to whoever runs the organization: its management account.
  const accountId = entry.account === ANY ? run.managementAccountId ?? ANY : entry.account;
  const accountName = run.accounts.find((audit) => audit.account.id === accountId)?.account.name ?? '';
  return buildFinding(
    { id: accountId, name: accountName },
    thresholds,
    EXEMPTION_EXPIRED_RULE,
    'low',
    'account',
    `exemption ${entry.account}/${entry.user}/${entry.rule}`,
    `${source} ${entry.declaredAt}: the exemption for ${describeExemption(entry)} expired on ${entry.expires} and mutes nothing since; its reason was: ${entry.reason}`,
  );
}

/**
 * The run's findings with the exemptions applied, worst first: matching findings muted by the first
 * entry in force that matches (in file order), plus one `exemption-expired` finding per expired entry.
 * In force means through the end of `expires` (UTC) at the run's start, so every report of one run agrees.
 */
export function applyExemptions(
  findings: readonly Finding[],
  exemptions: ExemptionList,
  run: Pick<AuditRun, 'startedAt' | 'accounts' | 'managementAccountId'>,
  thresholds: FindingThresholds,
): { findings: Finding[]; outcome: ExemptionsOutcome } {
  const reference = runReference(run);
  const inForce = exemptions.entries.filter((entry) => isInForce(entry, reference)).map((entry) => new ExemptionMatcher(entry));
  const expired = exemptions.entries.filter((entry) => !isInForce(entry, reference));
  const used = new Set<ExemptionMatcher>();
  let mutedFindings = 0;
  const result = findings.map((finding) => {
    if (inForce.length === 0) return finding;
    const subject = exemptionSubject(finding);
    const matcher = inForce.find((candidate) => candidate.matches(subject));
    if (matcher === undefined) return finding;
    used.add(matcher);
    mutedFindings += 1;
    return { ...finding, muted: { reason: matcher.entry.reason, expires: matcher.entry.expires } };
  });
  const expiredKeys = new Set<string>();
  for (const entry of expired) {
    const finding = expiredFinding(entry, exemptions.source, run, thresholds);
    // Two entries alike are one finding: the key says which entry, not which line.
    if (expiredKeys.has(finding.key)) continue;
    expiredKeys.add(finding.key);
    result.push(finding);
  }
  return {
    findings: result.sort(compareFindings),
    outcome: {
      source: exemptions.source,
      entries: exemptions.entries.length,
      mutedFindings,
      expired,
      unused: inForce.filter((matcher) => !used.has(matcher)).map((matcher) => matcher.entry),
    },
  };
}

/** The findings someone has to act on: not muted. Counts, `--fail-on` and the notification use these. */
export function openFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.muted === undefined);
}
