// Every IAM user and the root credentials of one account, in as few calls as complete data allows:
// the credential report lists every user (with or without keys) and their password and key usage;
// per-user calls are made only for what it lacks: key ids and status for users that have keys, and
// the device type for MFA that is not a virtual device.

import type { IAMClient } from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { strongestMfaType } from './mfa-type';
import type { AccessKeyRecord, CoverageReason, IamUserRecord, MfaDeviceRecord, MfaType, RootRecord } from '../model';
import { systemClock } from '../aws/rate-limit';
import {
  ACCESS_KEY_ACTIONS,
  listAccessKeys,
  lookupAccessKeyLastUse,
  matchKeysToReport,
  type ListedAccessKey,
} from './access-keys';
import { causedByAbort, describeError, isNoSuchEntity } from '../aws/aws-error';
import { CollectionErrors } from './collection-errors';
import {
  CREDENTIAL_REPORT_ACTIONS,
  fetchCredentialReport,
  type CredentialReport,
  type CredentialReportRow,
} from './credential-report';
import {
  listAssignedVirtualMfaDevices,
  listUserMfaDevices,
  MFA_DEVICE_ACTIONS,
  type AssignedVirtualMfaDevices,
} from './mfa-devices';
import { collectUserOneByOne, hasLoginProfile, listUsers, PER_USER_ACTIONS, UserGoneError, type ListedUser } from './per-user-iam';
import { buildRootRecord, getAccountSummaryFacts, ROOT_ACTIONS, type AccountSummaryFacts } from './root';
import { defineAccountCollector } from './account-collector';

/** Every IAM action this collector may call, through the audit role. */
export const USERS_AND_ROOT_ACTIONS = [
  ...CREDENTIAL_REPORT_ACTIONS,
  ...ACCESS_KEY_ACTIONS,
  ...MFA_DEVICE_ACTIONS,
  ...ROOT_ACTIONS,
  ...PER_USER_ACTIONS,
] as const;

export interface UsersAndRootCollection {
  users: IamUserRecord[];
  root: RootRecord | null;
  source: 'credential-report' | 'per-user';
  /** Problems that make the account partial (e.g. ListMFADevices denied for a user). */
  errors: CoverageReason[];
}

export interface CollectUsersAndRootOptions {
  /** The audit's reference time: a credential report older than a few minutes before it is stale. */
  now: Date;
  /** Waits while the credential report is generated; injected so tests do not wait. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Calls to the credential report API before giving up on it (default 20). */
  credentialReportMaxAttempts?: number;
  /** Users read at the same time within the account (default 4). */
  userConcurrency?: number;
}

/**
 * AWS serves a report up to four hours old. One generated more than this before the audit started
 * may miss users and keys created since, so the user list and every user's keys are then re-read.
 */
const STALE_REPORT_AFTER_MS = 5 * 60 * 1000;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export async function collectUsersAndRoot(
  iam: IAMClient,
  options: CollectUsersAndRootOptions,
): Promise<UsersAndRootCollection> {
  const errors = new CollectionErrors();
  const limit = pLimit(options.userConcurrency ?? 4);
  const [report, virtualDevices, summary] = await Promise.all([
    settle(
      fetchCredentialReport(iam, {
        sleep: options.sleep ?? systemClock.sleep,
        maxAttempts: options.credentialReportMaxAttempts,
      }),
    ),
    settle(listAssignedVirtualMfaDevices(iam)),
    settle(getAccountSummaryFacts(iam)),
  ]);

  const virtual = virtualDevices.ok ? virtualDevices.value : null;
  if (!virtualDevices.ok) {
    errors.add(`ListVirtualMFADevices failed (${describeError(virtualDevices.error)}): MFA devices read per user instead`, virtualDevices.error);
  }
  const summaryFacts: AccountSummaryFacts | null = summary.ok ? summary.value : null;
  if (!summary.ok) {
    errors.add(
      `GetAccountSummary failed (${describeError(summary.error)}): root MFA and root keys from the credential report only`,
      summary.error,
    );
  }

  let users: IamUserRecord[];
  let source: UsersAndRootCollection['source'];
  let rootRow: CredentialReportRow | null = null;
  if (report.ok) {
    source = 'credential-report';
    rootRow = report.value.rows.find((row) => row.isRoot) ?? null;
    users = await usersFromReport(iam, report.value, virtual, { now: options.now, limit, errors });
  } else {
    source = 'per-user';
    let listed: ListedUser[] = [];
    try {
      listed = await listUsers(iam);
      errors.add(
        `the IAM credential report could not be had (${describeError(report.error)}): users were read one by one; ` +
          "the root user's password last use and users' password change dates are unknown",
        report.error,
      );
    } catch (listError) {
      const reasons = `credential report: ${describeError(report.error)}; ListUsers: ${describeError(listError)}`;
      if (!summary.ok && !virtualDevices.ok) throw new Error(`no IAM data could be read (${reasons})`, { cause: causedByAbort(report.error) ? report.error : listError });
      errors.add(`IAM users could not be listed (${reasons}): users are missing`, report.error, listError);
    }
    users = await collectUsersOneByOne(iam, listed, limit, errors);
  }

  const root = buildRootRecord({ reportRow: rootRow, summary: summaryFacts, rootVirtualDevices: virtual?.root ?? null });
  return { users: sortByUserName(users), root, source, errors: errors.list() };
}

