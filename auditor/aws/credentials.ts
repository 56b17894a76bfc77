// Temporary credentials for one audited account: sts:AssumeRole into the audit role, renewed
// before they expire. Nothing long-lived is ever created or stored.
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { describeError } from './aws-error';

/**
 * Renew this long before expiry. The SDK's own credential cache asks its provider again when less
 * than five minutes are left; renewing at the same point means its question gets fresh credentials.
 */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** One hour: the most a role's default maximum session allows, and longer than most accounts take. */
export const DEFAULT_SESSION_DURATION_SECONDS = 3600;

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** `iam-audit-20240131T120000Z`: CloudTrail in the audited account shows which run made each call. */
export function auditSessionName(runTimestamp: string): string {
  return `iam-audit-${runTimestamp}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** `aws`, `aws-us-gov`, `aws-cn`... from any ARN. */
export function partitionFromArn(arn: string): string {
  const match = /^arn:([a-z0-9-]+):/.exec(arn);
  if (!match) throw new Error(`not an ARN: "${arn}"`);
  return match[1];
}

/** The auditor's own identity, which also tells the partition the run is in. */
export async function callerIdentity(sts: STSClient): Promise<{ accountId: string; arn: string; partition: string }> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  if (!identity.Arn || !identity.Account) throw new Error('GetCallerIdentity returned no ARN');
  return { accountId: identity.Account, arn: identity.Arn, partition: partitionFromArn(identity.Arn) };
}

/** AssumeRole was refused or failed; the message names the role and AWS's reason. */
export class AssumeRoleError extends Error {
  constructor(readonly roleArn: string, cause: unknown) {
    super(`AssumeRole failed: ${describeError(cause)}`, { cause });
    this.name = 'AssumeRoleError';
  }
}

export interface AssumedRoleOptions {
  sts: STSClient;
  partition: string;
  accountId: string;
  roleName: string;
  sessionName: string;
  externalId?: string;
  durationSeconds?: number;
  /** Milliseconds since the epoch; injected so tests can move time past expiry. */
  now?: () => number;
}

/**
 * A credential provider for the audit role in one account. It assumes the role on first use,
 * hands out the same credentials while they are valid for more than the refresh margin, and
 * assumes the role again after that. Concurrent callers share one AssumeRole call; a failed call
 * is not remembered, so the next caller tries again.
 */
export function assumedRoleCredentials(options: AssumedRoleOptions): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  const arn = roleArn(options.partition, options.accountId, options.roleName);
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const assume = async (): Promise<AwsCredentialIdentity> => {
    let answer;
    try {
      answer = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: arn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds ?? DEFAULT_SESSION_DURATION_SECONDS,
          ...(options.externalId !== undefined ? { ExternalId: options.externalId } : {}),
        }),
      );
    } catch (error) {
      throw new AssumeRoleError(arn, error);
    }
    const credentials = answer.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
      throw new AssumeRoleError(arn, new Error('STS returned no temporary credentials'));
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  };

  const fresh = (identity: AwsCredentialIdentity | undefined): identity is AwsCredentialIdentity =>
    identity !== undefined && identity.expiration !== undefined && identity.expiration.getTime() - now() > CREDENTIAL_REFRESH_MARGIN_MS;

  return async () => {
    if (fresh(current)) return current;
    pending ??= assume().then(
      (identity) => {
        current = identity;
        pending = undefined;
        return identity;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
