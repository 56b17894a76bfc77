// access_<ts>.csv: who can do what, one row per principal and account: every user and role of an
// assessed account with its privilege and what grants it, and every principal of another account
// that can reach one of its roles (through a chain of roles, the path in granted_by).
import { describePrivilegeGrant } from '../analysis/access/privileges';
import { describeTrust, outsideTrusts } from '../analysis/trust';
import type { AccessPath, AccountAudit, AuditRun, IamUserRecord, PrincipalPrivilege } from '../model';
import type { ColumnKinds } from './column-kinds';
import { defineCsvReport, plainRows } from './csv-report';
import { dateOrNever } from './dates';

export const ACCESS_HEADER = [
  'account_id',
  'account_name',
  'principal_type',
  'principal_name',
  'arn',
  'privilege',
  'granted_by',
  'credentials',
  'mfa',
  'last_used',
  'trusted_from_outside',
] as const;

export const ACCESS_COLUMN_KINDS: ColumnKinds<typeof ACCESS_HEADER> = { account_id: 'id', granted_by: 'prose', credentials: 'prose', last_used: 'date', trusted_from_outside: 'prose' };

/** `password, access key AKIA... (Active)`, or `none`: a user's long-term credentials as the audit saw them. */
export function userCredentialsText(user: IamUserRecord | undefined): string {
  if (user === undefined) return 'unknown';
  const parts = [...(user.passwordEnabled ? ['password'] : []), ...user.accessKeys.map((key) => `access key ${key.accessKeyId} (${key.status})`)];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The latest use of the password or a key; null when never. */
export function userLastUsed(user: IamUserRecord | undefined): string | null {
  if (user === undefined) return null;
  const uses = [user.passwordLastUsed, ...user.accessKeys.map((key) => key.lastUsedDate)].filter((date): date is string => date !== null);
  return uses.length === 0 ? null : uses.reduce((latest, date) => (Date.parse(date) > Date.parse(latest) ? date : latest));
}

/** `assumes arn:...:role/x, then arn:...:role/y`. */
export function describePath(path: Pick<AccessPath, 'roles'>): string {
  return `assumes ${path.roles.join(', then ')}`;
}

function principalRow(run: AuditRun, account: AccountAudit, principal: PrincipalPrivilege, organizationAccountIds: ReadonlySet<string>): string[] {
  const base = [account.account.id, account.account.name, principal.principalType, principal.name, principal.arn, principal.privilege, describePrivilegeGrant(principal)];
  if (principal.principalType === 'user') {
    const user = account.users.find((record) => record.userName === principal.name);
    return [...base, userCredentialsText(user), user?.mfaType ?? 'unknown', dateOrNever(userLastUsed(user)), ''];
  }
  const role = account.inventory?.roles.find((record) => record.roleName === principal.name);
  const trusts = role === undefined ? [] : outsideTrusts(role, organizationAccountIds, run.organizationId ?? null);
  return [...base, 'temporary (role)', '', dateOrNever(role?.lastUsed ?? null), trusts.map(describeTrust).join('; ')];
}

function pathRow(run: AuditRun, account: AccountAudit, path: AccessPath): string[] {
  const from = run.accounts.find((candidate) => candidate.account.id === path.fromAccountId);
  const user = path.fromPrincipalType === 'user' ? from?.users.find((record) => record.userName === path.fromPrincipalName) : undefined;
  const credentials = path.fromPrincipalType === 'user' ? userCredentialsText(user) : 'temporary (role)';
  const lastUsed = path.fromPrincipalType === 'user' ? userLastUsed(user) : (from?.inventory?.roles.find((role) => role.roleName === path.fromPrincipalName)?.lastUsed ?? null);
  return [account.account.id, account.account.name, path.fromPrincipalType, path.fromPrincipalName, path.fromArn, path.privilege, describePath(path), credentials, path.fromPrincipalType === 'user' ? (user?.mfaType ?? 'unknown') : '', dateOrNever(lastUsed), ''];
}

export function* accessRows(run: AuditRun): Generator<string[]> {
  const organizationAccountIds = new Set(run.accounts.map((account) => account.account.id));
  for (const account of run.accounts) {
    for (const principal of account.access?.principals ?? []) yield principalRow(run, account, principal, organizationAccountIds);
    for (const path of run.accessPaths ?? []) if (path.toAccountId === account.account.id) yield pathRow(run, account, path);
  }
}

export const ACCESS_REPORT = defineCsvReport({
  stem: 'access',
  header: ACCESS_HEADER,
  kinds: ACCESS_COLUMN_KINDS,
  sheet: 'Access',
  rows: (run) => plainRows(accessRows(run)),
});
