// The dashboard's access panel: who can do what, from the privilege assessment of the run (the
// same records access_<ts>.csv is written from): principals by privilege per account, the
// privileged users with long-term credentials, the roles trusted from outside the organization
// and the admin roles other accounts of the organization can reach.
import { isPrivileged, PRIVILEGE_LEVELS } from '../../analysis/access/privileges';
import { hasMfa, isActiveKey, isConsoleUser } from '../../analysis/facts';
import { describeTrust, outsideTrusts } from '../../analysis/trust';
import type { AuditRun, IamUserRecord, PrivilegeLevel } from '../../model';
import { describePath } from '../access-report';

/** The rows the outside-trust and admin-path tables hold at most; every one is in access_<ts>.csv. */
export const DASHBOARD_ACCESS_ROWS_LIMIT = 200;

export interface AccessAccountRow {
  accountId: string;
  accountName: string;
  /** Users and roles of the account by privilege level. */
  levels: Record<PrivilegeLevel, number>;
  /** Admin or can-escalate users with an active access key. */
  privilegedUsersWithKeys: number;
  /** Admin or can-escalate console users without MFA. */
  privilegedConsoleUsersWithoutMfa: number;
  /** Roles that principals outside the organization may assume. */
  rolesTrustedFromOutside: number;
  /** Principals of other accounts of the organization that can become admin in this one. */
  adminPathsIn: number;
}

export interface OutsideTrustRow {
  accountId: string;
  accountName: string;
  roleName: string;
  privilege: PrivilegeLevel | 'unknown';
  /** The principals outside the organization, with their conditions (`999999999999 (sts:ExternalId)`). */
  trustedBy: string;
}

/** An admin role and the principals of other accounts that reach it, as the cross-account-admin-path finding names them. */
export interface AdminRoleRow {
  /** The account of the role. */
  accountId: string;
  accountName: string;
  roleArn: string;
  /** Each principal's ARN, and the roles it goes through first when it does not assume this one directly. */
  reachedBy: string[];
}

export interface DashboardAccess {
  /** Accounts whose users and roles were assessed (those with an inventory). */
  accountsAssessed: number;
  /** Every assessed user and role of the run by privilege level. */
  byLevel: Record<PrivilegeLevel, { users: number; roles: number }>;
  /** One row per assessed account, the most privileged principals with long-term credentials first. */
  accounts: AccessAccountRow[];
  /** The most privileged first, at most DASHBOARD_ACCESS_ROWS_LIMIT. */
  outsideTrusts: OutsideTrustRow[];
  outsideTrustsTotal: number;
  /** One row per admin role reachable from other accounts, at most DASHBOARD_ACCESS_ROWS_LIMIT. */
  adminRoles: AdminRoleRow[];
  adminRolesTotal: number;
}

function noLevels<T>(make: () => T): Record<PrivilegeLevel, T> {
  return Object.fromEntries(PRIVILEGE_LEVELS.map((level) => [level, make()])) as Record<PrivilegeLevel, T>;
}

const rank = (privilege: PrivilegeLevel | 'unknown') => (privilege === 'unknown' ? PRIVILEGE_LEVELS.length : PRIVILEGE_LEVELS.indexOf(privilege));

export function buildDashboardAccess(run: AuditRun): DashboardAccess {
  const organizationAccountIds = new Set(run.accounts.map((account) => account.account.id));
  const accountNames = new Map(run.accounts.map((account) => [account.account.id, account.account.name]));
  const byLevel = noLevels(() => ({ users: 0, roles: 0 }));
  const adminPathsInto = new Map<string, number>();
  const byRole = new Map<string, AdminRoleRow>();
  for (const path of run.accessPaths ?? []) {
    if (path.privilege !== 'admin') continue;
    adminPathsInto.set(path.toAccountId, (adminPathsInto.get(path.toAccountId) ?? 0) + 1);
    const roleArn = path.roles[path.roles.length - 1];
    const row = byRole.get(roleArn) ?? { accountId: path.toAccountId, accountName: accountNames.get(path.toAccountId) ?? '', roleArn, reachedBy: [] };
    row.reachedBy.push(path.roles.length === 1 ? path.fromArn : `${path.fromArn} (${describePath({ roles: path.roles.slice(0, -1) })} first)`);
    byRole.set(roleArn, row);
  }
  const adminRoles = [...byRole.values()];
  for (const row of adminRoles) row.reachedBy.sort();
  const accounts: AccessAccountRow[] = [];
  const trusts: OutsideTrustRow[] = [];
  for (const audit of run.accounts) {
    if (audit.access === undefined) continue;
    const users = new Map<string, IamUserRecord>(audit.users.map((user) => [user.userName, user]));
    const privilegeOfRole = new Map<string, PrivilegeLevel>();
    const row: AccessAccountRow = {
      accountId: audit.account.id,
      accountName: audit.account.name,
      levels: noLevels(() => 0),
      privilegedUsersWithKeys: 0,
      privilegedConsoleUsersWithoutMfa: 0,
      rolesTrustedFromOutside: 0,
      adminPathsIn: adminPathsInto.get(audit.account.id) ?? 0,
    };
    for (const principal of audit.access.principals) {
      row.levels[principal.privilege] += 1;
      if (principal.principalType === 'role') {
        byLevel[principal.privilege].roles += 1;
        privilegeOfRole.set(principal.name, principal.privilege);
        continue;
      }
      byLevel[principal.privilege].users += 1;
      const user = users.get(principal.name);
      if (user === undefined || !isPrivileged(principal.privilege)) continue;
      if (user.accessKeys.some(isActiveKey)) row.privilegedUsersWithKeys += 1;
      if (isConsoleUser(user) && !hasMfa(user)) row.privilegedConsoleUsersWithoutMfa += 1;
    }
    for (const role of audit.inventory?.roles ?? []) {
      const outside = outsideTrusts(role, organizationAccountIds, run.organizationId ?? null);
      if (outside.length === 0) continue;
      row.rolesTrustedFromOutside += 1;
      trusts.push({ accountId: audit.account.id, accountName: audit.account.name, roleName: role.roleName, privilege: privilegeOfRole.get(role.roleName) ?? 'unknown', trustedBy: outside.map(describeTrust).join('; ') });
    }
    accounts.push(row);
  }
  const privilegedWithCredentials = (row: AccessAccountRow) => row.privilegedUsersWithKeys + row.privilegedConsoleUsersWithoutMfa;
  accounts.sort((a, b) =>
    privilegedWithCredentials(b) - privilegedWithCredentials(a) ||
    b.adminPathsIn + b.rolesTrustedFromOutside - (a.adminPathsIn + a.rolesTrustedFromOutside) ||
    b.levels.admin + b.levels['can-escalate'] - (a.levels.admin + a.levels['can-escalate']) ||
    a.accountName.localeCompare(b.accountName) ||
    a.accountId.localeCompare(b.accountId));
  trusts.sort((a, b) => rank(a.privilege) - rank(b.privilege) || a.accountId.localeCompare(b.accountId) || a.roleName.localeCompare(b.roleName));
  adminRoles.sort((a, b) => b.reachedBy.length - a.reachedBy.length || a.accountId.localeCompare(b.accountId) || a.roleArn.localeCompare(b.roleArn));
  return {
    accountsAssessed: accounts.length,
    byLevel,
    accounts,
    outsideTrusts: trusts.slice(0, DASHBOARD_ACCESS_ROWS_LIMIT),
    outsideTrustsTotal: trusts.length,
    adminRoles: adminRoles.slice(0, DASHBOARD_ACCESS_ROWS_LIMIT),
    adminRolesTotal: adminRoles.length,
  };
}
