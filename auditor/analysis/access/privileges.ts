// The privilege facts every rule, report and score asks: one place, so they agree.
import type { AccountAudit, PrincipalPrivilege, PrivilegeLevel } from '../../model';

/** Worst first. */
export const PRIVILEGE_LEVELS: readonly PrivilegeLevel[] = ['admin', 'can-escalate', 'write', 'read-only', 'none'];

/** Admin, or can make itself one: what the privileged rules and the risk score weigh. */
export function isPrivileged(level: PrivilegeLevel): boolean {
  return level === 'admin' || level === 'can-escalate';
}

export function principalPrivilege(account: Pick<AccountAudit, 'access'>, principalType: PrincipalPrivilege['principalType'], name: string): PrincipalPrivilege | undefined {
  return account.access?.principals.find((principal) => principal.principalType === principalType && principal.name === name);
}

/** `admin (every action on every resource (*:*); granted by AdministratorAccess (group admins))`. */
export function describePrivilege(principal: Pick<PrincipalPrivilege, 'privilege' | 'reason' | 'grantedBy'>): string {
  const granted = principal.grantedBy.length === 0 ? '' : `; granted by ${principal.grantedBy.join(', ')}`;
  return `${principal.privilege} (${principal.reason}${granted})`;
}

/** `AdministratorAccess (group admins): every action on every resource (*:*)`, and the policies left out. */
export function describePrivilegeGrant(principal: Pick<PrincipalPrivilege, 'reason' | 'grantedBy' | 'unreadPolicies'>): string {
  const granted = principal.grantedBy.length === 0 ? principal.reason : `${principal.grantedBy.join(', ')}: ${principal.reason}`;
  return principal.unreadPolicies.length === 0 ? granted : `${granted}; not evaluated: ${principal.unreadPolicies.join('; ')}`;
}
