// Who can do what in one account: every user, group and role with the policies that give them
// their permissions, in one paged call set (`GetAccountAuthorizationDetails`, every filter), and
// the account's password policy. Policy documents come URL-encoded; they are kept as JSON text.

import {
  GetAccountPasswordPolicyCommand,
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type IAMClient,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { describeError, isNoSuchEntity } from '../aws/aws-error';
import { collectionProblem } from './collection-errors';
import { defineAccountCollector } from './account-collector';
import type {
  CoverageReason,
  AccountInventory,
  AttachedPolicyRecord,
  InlinePolicyRecord,
  ManagedPolicyRecord,
  PasswordPolicyRecord,
  RoleRecord,
} from '../model';

/** Every IAM action this collector calls, through the audit role. */
export const INVENTORY_ACTIONS = ['iam:GetAccountAuthorizationDetails', 'iam:GetAccountPasswordPolicy'] as const;

const ALL_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

export interface InventoryCollection {
  inventory: AccountInventory;
  /** Problems that make the account partial (the password policy could not be read). */
  errors: CoverageReason[];
}

/** A policy document as IAM returns it (RFC 3986 encoded JSON), as JSON text. */
export function decodePolicyDocument(document: string | undefined): string {
  if (document === undefined || document === '') return '{}';
  try {
    return decodeURIComponent(document);
  } catch {
    // Already plain JSON (some endpoints do not encode it).
    return document;
  }
}

function iso(date: Date | undefined): string | null {
  return date ? new Date(date).toISOString() : null;
}

function attached(policies: AttachedPolicy[] | undefined): AttachedPolicyRecord[] {
  return (policies ?? []).filter((policy) => policy.PolicyArn).map((policy) => ({ name: policy.PolicyName ?? '', arn: policy.PolicyArn ?? '' }));
}

function inline(policies: PolicyDetail[] | undefined): InlinePolicyRecord[] {
  return (policies ?? []).map((policy) => ({ name: policy.PolicyName ?? '', document: decodePolicyDocument(policy.PolicyDocument) }));
}

function managedPolicy(policy: ManagedPolicyDetail): ManagedPolicyRecord {
  const version = (policy.PolicyVersionList ?? []).find((entry) => entry.IsDefaultVersion) ?? null;
  return {
    name: policy.PolicyName ?? '',
    arn: policy.Arn ?? '',
    attachmentCount: policy.AttachmentCount ?? 0,
    document: version ? decodePolicyDocument(version.Document) : null,
  };
}

function role(detail: RoleDetail): RoleRecord {
  return {
    roleName: detail.RoleName ?? '',
    arn: detail.Arn ?? '',
    path: detail.Path ?? '/',
    createdDate: iso(detail.CreateDate) ?? '',
    trustPolicy: decodePolicyDocument(detail.AssumeRolePolicyDocument),
    lastUsed: iso(detail.RoleLastUsed?.LastUsedDate),
    attachedPolicies: attached(detail.AttachedManagedPolicies),
    inlinePolicies: inline(detail.RolePolicyList),
    permissionsBoundary: detail.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
  };
}

export async function readAuthorizationDetails(iam: IAMClient): Promise<Omit<AccountInventory, 'passwordPolicy'>> {
  const inventory: Omit<AccountInventory, 'passwordPolicy'> = { users: [], groups: [], roles: [], policies: [] };
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, { Filter: [...ALL_FILTERS] })) {
    for (const user of page.UserDetailList ?? []) {
      inventory.users.push({
        userName: user.UserName ?? '',
        arn: user.Arn ?? '',
        groups: [...(user.GroupList ?? [])],
        attachedPolicies: attached(user.AttachedManagedPolicies),
        inlinePolicies: inline(user.UserPolicyList),
        permissionsBoundary: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
      });
    }
    for (const group of page.GroupDetailList ?? []) {
      inventory.groups.push({
        groupName: group.GroupName ?? '',
        arn: group.Arn ?? '',
        attachedPolicies: attached(group.AttachedManagedPolicies),
        inlinePolicies: inline(group.GroupPolicyList),
      });
    }
    for (const detail of page.RoleDetailList ?? []) inventory.roles.push(role(detail));
    for (const policy of page.Policies ?? []) inventory.policies.push(managedPolicy(policy));
  }
  return inventory;
}

/** `none` when the account has no password policy (IAM answers NoSuchEntity). */
export async function readPasswordPolicy(iam: IAMClient): Promise<PasswordPolicyRecord | 'none'> {
  try {
    const { PasswordPolicy: policy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    return {
      minimumLength: policy?.MinimumPasswordLength ?? null,
      reusePrevention: policy?.PasswordReusePrevention ?? null,
      maxAgeDays: policy?.MaxPasswordAge ?? null,
      requireSymbols: policy?.RequireSymbols ?? false,
      requireNumbers: policy?.RequireNumbers ?? false,
      requireUppercase: policy?.RequireUppercaseCharacters ?? false,
      requireLowercase: policy?.RequireLowercaseCharacters ?? false,
    };
  } catch (error) {
    if (isNoSuchEntity(error)) return 'none';
    throw error;
  }
}

/**
 * The account's inventory. Throws when the authorization details cannot be read (the account is
 * then partial, with the reason); a password policy that cannot be read is `unknown`, and said.
 */
export async function collectInventory(iam: IAMClient): Promise<InventoryCollection> {
  const [details, passwordPolicy] = await Promise.allSettled([readAuthorizationDetails(iam), readPasswordPolicy(iam)]);
  if (details.status === 'rejected') throw details.reason;
  const errors: CoverageReason[] = [];
  if (passwordPolicy.status === 'rejected') {
    errors.push(collectionProblem(`GetAccountPasswordPolicy failed (${describeError(passwordPolicy.reason)}): password policy unknown`, passwordPolicy.reason));
  }
  return { inventory: { ...details.value, passwordPolicy: passwordPolicy.status === 'fulfilled' ? passwordPolicy.value : 'unknown' }, errors };
}

/** The registry's entry (registry.ts): fills `inventory`, null when the authorization details could not be read. */
export const inventoryCollector = defineAccountCollector({
  name: 'inventory',
  collects: 'every user, group and role with their policies, permissions boundaries and trust, the managed policies, and the password policy',
  actions: { auditRole: INVENTORY_ACTIONS, management: [] },
  async collect({ clients }) {
    const collection = await collectInventory(clients.iam());
    return { value: collection.inventory, errors: collection.errors };
  },
  fill: (inventory: AccountInventory) => ({ inventory }),
  unavailable: { inventory: null },
  failedStep: 'GetAccountAuthorizationDetails failed (privileges, roles and policies unknown)',
});
