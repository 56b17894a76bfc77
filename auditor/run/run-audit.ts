// The run over accounts: list the organization's accounts, then audit each one (audit-account.ts)
// a bounded number at a time. Whatever goes wrong in one account is recorded in its coverage and
// never stops the others; only problems that prevent the whole run (credentials, Organizations
// access) throw.
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { withAbortSignal, type AwsClientFactory } from '../aws/clients';
import { describeError } from '../aws/aws-error';
import { auditSessionName, callerIdentity } from '../aws/credentials';
import { describeOrganization, listOrganizationAccounts } from '../aws/organizations';
import { AuditSetupError, callerIdentitySetupError, isNotInOrganization, organizationsSetupError } from '../aws/setup-errors';
import { RunCache } from '../collectors/account-collector';
import { SCHEMA_VERSION, type AccountAudit, type AuditRun, type OrgAccount } from '../model';
import { accountsOfShard } from '../shard/shard';
import { DEFAULT_ACCOUNT_TIMEOUT_SECONDS, DEFAULT_STOP_GRACE_SECONDS } from './account-limits';
import { setupAbortMessage } from './setup-deadline';
import { skipDecision, type AuditOptions } from './audit-options';
import { auditAccountWithinLimits, skippedAccountAudit, stoppedAccountAudit, type AccountContext } from './audit-account';
import { readIdentityCenter } from './audit-identity-center';



export interface AuditHooks {
  /** Called once the organization's accounts are listed, before any account is audited. */
  onAccountsListed?(accounts: readonly OrgAccount[]): void;
  /** Called when an account's audit begins (not for skipped accounts). */
  onAccountStart?(account: OrgAccount): void;
  /** Called once for every listed account, skipped ones included, as soon as its result is final. */
  onAccountDone?(audit: AccountAudit): void | Promise<void>;
}

/** `20240131T120000Z`: the run's timestamp, as the report file names carry it. */
export function formatRunTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** A run's id: six random hex digits, enough to keep apart the runs of one second. */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** Ids given in `--accounts` that the organization does not list. */
export function unknownAccountIds(includeAccounts: readonly string[] | undefined, accounts: readonly OrgAccount[]): string[] {
  const listed = new Set(accounts.map((account) => account.id));
  return (includeAccounts ?? []).filter((id) => !listed.has(id));
}

/** What DescribeOrganization failing costs, said in the summary rather than silently absorbed. */
export function managementAccountUnknownNote(error: unknown): string {
  return `management account unknown (DescribeOrganization failed: ${describeError(error)}): no account is marked as it, so the guardrails and maturity judge it as a member account, though SCPs never apply to it`;
}

async function listAccounts(organizations: OrganizationsClient, setup: AbortSignal | undefined): Promise<{ accounts: OrgAccount[]; managementAccountId: string | null; organizationId: string | null; notes: string[] }> {
  const [listed, described] = await Promise.allSettled([listOrganizationAccounts(organizations, null), describeOrganization(organizations)]);
  const unfinished = [listed.status === 'rejected' ? 'ListAccounts' : null, described.status === 'rejected' ? 'DescribeOrganization' : null].filter((name): name is string => name !== null);
  const cut = unfinished.length === 0 ? null : setupAbortMessage(setup, unfinished.join(', '));
  if (cut !== null) throw new AuditSetupError(cut);
  if (listed.status === 'rejected') throw organizationsSetupError('ListAccounts', listed.reason);
  if (described.status === 'rejected' && isNotInOrganization(described.reason)) {
    throw organizationsSetupError('DescribeOrganization', described.reason);
  }
  // Credentials allowed ListAccounts but not DescribeOrganization can still audit everything;
  // only the management account is then not marked as such, which the summary says.
  const managementAccountId = described.status === 'fulfilled' ? described.value.managementAccountId : null;
  return {
    managementAccountId,
    organizationId: described.status === 'fulfilled' ? described.value.organizationId : null,
    accounts: listed.value.map((account) => ({ ...account, isManagementAccount: account.id === managementAccountId })),
    notes: described.status === 'rejected' ? [managementAccountUnknownNote(described.reason)] : [],
  };
}

/**
 * Audits every account the organization lists. Throws `AuditSetupError` when the run cannot
 * start; per-account problems end up in each account's coverage. A hook that throws stops new
 * accounts from starting and its error is thrown once the accounts in flight are done. `clock`
 * gives the reference time when `options.runTime` does not.
 */
