// The organization's IAM Identity Center, read once per run: the instance (in the management
// account, or in the delegated administrator account of `sso.amazonaws.com`, through the audit
// role there), its permission sets with their policies and session duration, the accounts each is
// provisioned to and the assignments there, the identity store's users, groups and memberships,
// and, where CloudTrail's event history shows them, each user's sign-ins (`UserAuthentication`
// events of `signin.amazonaws.com`, recorded in the instance's home region of the account that
// owns it). Every list is paged through distinctPages, every call paced under Identity Center's
// rate, and a failure of one part is said in the record rather than ending the run.
//
// What no API shows: Identity Center's MFA settings (whether MFA is required, which factors are
// allowed) have no read API; only each sign-in's credential types tell whether a second factor was asked.
import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { paginateListGroupMemberships, paginateListGroups, paginateListUsers, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { paginateListDelegatedAdministrators, type OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import pLimit from 'p-limit';
import { causedByAbort, describeError, isAwsError } from '../aws/aws-error';
import { distinctPages } from '../aws/pages';
import { createCallPacer, type CallPacer, type Clock } from '../aws/rate-limit';
import type {
  AccountAssignmentRecord,
  IdentityCenterGroupRecord,
  IdentityCenterRecord,
  IdentityCenterSignInRecord,
  IdentityCenterUserRecord,
  PermissionSetRecord,
} from '../model';
import { LOOKUP_EVENTS_CALLS_PER_SECOND } from './cloudtrail';

/** Read through the audit role of the account that administers Identity Center. */
export const IDENTITY_CENTER_ACTIONS = [
  'sso:ListInstances',
  'sso:ListPermissionSets',
  'sso:DescribePermissionSet',
  'sso:ListManagedPoliciesInPermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:GetInlinePolicyForPermissionSet',
  'sso:GetPermissionsBoundaryForPermissionSet',
  'sso:ListAccountsForProvisionedPermissionSet',
  'sso:ListAccountAssignments',
  'identitystore:ListUsers',
  'identitystore:ListGroups',
  'identitystore:ListGroupMemberships',
] as const;

/** Read with the auditor's own credentials in the management account: where Identity Center is administered from. */
export const IDENTITY_CENTER_MANAGEMENT_ACTIONS = ['organizations:ListDelegatedAdministrators'] as const;

export const IDENTITY_CENTER_SERVICE_PRINCIPAL = 'sso.amazonaws.com';

/** The sign-in event read from CloudTrail: one per completed sign-in, for every identity source. */
export const IDENTITY_CENTER_SIGN_IN_EVENT = { source: 'signin.amazonaws.com', name: 'UserAuthentication' } as const;

/** Credential types of a sign-in that are a second factor (CloudTrail's `additionalEventData.CredentialType`). */
const SECOND_FACTORS = ['TOTP', 'WEBAUTHN', 'SMS', 'EMAIL_OTP', 'RADIUS'];

/**
 * Calls per second to each of sso-admin and identitystore: under the rate Identity Center's
 * administration APIs accept per account, so the adaptive retry is the exception, not the pace.
 */
export const IDENTITY_CENTER_CALLS_PER_SECOND = 20;

/** Permission sets, groups and accounts read at once. */
const PARALLEL_READS = 8;

export interface IdentityCenterClients {
  organizations: OrganizationsClient;
  /** sso-admin, identitystore and (for the sign-ins) CloudTrail in `accountId` and the home region, through its audit role. */
  inAccount(accountId: string): { ssoAdmin: SSOAdminClient; identityStore: IdentitystoreClient; cloudTrail: CloudTrailClient };
}

export interface CollectIdentityCenterOptions {
  /** null when DescribeOrganization could not tell it. */
  managementAccountId: string | null;
  region: string;
  /** null: CloudTrail is off for the run. */
  signInsSince: Date | null;
  now: Date;
  clock?: Clock;
}

function paced<Client extends { send(command: never): Promise<unknown> }>(client: Client, pacer: CallPacer): Client {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const bound = Object.create(client) as Client;
  Object.defineProperty(bound, 'send', {
    value: async (...args: unknown[]) => {
      await pacer.waitForTurn();
      return send(...args);
    },
  });
  return bound;
}

function emptyRecord(fields: Pick<IdentityCenterRecord, 'status' | 'detail' | 'region' | 'accountId' | 'delegatedAdministrator'>): IdentityCenterRecord {
  return { ...fields, instanceArn: null, identityStoreId: null, users: [], groups: [], permissionSets: [], assignments: [], signIns: null, signInsDetail: 'not read: no instance', errors: [] };
}

/** The delegated administrator of Identity Center, or null when the management account administers it. */
export async function identityCenterAdministrator(organizations: OrganizationsClient): Promise<string | null> {
  const accounts: string[] = [];
  for await (const page of distinctPages(paginateListDelegatedAdministrators({ client: organizations }, { ServicePrincipal: IDENTITY_CENTER_SERVICE_PRINCIPAL }), 'ListDelegatedAdministrators', 'NextToken')) {
    for (const account of page.DelegatedAdministrators ?? []) if (account.Id) accounts.push(account.Id);
  }
  return accounts[0] ?? null;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`${what} missing from the answer`);
  return value;
}

async function readPermissionSet(ssoAdmin: SSOAdminClient, instanceArn: string, arn: string): Promise<PermissionSetRecord> {
  const scope = { InstanceArn: instanceArn, PermissionSetArn: arn };
  const describe = ssoAdmin.send(new DescribePermissionSetCommand(scope));
  const managed = (async () => {
    const policies: PermissionSetRecord['awsManagedPolicies'] = [];
    for await (const page of distinctPages(paginateListManagedPoliciesInPermissionSet({ client: ssoAdmin }, scope), 'ListManagedPoliciesInPermissionSet', 'NextToken')) {
      for (const policy of page.AttachedManagedPolicies ?? []) policies.push({ name: policy.Name ?? '', arn: required(policy.Arn, 'ListManagedPoliciesInPermissionSet: Arn') });
    }
    return policies;
  })();
  const customer = (async () => {
    const references: PermissionSetRecord['customerManagedPolicies'] = [];
    for await (const page of distinctPages(paginateListCustomerManagedPolicyReferencesInPermissionSet({ client: ssoAdmin }, scope), 'ListCustomerManagedPolicyReferencesInPermissionSet', 'NextToken')) {
      for (const reference of page.CustomerManagedPolicyReferences ?? []) references.push({ name: required(reference.Name, 'CustomerManagedPolicyReference: Name'), path: reference.Path ?? '/' });
    }
    return references;
  })();
  const inline = ssoAdmin.send(new GetInlinePolicyForPermissionSetCommand(scope));
  const boundary = ssoAdmin.send(new GetPermissionsBoundaryForPermissionSetCommand(scope)).then(
    (answer): PermissionSetRecord['permissionsBoundary'] => {
      const value = answer.PermissionsBoundary;
      if (value?.ManagedPolicyArn) return { awsManagedPolicyArn: value.ManagedPolicyArn };
      if (value?.CustomerManagedPolicyReference?.Name) return { customerManagedPolicy: { name: value.CustomerManagedPolicyReference.Name, path: value.CustomerManagedPolicyReference.Path ?? '/' } };
      return null;
    },
    // A permission set without a boundary is answered ResourceNotFoundException.
    (error: unknown) => {
      if (isAwsError(error, 'ResourceNotFoundException')) return null;
      throw error;
    },
  );
  const accounts = (async () => {
    const ids: string[] = [];
    for await (const page of distinctPages(paginateListAccountsForProvisionedPermissionSet({ client: ssoAdmin }, scope), 'ListAccountsForProvisionedPermissionSet', 'NextToken')) ids.push(...(page.AccountIds ?? []));
    return [...new Set(ids)];
  })();
  const [described, awsManagedPolicies, customerManagedPolicies, inlineAnswer, permissionsBoundary, accountIds] = await Promise.all([describe, managed, customer, inline, boundary, accounts]);
  const inlineText = inlineAnswer.InlinePolicy ?? '';
  return {
    arn,
    name: required(described.PermissionSet?.Name, 'DescribePermissionSet: Name'),
    // Identity Center's default when none is set: one hour.
    sessionDuration: described.PermissionSet?.SessionDuration ?? 'PT1H',
    awsManagedPolicies,
    customerManagedPolicies,
    inlinePolicy: inlineText.trim() === '' ? null : inlineText,
    permissionsBoundary,
    accountIds,
  };
}

async function readAssignments(ssoAdmin: SSOAdminClient, instanceArn: string, permissionSetArn: string, accountId: string): Promise<AccountAssignmentRecord[]> {
  const assignments: AccountAssignmentRecord[] = [];
  for await (const page of distinctPages(paginateListAccountAssignments({ client: ssoAdmin }, { InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn }), 'ListAccountAssignments', 'NextToken')) {
    for (const assignment of page.AccountAssignments ?? []) {
      const principalType = assignment.PrincipalType;
      if (principalType !== 'USER' && principalType !== 'GROUP') throw new Error(`ListAccountAssignments: principal type ${String(principalType)} is neither USER nor GROUP`);
      assignments.push({ accountId, permissionSetArn, principalType, principalId: required(assignment.PrincipalId, 'ListAccountAssignments: PrincipalId') });
    }
  }
  return assignments;
}

async function readUsers(identityStore: IdentitystoreClient, identityStoreId: string): Promise<IdentityCenterUserRecord[]> {
  const users: IdentityCenterUserRecord[] = [];
  for await (const page of distinctPages(paginateListUsers({ client: identityStore }, { IdentityStoreId: identityStoreId }), 'ListUsers (identitystore)', 'NextToken')) {
    for (const user of page.Users ?? []) users.push({ userId: required(user.UserId, 'ListUsers: UserId'), userName: user.UserName ?? '', displayName: user.DisplayName ?? null });
  }
  return users;
}

async function readGroups(identityStore: IdentitystoreClient, identityStoreId: string, errors: string[]): Promise<IdentityCenterGroupRecord[]> {
  const groups: IdentityCenterGroupRecord[] = [];
  for await (const page of distinctPages(paginateListGroups({ client: identityStore }, { IdentityStoreId: identityStoreId }), 'ListGroups', 'NextToken')) {
    for (const group of page.Groups ?? []) groups.push({ groupId: required(group.GroupId, 'ListGroups: GroupId'), displayName: group.DisplayName ?? '', memberIds: [] });
  }
  const limit = pLimit(PARALLEL_READS);
  await Promise.all(
    groups.map((group) =>
      limit(async () => {
        try {
          for await (const page of distinctPages(paginateListGroupMemberships({ client: identityStore }, { IdentityStoreId: identityStoreId, GroupId: group.groupId }), 'ListGroupMemberships', 'NextToken')) {
            for (const membership of page.GroupMemberships ?? []) {
              const member = membership.MemberId;
              if (member !== undefined && 'UserId' in member && typeof member.UserId === 'string') group.memberIds.push(member.UserId);
            }
          }
        } catch (error) {
          if (causedByAbort(error)) throw error;
          errors.push(`ListGroupMemberships failed for group ${group.displayName} (${describeError(error)}): its members are not counted`);
        }
      }),
    ),
  );
  return groups;
}

type EventDetail = Record<string, unknown>;

function field(detail: EventDetail | null, ...path: string[]): unknown {
  let value: unknown = detail;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Whether a sign-in asked a second factor, from its credential types; unknown for an external identity provider (it decides). */
export function signInMfa(credentialType: unknown): IdentityCenterSignInRecord['mfa'] {
  if (typeof credentialType !== 'string' || credentialType.trim() === '') return 'unknown';
  const types = credentialType.split(',').map((type) => type.trim().toUpperCase());
  if (types.some((type) => SECOND_FACTORS.includes(type))) return 'yes';
  if (types.includes('EXTERNAL_IDP')) return 'unknown';
  return 'no';
}

/** Each user's last successful sign-in in the window and whether every sign-in asked a second factor. */
export async function readSignIns(cloudTrail: CloudTrailClient, since: Date, until: Date, users: readonly IdentityCenterUserRecord[], clock?: Clock): Promise<IdentityCenterSignInRecord[]> {
  const pacer = createCallPacer({ maxCalls: LOOKUP_EVENTS_CALLS_PER_SECOND, intervalMs: 1000, clock });
  const byName = new Map(users.map((user) => [user.userName, user.userId]));
  const byUser = new Map<string, IdentityCenterSignInRecord>();
  const seen = new Set<string>();
  let nextToken: string | undefined;
  do {
    await pacer.waitForTurn();
    const page = await cloudTrail.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: IDENTITY_CENTER_SIGN_IN_EVENT.name }], StartTime: since, EndTime: until, MaxResults: 50, NextToken: nextToken }),
    );
    if (page.NextToken !== undefined && seen.has(page.NextToken)) throw new Error('LookupEvents returned a page token it had already returned: the listing would never end');
    if (page.NextToken !== undefined) seen.add(page.NextToken);
    nextToken = page.NextToken || undefined;
    for (const event of page.Events ?? []) {
      let detail: EventDetail | null = null;
      try {
        const parsed: unknown = JSON.parse(event.CloudTrailEvent ?? '');
        detail = typeof parsed === 'object' && parsed !== null ? (parsed as EventDetail) : null;
      } catch {
        detail = null;
      }
      if (field(detail, 'eventSource') !== IDENTITY_CENTER_SIGN_IN_EVENT.source) continue;
      if (field(detail, 'errorCode') !== undefined || field(detail, 'serviceEventDetails', 'UserAuthentication') === 'Failure') continue;
      const onBehalfOf = field(detail, 'userIdentity', 'onBehalfOf', 'userId');
      const userName = field(detail, 'userIdentity', 'userName') ?? event.Username;
      const userId = typeof onBehalfOf === 'string' ? onBehalfOf : typeof userName === 'string' ? byName.get(userName) : undefined;
      const time = event.EventTime === undefined ? null : new Date(event.EventTime).toISOString();
      if (userId === undefined || time === null) continue;
      const mfa = signInMfa(field(detail, 'additionalEventData', 'CredentialType'));
      const known = byUser.get(userId);
      if (known === undefined) {
        byUser.set(userId, { userId, lastSignIn: time, mfa });
        continue;
      }
      if (time > known.lastSignIn) known.lastSignIn = time;
      // One sign-in without a second factor is enough to say no; one that cannot tell makes yes unknown.
      if (known.mfa === 'no' || mfa === 'no') known.mfa = 'no';
      else if (mfa === 'unknown') known.mfa = 'unknown';
    }
  } while (nextToken);
  return [...byUser.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}

