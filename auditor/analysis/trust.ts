// Who outside the organization a role's trust policy lets assume it: AWS principals (`*`, an
// account, or a user or role of an account) of the statements that allow `sts:AssumeRole`,
// whose account is not one Organizations listed. Service and federated principals are not
// accounts and are left out. Pure: from the inventory's trust policy text.
import type { RoleRecord } from '../model';

/** Condition keys that limit who may use a `*` principal to known callers. */
const NARROWING_KEYS = ['aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount', 'aws:principalarn', 'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid'];
const EXTERNAL_ID = 'sts:externalid';

export interface OutsideTrust {
  /** `*`, or the principal as written (an account id or an ARN). */
  principal: string;
  /** The account it belongs to; null for `*`. */
  accountId: string | null;
  /** The statement's condition keys, as written (`sts:ExternalId`, `aws:PrincipalOrgID`...). */
  conditionKeys: string[];
  requiresExternalId: boolean;
  /** A `*` principal limited by a condition naming who may call (organization, account, ARN, source). */
  narrowed: boolean;
}

export interface Statement {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function allowsAssumeRole(statement: Statement): boolean {
  return list(statement.Action).some((action) => typeof action === 'string' && /^(sts:AssumeRole|sts:\*|\*)$/i.test(action));
}

function awsPrincipals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (typeof principal !== 'object' || principal === null) return [];
  return list((principal as Record<string, unknown>).AWS).filter((entry): entry is string => typeof entry === 'string');
}

function conditionKeys(condition: unknown): string[] {
  if (typeof condition !== 'object' || condition === null) return [];
  const keys = new Set<string>();
  for (const operands of Object.values(condition as Record<string, unknown>)) {
    if (typeof operands === 'object' && operands !== null) for (const key of Object.keys(operands)) keys.add(key);
  }
  return [...keys].sort();
}

/** The account of an AWS principal: `123456789012`, `arn:aws:iam::123456789012:root|role/x|user/y`. */
export function principalAccount(principal: string): string | null {
  if (/^\d{12}$/.test(principal)) return principal;
  const match = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal);
  return match ? match[1] : null;
}

export function parseStatements(document: string): Statement[] {
  try {
    const parsed: unknown = JSON.parse(document);
    if (typeof parsed !== 'object' || parsed === null) return [];
    return list((parsed as { Statement?: unknown }).Statement).filter((entry): entry is Statement => typeof entry === 'object' && entry !== null);
  } catch {
    return [];
  }
}

const ORGANIZATION_ID_KEY = 'aws:principalorgid';

/**
 * The statement admits only principals of `organizationId`: a `StringEquals` (or `StringLike`
 * without wildcards) on `aws:PrincipalOrgID` whose every value is this organization's id.
 */
export function limitedToOrganization(statement: Statement, organizationId: string | null): boolean {
  if (organizationId === null || typeof statement.Condition !== 'object' || statement.Condition === null) return false;
  for (const [operator, operands] of Object.entries(statement.Condition as Record<string, unknown>)) {
    if (!/^(ForAnyValue:|ForAllValues:)?String(Equals|Like)$/i.test(operator) || typeof operands !== 'object' || operands === null) continue;
    for (const [key, value] of Object.entries(operands as Record<string, unknown>)) {
      if (key.toLowerCase() !== ORGANIZATION_ID_KEY) continue;
      const values = list(value);
      if (values.length > 0 && values.every((entry) => entry === organizationId)) return true;
    }
  }
  return false;
}

/**
 * The principals outside `organizationAccountIds` that the role's trust policy admits. A
 * statement limited to this organization by `aws:PrincipalOrgID` (`organizationId`) admits
 * nobody outside it, whatever its principal.
 */
export function outsideTrusts(role: Pick<RoleRecord, 'trustPolicy'>, organizationAccountIds: ReadonlySet<string>, organizationId: string | null = null): OutsideTrust[] {
  const trusts: OutsideTrust[] = [];
  for (const statement of parseStatements(role.trustPolicy)) {
    if (statement.Effect !== 'Allow' || !allowsAssumeRole(statement)) continue;
    if (limitedToOrganization(statement, organizationId)) continue;
    const keys = conditionKeys(statement.Condition);
    const lowered = keys.map((key) => key.toLowerCase());
    for (const principal of awsPrincipals(statement.Principal)) {
      const accountId = principal === '*' ? null : principalAccount(principal);
      if (accountId !== null && organizationAccountIds.has(accountId)) continue;
      trusts.push({
        principal,
        accountId,
        conditionKeys: keys,
        requiresExternalId: lowered.includes(EXTERNAL_ID),
        narrowed: lowered.some((key) => NARROWING_KEYS.includes(key)),
      });
    }
  }
  return trusts;
}

/** `arn:aws:iam::999999999999:root (sts:ExternalId)`, `*`: for reports and evidence. */
export function describeTrust(trust: OutsideTrust): string {
  return trust.conditionKeys.length === 0 ? trust.principal : `${trust.principal} (${trust.conditionKeys.join(', ')})`;
}
