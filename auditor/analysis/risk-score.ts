// The risk score of an account: a sort key that puts the accounts to look at first on top, not a
// measurement. Each open finding weighs by its severity, and twice as much when it is about a
// principal that is admin or can make itself one: an old key of an administrator is a way to
// everything in the account, the same key of a reader to what it may read.
import type { AccountAccess, PrincipalPrivilege } from '../model';
import { isPrivileged } from './access/privileges';
import { splitAccessKeyResource, type Finding, type Severity } from './findings';

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 2, low: 1 };

/** How much more a finding about an admin or can-escalate principal weighs. */
export const PRIVILEGED_PRINCIPAL_FACTOR = 2;

/** The user or role a finding is about (a key's user), or null for the root user and the account. */
export function findingPrincipal(finding: Pick<Finding, 'resourceType' | 'resource'>): { principalType: PrincipalPrivilege['principalType']; name: string } | null {
  switch (finding.resourceType) {
    case 'iam-user':
      return { principalType: 'user', name: finding.resource };
    case 'access-key':
      return { principalType: 'user', name: splitAccessKeyResource(finding.resource).userName };
    case 'iam-role':
      return { principalType: 'role', name: finding.resource };
    case 'root':
    case 'account':
      return null;
  }
}

/**
 * The score of one account's open findings. `access` is the account's privilege assessment; without
 * one (an account without an inventory, a report of an older kit) every finding weighs by its
 * severity alone.
 */
export function accountRiskScore(findings: readonly Pick<Finding, 'severity' | 'resourceType' | 'resource'>[], access: AccountAccess | undefined): number {
  const privileged = new Set((access?.principals ?? []).filter((principal) => isPrivileged(principal.privilege)).map((principal) => `${principal.principalType}|${principal.name}`));
  let score = 0;
  for (const finding of findings) {
    const principal = findingPrincipal(finding);
    const factor = principal !== null && privileged.has(`${principal.principalType}|${principal.name}`) ? PRIVILEGED_PRINCIPAL_FACTOR : 1;
    score += SEVERITY_WEIGHTS[finding.severity] * factor;
  }
  return score;
}