/**
 * The organization's Identity Center. Never throws but for the run's abort: what could not be read
 * is the record's `status` and `detail` (nothing found at all) or its `errors` (a part).
 */
export async function collectIdentityCenter(clients: IdentityCenterClients, options: CollectIdentityCenterOptions): Promise<IdentityCenterRecord> {
  const { region } = options;
  let administrator: string | null = null;
  const notes: string[] = [];
  try {
    administrator = await identityCenterAdministrator(clients.organizations);
  } catch (error) {
    if (causedByAbort(error)) throw error;
    notes.push(`ListDelegatedAdministrators failed (${describeError(error)}): looked in the management account only`);
  }
  const accountId = administrator ?? options.managementAccountId;
  const delegatedAdministrator = administrator !== null;
  if (accountId === null) {
    return emptyRecord({ status: 'unknown', detail: ['management account unknown and no delegated administrator listed: Identity Center not read', ...notes].join('; '), region, accountId: null, delegatedAdministrator });
  }
  const where = `${delegatedAdministrator ? 'delegated administrator' : 'management'} account ${accountId}, ${region}`;
  const inAccount = clients.inAccount(accountId);
  const ssoAdmin = paced(inAccount.ssoAdmin, createCallPacer({ maxCalls: IDENTITY_CENTER_CALLS_PER_SECOND, intervalMs: 1000, clock: options.clock }));
  const identityStore = paced(inAccount.identityStore, createCallPacer({ maxCalls: IDENTITY_CENTER_CALLS_PER_SECOND, intervalMs: 1000, clock: options.clock }));

  const instances: { arn: string; identityStoreId: string; ownerAccountId: string | null }[] = [];
  try {
    for await (const page of distinctPages(paginateListInstances({ client: ssoAdmin }, {}), 'ListInstances', 'NextToken')) {
      for (const instance of page.Instances ?? []) {
        instances.push({ arn: required(instance.InstanceArn, 'ListInstances: InstanceArn'), identityStoreId: required(instance.IdentityStoreId, 'ListInstances: IdentityStoreId'), ownerAccountId: instance.OwnerAccountId ?? null });
      }
    }
  } catch (error) {
    if (causedByAbort(error)) throw error;
    return emptyRecord({ status: 'unknown', detail: [`ListInstances failed in the ${where} (${describeError(error)}): whether the organization uses Identity Center is unknown`, ...notes].join('; '), region, accountId, delegatedAdministrator });
  }
  // An organization instance is owned by the management account; account instances of members are not the organization's.
  const instance = instances.find((candidate) => candidate.ownerAccountId === null || candidate.ownerAccountId === options.managementAccountId) ?? instances[0];
  if (instance === undefined) {
    return emptyRecord({ status: 'none', detail: [`no Identity Center instance in the ${where}`, ...notes].join('; '), region, accountId, delegatedAdministrator });
  }

  const errors: string[] = [...notes];
  const record: IdentityCenterRecord = {
    status: 'found',
    detail: `instance ${instance.arn} read in the ${where}`,
    region,
    accountId,
    delegatedAdministrator,
    instanceArn: instance.arn,
    identityStoreId: instance.identityStoreId,
    users: [],
    groups: [],
    permissionSets: [],
    assignments: [],
    signIns: null,
    signInsDetail: '',
    errors,
  };
  const limit = pLimit(PARALLEL_READS);
  const guard = async (step: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (causedByAbort(error)) throw error;
      errors.push(`${step} failed (${describeError(error)})`);
    }
  };
  const permissionSets = guard('ListPermissionSets', async () => {
    const arns: string[] = [];
    for await (const page of distinctPages(paginateListPermissionSets({ client: ssoAdmin }, { InstanceArn: instance.arn }), 'ListPermissionSets', 'NextToken')) arns.push(...(page.PermissionSets ?? []));
    const read = await Promise.all(
      [...new Set(arns)].map((arn) =>
        limit(async () => {
          try {
            return await readPermissionSet(ssoAdmin, instance.arn, arn);
          } catch (error) {
            if (causedByAbort(error)) throw error;
            errors.push(`permission set ${arn} not read (${describeError(error)}): its assignments are not counted`);
            return null;
          }
        }),
      ),
    );
    record.permissionSets = read.filter((entry): entry is PermissionSetRecord => entry !== null);
    const assignments = await Promise.all(
      record.permissionSets.flatMap((permissionSet) =>
        permissionSet.accountIds.map((account) =>
          limit(async () => {
            try {
              return await readAssignments(ssoAdmin, instance.arn, permissionSet.arn, account);
            } catch (error) {
              if (causedByAbort(error)) throw error;
              errors.push(`ListAccountAssignments failed for ${permissionSet.name} in ${account} (${describeError(error)}): those assignments are not counted`);
              return [];
            }
          }),
        ),
      ),
    );
    record.assignments = assignments.flat();
  });
  const users = guard('ListUsers (identitystore)', async () => {
    record.users = await readUsers(identityStore, instance.identityStoreId);
  });
  const groups = guard('ListGroups', async () => {
    record.groups = await readGroups(identityStore, instance.identityStoreId, errors);
  });
  await Promise.all([permissionSets, users, groups]);

  if (options.signInsSince === null) {
    record.signInsDetail = 'not read: CloudTrail is off for this run (--no-cloudtrail)';
  } else {
    const owner = instance.ownerAccountId ?? accountId;
    const trail = owner === accountId ? inAccount.cloudTrail : clients.inAccount(owner).cloudTrail;
    try {
      record.signIns = await readSignIns(trail, options.signInsSince, options.now, record.users, options.clock);
      record.signInsDetail = `UserAuthentication events since ${options.signInsSince.toISOString()} in account ${owner}, ${region}`;
    } catch (error) {
      if (causedByAbort(error)) throw error;
      record.signInsDetail = `not read: LookupEvents failed in account ${owner}, ${region} (${describeError(error)})`;
    }
  }
  return record;
}