export async function runAudit(options: AuditOptions, clients: AwsClientFactory, hooks: AuditHooks = {}, clock: () => Date = () => new Date()): Promise<AuditRun> {
  const now = options.runTime ?? clock();
  const startedMs = Date.now();
  const runTimestamp = formatRunTimestamp(now);

  // The set-up's calls carry its deadline and the stop (options.setup); the accounts' do not.
  const { setup } = options;
  const withinSetup = <Client extends { send(command: never): Promise<unknown> }>(client: Client): Client => (setup === undefined ? client : withAbortSignal(client, setup));
  let partition: string;
  try {
    partition = (await callerIdentity(withinSetup(clients.sts()))).partition;
  } catch (error) {
    const cut = setupAbortMessage(setup, 'GetCallerIdentity');
    if (cut !== null) throw new AuditSetupError(cut, { cause: error });
    throw callerIdentitySetupError(error);
  }
  const { accounts, managementAccountId, organizationId, notes } = await listAccounts(withinSetup(clients.organizations()), setup);
  const unknown = unknownAccountIds(options.includeAccounts, accounts);
  if (unknown.length > 0) {
    throw new AuditSetupError(`--accounts names ${unknown.length === 1 ? 'an account' : 'accounts'} the organization does not list: ${unknown.join(', ')}`);
  }

  // A shard leaves the other shards' accounts out entirely (not even as skipped), so the parts
  // of a run add up to exactly the accounts a single run reports.
  const inScope = options.shard ? accountsOfShard(accounts, options.shard) : accounts;
  hooks.onAccountsListed?.(inScope);

  const results: AccountAudit[] = new Array<AccountAudit>(inScope.length);
  let hookFailure: { error: unknown } | null = null;
  const finish = async (index: number, audit: AccountAudit): Promise<void> => {
    results[index] = audit;
    try {
      await hooks.onAccountDone?.(audit);
    } catch (error) {
      hookFailure ??= { error };
    }
  };

  // One cache for the run: what a collector reads once for every account (an SCP) is kept there.
  const context: AccountContext = { options, clients, partition, sessionName: auditSessionName(runTimestamp), now, runCache: new RunCache() };
  // A stop lets the accounts in flight run for the grace, then gives them up.
  const stopNow = new AbortController();
  // Every account in flight listens to it: that is no leak.
  setMaxListeners(options.concurrency + 1, stopNow.signal);
  let graceTimer: NodeJS.Timeout | undefined;
  const startGrace = () => {
    graceTimer = setTimeout(() => stopNow.abort(), (options.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS) * 1000);
  };
  options.stop?.addEventListener('abort', startGrace, { once: true });
  if (options.stop?.aborted) startGrace();
  const limits = { timeoutSeconds: options.accountTimeoutSeconds ?? DEFAULT_ACCOUNT_TIMEOUT_SECONDS, stopNow: stopNow.signal };
  // Read beside the accounts, once for the organization: the other shards of a run leave it to the first.
  const identityCenter =
    options.identityCenter !== undefined && (options.shard === undefined || options.shard.index === 1)
      ? readIdentityCenter({ options, clients, partition, sessionName: context.sessionName, managementAccountId, now, timeoutSeconds: limits.timeoutSeconds, stopNow: stopNow.signal }, options.identityCenter.region)
      : null;
  const limit = pLimit(options.concurrency);
  const work: Promise<void>[] = [];
  for (const [index, account] of inScope.entries()) {
    const decision = skipDecision(account, options);
    if (decision) {
      await finish(index, skippedAccountAudit(account, decision));
      continue;
    }
    work.push(
      limit(async () => {
        if (hookFailure) return;
        if (options.stop?.aborted) {
          await finish(index, stoppedAccountAudit(account));
          return;
        }
        try {
          hooks.onAccountStart?.(account);
        } catch (error) {
          hookFailure ??= { error };
          return;
        }
        await finish(index, await auditAccountWithinLimits(account, context, limits));
      }),
    );
  }
  let identityCenterRecord;
  try {
    await Promise.all(work);
    identityCenterRecord = await identityCenter;
  } finally {
    clearTimeout(graceTimer);
    options.stop?.removeEventListener('abort', startGrace);
  }
  if (hookFailure) throw (hookFailure as { error: unknown }).error;

  const run: AuditRun = {
    schemaVersion: SCHEMA_VERSION,
    runTimestamp,
    // A shard's part has none: the shards of one run share its name, and merge draws the run's id.
    ...(options.shard ? {} : { runId: options.runId ?? newRunId() }),
    startedAt: now.toISOString(),
    finishedAt: new Date(now.getTime() + (Date.now() - startedMs)).toISOString(),
    partition,
    managementAccountId,
    organizationId,
    roleName: options.roleName,
    cloudTrail: { ...options.cloudTrail },
    accounts: results,
  };
  if (notes.length > 0) run.setupNotes = notes;
  if (identityCenterRecord) run.identityCenter = identityCenterRecord;
  if (options.shard) {
    const sorted = (ids: readonly string[] | undefined): string[] | null => (ids && ids.length > 0 ? [...ids].sort() : null);
    run.shard = {
      index: options.shard.index,
      count: options.shard.count,
      accountIds: accounts.map((account) => account.id),
      includeAccounts: sorted(options.includeAccounts),
      excludeAccounts: sorted(options.excludeAccounts),
    };
  }
  return run;
}