function sortByUserName(users: IamUserRecord[]): IamUserRecord[] {
  return [...users].sort((a, b) => (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
}

async function collectUsersOneByOne(
  iam: IAMClient,
  listed: readonly ListedUser[],
  limit: pLimit.Limit,
  errors: CollectionErrors,
): Promise<IamUserRecord[]> {
  const users = await Promise.all(
    listed.map((user) =>
      limit(async () => {
        try {
          return await collectUserOneByOne(iam, user, errors);
        } catch (error) {
          if (error instanceof UserGoneError) return null;
          throw error;
        }
      }),
    ),
  );
  return users.filter((user): user is IamUserRecord => user !== null);
}

interface ReportContext {
  now: Date;
  limit: pLimit.Limit;
  errors: CollectionErrors;
}

async function usersFromReport(
  iam: IAMClient,
  report: CredentialReport,
  virtual: AssignedVirtualMfaDevices | null,
  context: ReportContext,
): Promise<IamUserRecord[]> {
  const { errors, limit } = context;
  const rows = report.rows.filter((row) => !row.isRoot);
  const generatedAt = report.generatedTime ? Date.parse(report.generatedTime) : Number.NaN;
  const stale = !Number.isNaN(generatedAt) && context.now.getTime() - generatedAt > STALE_REPORT_AFTER_MS;

  let current: Map<string, ListedUser> | null = null;
  if (stale) {
    try {
      current = new Map((await listUsers(iam)).map((user) => [user.userName, user]));
    } catch (error) {
      errors.add(
        `the credential report is from ${report.generatedTime} and ListUsers failed (${describeError(error)}): ` +
          'users created since then are missing',
        error,
      );
    }
  }

  const fromReport = rows
    .filter((row) => current === null || current.has(row.user))
    .map((row) =>
      limit(() => userFromReportRow(iam, row, virtual, { recheckKeys: stale, listed: current?.get(row.user) ?? null, errors })),
    );
  const reportUserNames = new Set(rows.map((row) => row.user));
  const newUsers = current === null ? [] : [...current.values()].filter((user) => !reportUserNames.has(user.userName));
  const [users, addedUsers] = await Promise.all([Promise.all(fromReport), collectUsersOneByOne(iam, newUsers, limit, errors)]);
  return [...users.filter((user): user is IamUserRecord => user !== null), ...addedUsers];
}

async function userFromReportRow(
  iam: IAMClient,
  row: CredentialReportRow,
  virtual: AssignedVirtualMfaDevices | null,
  options: { recheckKeys: boolean; listed: ListedUser | null; errors: CollectionErrors },
): Promise<IamUserRecord | null> {
  const { errors } = options;
  let facts: [AccessKeyRecord[], { devices: MfaDeviceRecord[]; type: MfaType }, boolean];
  try {
    // Independent reads, made together.
    facts = await Promise.all([
      row.accessKeys.length > 0 || options.recheckKeys ? reportUserKeys(iam, row, errors) : [],
      reportUserMfa(iam, row, virtual, errors),
      row.passwordEnabled ?? hasLoginProfile(iam, row.user, errors),
    ]);
  } catch (error) {
    // Deleted after the report was generated: the user no longer has access to anything.
    if (error instanceof UserGoneError) return null;
    throw error;
  }
  const [accessKeys, mfa, passwordEnabled] = facts;
  return {
    userName: row.user,
    arn: row.arn || options.listed?.arn || '',
    createdDate: row.userCreationTime ?? options.listed?.createdDate ?? '',
    passwordEnabled,
    // ListUsers is current, the report up to four hours old; take the later of the two.
    passwordLastUsed: laterDate(row.passwordLastUsed, options.listed?.passwordLastUsed ?? null),
    passwordLastChanged: row.passwordLastChanged,
    mfaActive: mfa.type === 'Unknown' ? row.mfaActive === true : mfa.devices.length > 0,
    mfaType: mfa.type,
    mfaDevices: mfa.devices,
    accessKeys,
  };
}

async function reportUserKeys(iam: IAMClient, row: CredentialReportRow, errors: CollectionErrors): Promise<AccessKeyRecord[]> {
  let keys: ListedAccessKey[];
  try {
    keys = await listAccessKeys(iam, row.user);
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(row.user);
    errors.addFor('ListAccessKeys', 'user', row.user, error, 'keys listed from the credential report, without ids');
    return row.accessKeys.map((column) => ({
      accessKeyId: '',
      status: column.active ? 'Active' : 'Inactive',
      createdDate: column.lastRotated ?? '',
      lastUsedDate: column.lastUsedDate,
      lastUsedService: column.lastUsedService,
      lastUsedRegion: column.lastUsedRegion,
    }));
  }
  return keysWithLastUse(iam, row, keys, errors);
}

async function reportUserMfa(
  iam: IAMClient,
  row: CredentialReportRow,
  virtual: AssignedVirtualMfaDevices | null,
  errors: CollectionErrors,
): Promise<{ devices: MfaDeviceRecord[]; type: MfaType }> {
  const virtualDevices = virtual?.byUserName.get(row.user) ?? [];
  // MFA off according to the report, or a virtual device known: nothing more to ask.
  if (row.mfaActive === false || virtualDevices.length > 0) {
    return { devices: virtualDevices, type: strongestMfaType(virtualDevices) };
  }
  // A hardware token or a security key (or the report does not say): only the user's list tells.
  try {
    const devices = await listUserMfaDevices(iam, row.user);
    return { devices, type: strongestMfaType(devices) };
  } catch (error) {
    if (isNoSuchEntity(error)) throw new UserGoneError(row.user);
    errors.addFor('ListMFADevices', 'user', row.user, error, 'MFA type unknown');
    return { devices: [], type: 'Unknown' };
  }
}

async function keysWithLastUse(
  iam: IAMClient,
  row: CredentialReportRow,
  keys: ListedAccessKey[],
  errors: CollectionErrors,
): Promise<AccessKeyRecord[]> {
  const { matched } = matchKeysToReport(keys, row.accessKeys);
  return Promise.all(
    keys.map(async (key) => {
      const fromReport = matched.get(key.accessKeyId);
      if (fromReport) return { ...key, ...fromReport };
      try {
        return { ...key, ...(await lookupAccessKeyLastUse(iam, key.accessKeyId)) };
      } catch (error) {
        errors.addFor('GetAccessKeyLastUsed', 'key', key.accessKeyId, error, 'last use unknown');
        return { ...key, lastUsedDate: null, lastUsedService: null, lastUsedRegion: null };
      }
    }),
  );
}

function laterDate(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return Date.parse(second) > Date.parse(first) ? second : first;
}

/** The registry's entry (registry.ts): users and root fill `users`, `root` and the coverage's `userSource`. */
export const usersAndRootCollector = defineAccountCollector({
  name: 'users and root',
  collects: "every IAM user (console access, access keys and their last use, MFA devices and type) and the root user's credentials",
  actions: { auditRole: USERS_AND_ROOT_ACTIONS, management: [] },
  async collect({ clients, now }) {
    const collection = await collectUsersAndRoot(clients.iam(), { now });
    return { value: collection, errors: collection.errors };
  },
  fill: (collection: UsersAndRootCollection) => ({ users: collection.users, root: collection.root, userSource: collection.source }),
  unavailable: { users: [], root: null, userSource: 'none' },
  failedStep: 'IAM collection failed',
});
