// The audit of one account: assume the audit role, then run the IAM and the CloudTrail collections
// side by side. Whatever goes wrong is recorded in the account's coverage: an account that could
// only be read in part is `partial`, one that could not be read at all is `no`, never clean.
import type { AwsClientFactory } from '../aws/clients';
import { describeError } from '../aws/aws-error';
import { AssumeRoleError, assumedRoleCredentials } from '../aws/credentials';
import { collectRemediationEvents } from '../collectors/cloudtrail';
import { collectAccountIam, type AccountIamCollection } from '../collectors/iam';
import type { AccountAudit, AccountCoverage, CloudTrailEventRecord, OrgAccount } from '../model';
import type { AuditOptions, SkipDecision } from './run-audit';
import { daysBefore } from '../analysis/facts';

function coverageFor(account: OrgAccount, fields: Pick<AccountCoverage, 'audited' | 'errors' | 'skipped' | 'userSource'>): AccountCoverage {
  return { accountId: account.id, accountName: account.name, state: account.state, ...fields };
}

export function skippedAccountAudit(account: OrgAccount, decision: SkipDecision): AccountAudit {
  return {
    account,
    coverage: coverageFor(account, { audited: 'no', errors: [decision.error], skipped: decision.skipped, userSource: 'none' }),
    users: [],
    root: null,
    events: [],
  };
}

/** The audit role could not be assumed: nothing in the account could be read. */
export function unreachableAccountAudit(account: OrgAccount, error: string): AccountAudit {
  return {
    account,
    coverage: coverageFor(account, { audited: 'no', errors: [error], skipped: null, userSource: 'none' }),
    users: [],
    root: null,
    events: [],
  };
}

function httpStatusOf(error: unknown): number | undefined {
  const metadata = typeof error === 'object' && error !== null ? (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata : undefined;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * One line for coverage. AssumeRole failures already say what failed. An endpoint that answers
 * with something other than an AWS response (an AWS-compatible endpoint that lacks an API answers
 * with an HTML error page) makes the SDK throw a parser error; its HTTP status says more.
 */
export function failureMessage(step: string, error: unknown): string {
  if (error instanceof AssumeRoleError) return `${step}: ${error.message}`;
  const status = httpStatusOf(error);
  if (status !== undefined && error instanceof Error && /Deserialization error/.test(error.message)) {
    const parserMessage = error.message.split('\n')[0].trim();
    return `${step}: the endpoint answered HTTP ${status} with a response that is not the API's (${parserMessage})`;
  }
  return `${step}: ${describeError(error)}`;
}

/**
 * The account's audit from what its collectors gave. `cloudTrail` is null when CloudTrail was not
 * asked for. Complete only when everything asked for came back without errors; nothing at all
 * collected is `no`; anything between is `partial`.
 */
export function collectedAccountAudit(
  account: OrgAccount,
  iam: PromiseSettledResult<AccountIamCollection>,
  cloudTrail: PromiseSettledResult<CloudTrailEventRecord[]> | null,
): AccountAudit {
  const errors: string[] = [];
  if (iam.status === 'fulfilled') errors.push(...iam.value.errors);
  else errors.push(failureMessage('IAM collection failed', iam.reason));
  if (cloudTrail?.status === 'rejected') errors.push(failureMessage('CloudTrail LookupEvents failed', cloudTrail.reason));
  const somethingCollected = iam.status === 'fulfilled' || cloudTrail?.status === 'fulfilled';
  const audited = errors.length === 0 ? 'yes' : somethingCollected ? 'partial' : 'no';
  return {
    account,
    coverage: coverageFor(account, { audited, errors, skipped: null, userSource: iam.status === 'fulfilled' ? iam.value.source : 'none' }),
    users: iam.status === 'fulfilled' ? iam.value.users : [],
    root: iam.status === 'fulfilled' ? iam.value.root : null,
    events: cloudTrail?.status === 'fulfilled' ? cloudTrail.value : [],
  };
}

export interface AccountContext {
  options: AuditOptions;
  clients: AwsClientFactory;
  partition: string;
  sessionName: string;
  now: Date;
}

export async function auditAccount(account: OrgAccount, context: AccountContext): Promise<AccountAudit> {
  const { options, clients, now } = context;
  const credentials = assumedRoleCredentials({
    sts: clients.sts(),
    partition: context.partition,
    accountId: account.id,
    roleName: options.roleName,
    sessionName: context.sessionName,
    externalId: options.externalId,
  });
  try {
    // Assumed once up front so that a missing or refusing role is told apart from a collector
    // failing later; the clients below reuse these credentials and renew them when needed.
    await credentials();
  } catch (error) {
    return unreachableAccountAudit(account, error instanceof AssumeRoleError ? error.message : failureMessage('AssumeRole failed', error));
  }
  const iamWork = collectAccountIam(clients.iam(credentials), { now });
  const cloudTrailWork = options.cloudTrail.enabled
    ? collectRemediationEvents(clients.cloudTrail(credentials, options.cloudTrail.region), {
        accountId: account.id,
        accountName: account.name,
        startTime: daysBefore(now, options.cloudTrail.sinceDays),
        endTime: now,
      })
    : null;
  const [iam, cloudTrail] = await Promise.allSettled([iamWork, cloudTrailWork ?? Promise.resolve([])]);
  return collectedAccountAudit(account, iam, cloudTrailWork ? cloudTrail : null);
}
