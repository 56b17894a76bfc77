// What the seed script does, call for call, with the same SDK clients the auditor uses: list the
// accounts, then one account after another: AssumeRole, ListUsers (paged), and for every user in
// turn ListAccessKeys, ListMFADevices, GetLoginProfile and GetAccessKeyLastUsed for each key; then
// CloudTrail LookupEvents for the events the seed extracts (CreateAccessKey, DeleteAccessKey,
// DeleteUser), one lookup each, paged. It is the baseline the auditor is measured against, not
// a second auditor: one row per key, no coverage, errors only counted.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  paginateListUsers,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsClientFactory } from '../auditor/aws/clients';

/** The CloudTrail events the seed script extracts. */
export const SEED_EVENT_NAMES = ['CreateAccessKey', 'DeleteAccessKey', 'DeleteUser'] as const;

export interface SeedFinding {
  accountId: string;
  userName: string;
  passwordStatus: 'Configured' | 'Not configured';
  accessKeyId: string;
  status: string;
  lastUsedDate: string;
  mfaStatus: 'Virtual' | 'Hardware' | 'None';
}

export interface SeedRunOptions {
  roleName: string;
  partition?: string;
  /** Audit only the first n accounts listed (the benchmark's sample); all when absent. */
  accountLimit?: number;
  /** CloudTrail window. */
  startTime: Date;
  endTime: Date;
  /** Called after each account, with the time it took. */
  onAccountDone?(accountId: string, milliseconds: number): void;
}

export interface SeedRunResult {
  findings: SeedFinding[];
  events: number;
  accountsListed: number;
  accountsAudited: number;
  /** Accounts the seed's try/except skipped, with the error. */
  failedAccounts: { accountId: string; error: string }[];
  /** Time spent listing the organization, and auditing the accounts (for extrapolation). */
  listingMs: number;
  accountsMs: number;
}

function isNoSuchEntity(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchEntityException' || error.name === 'NoSuchEntity');
}

async function seedUserFindings(iam: IAMClient, accountId: string, userName: string): Promise<SeedFinding[]> {
  const keys = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
  const mfa = await iam.send(new ListMFADevicesCommand({ UserName: userName }));
  let passwordStatus: SeedFinding['passwordStatus'] = 'Configured';
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
    passwordStatus = 'Not configured';
  }
  const devices = mfa.MFADevices ?? [];
  // The seed's own test, kept as it is (a virtual device's serial is an ARN `...:mfa/<name>`).
  const mfaStatus = devices.some((device) => (device.SerialNumber ?? '').toLowerCase().includes('virtual'))
    ? 'Virtual'
    : devices.length > 0
      ? 'Hardware'
      : 'None';
  const findings: SeedFinding[] = [];
  for (const key of keys.AccessKeyMetadata ?? []) {
    const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
    findings.push({
      accountId,
      userName,
      passwordStatus,
      accessKeyId: key.AccessKeyId ?? '',
      status: key.Status ?? '',
      lastUsedDate: lastUsed.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? 'Never used',
      mfaStatus,
    });
  }
  return findings;
}

export async function runSeedStrategy(clients: AwsClientFactory, options: SeedRunOptions): Promise<SeedRunResult> {
  const listingStarted = Date.now();
  const accountIds: string[] = [];
  for await (const page of paginateListAccounts({ client: clients.organizations() }, {})) {
    for (const account of page.Accounts ?? []) if (account.Id && (account.State ?? account.Status) === 'ACTIVE') accountIds.push(account.Id);
  }
  const listingMs = Date.now() - listingStarted;
  const selected = options.accountLimit === undefined ? accountIds : accountIds.slice(0, options.accountLimit);
  const sts = clients.sts();
  const result: SeedRunResult = { findings: [], events: 0, accountsListed: accountIds.length, accountsAudited: 0, failedAccounts: [], listingMs, accountsMs: 0 };
  const accountsStarted = Date.now();
  for (const accountId of selected) {
    const started = Date.now();
    try {
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:${options.partition ?? 'aws'}:iam::${accountId}:role/${options.roleName}`, RoleSessionName: 'SecurityAudit' }),
      );
      const credentials = assumed.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      const identity = { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
      const iam = clients.iam(async () => identity);
      for await (const page of paginateListUsers({ client: iam }, {})) {
        for (const user of page.Users ?? []) {
          if (user.UserName) result.findings.push(...(await seedUserFindings(iam, accountId, user.UserName)));
        }
      }
      const cloudTrail = clients.cloudTrail(async () => identity, 'us-east-1');
      for (const eventName of SEED_EVENT_NAMES) {
        let nextToken: string | undefined;
        do {
          const page = await cloudTrail.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
              StartTime: options.startTime,
              EndTime: options.endTime,
              NextToken: nextToken,
            }),
          );
          result.events += page.Events?.length ?? 0;
          nextToken = page.NextToken || undefined;
        } while (nextToken);
      }
      result.accountsAudited += 1;
    } catch (error) {
      result.failedAccounts.push({ accountId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
    options.onAccountDone?.(accountId, Date.now() - started);
  }
  result.accountsMs = Date.now() - accountsStarted;
  return result;
}
