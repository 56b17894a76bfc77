// The audit of one account: assume the audit role, then run the registered collectors
// (collectors/registry.ts) side by side. Whatever goes wrong is recorded in the account's coverage: an account that could
// only be read in part is `partial`, one that could not be read at all is `no`, never clean.
import { withAbortSignal, type AwsClientFactory } from '../aws/clients';
import { causedByAbort, describeError } from '../aws/aws-error';
import { AssumeRoleError, assumedRoleCredentials } from '../aws/credentials';
import {
  RunCache,
  type AccountCollectorContext,
  type CollectedParts,
  type CollectorOutcome,
  type RegisteredCollector,
} from '../collectors/account-collector';
import { accountClients } from '../collectors/account-clients';
import { ACCOUNT_COLLECTORS } from '../collectors/registry';
import type { AccountAudit, AccountCoverage, CoverageReason, OrgAccount } from '../model';
import { AccountAbort, AccountCallTracker, runStopped, timedOutReason, UNWIND_AFTER_ABORT_MS } from './account-limits';
import type { AuditOptions, SkipDecision } from './audit-options';

function coverageFor(account: OrgAccount, fields: Pick<AccountCoverage, 'audited' | 'errors' | 'skipped' | 'userSource'>): AccountCoverage {
  return { accountId: account.id, accountName: account.name, state: account.state, ...fields };
}

export function skippedAccountAudit(account: OrgAccount, decision: SkipDecision): AccountAudit {
  return {
    account,
    coverage: coverageFor(account, { audited: 'no', errors: [{ kind: 'skipped', detail: decision.reason }], skipped: decision.skipped, userSource: 'none' }),
    users: [],
    root: null,
    events: [],
  };
}

/** Nothing in the account could be read: the audit role could not be assumed, the run stopped first... */
export function unreachableAccountAudit(account: OrgAccount, error: CoverageReason): AccountAudit {
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
 * The reason of a step that failed as a whole: `failed`, or `aborted` when the account's signal
 * cut it. AssumeRole failures already say what failed. An endpoint that answers with something
 * other than an AWS response (an AWS-compatible endpoint that lacks an API answers with an HTML
 * error page) makes the SDK throw a parser error; its HTTP status says more.
 */
export function failureReason(step: string, error: unknown): CoverageReason {
  return { kind: causedByAbort(error) ? 'aborted' : 'failed', detail: `${step}: ${failureText(error)}` };
}

function failureText(error: unknown): string {
  if (error instanceof AssumeRoleError) return error.message;
  const status = httpStatusOf(error);
  if (status !== undefined && error instanceof Error && /Deserialization error/.test(error.message)) {
    const parserMessage = error.message.split('\n')[0].trim();
    return `the endpoint answered HTTP ${status} with a response that is not the API's (${parserMessage})`;
  }
  return describeError(error);
}

/**
 * The account's audit from what its collectors gave, in the registry's order. Complete only when
 * every collector that ran came back without errors; nothing at all collected is `no`; anything
 * between is `partial`. A part no collector filled keeps its empty value (events without CloudTrail).
 */
export function collectedAccountAudit(account: OrgAccount, outcomes: readonly CollectorOutcome[]): AccountAudit {
  const errors = outcomes.flatMap((outcome) => outcome.errors);
  const somethingCollected = outcomes.some((outcome) => outcome.collected);
  const audited = errors.length === 0 ? 'yes' : somethingCollected ? 'partial' : 'no';
  const parts: CollectedParts = Object.assign({ users: [], root: null, userSource: 'none', events: [] }, ...outcomes.map((outcome) => outcome.parts));
  const { userSource, users, root, events, ...optional } = parts;
  return {
    account,
    coverage: coverageFor(account, { audited, errors, skipped: null, userSource }),
    users,
    root,
    events,
    ...optional,
  };
}

export interface AccountContext {
  options: AuditOptions;
  clients: AwsClientFactory;
  partition: string;
  sessionName: string;
  now: Date;
  /** Every call of the account carries it; aborted at the account's deadline or a stop. */
  signal?: AbortSignal;
  /** Where the account's calls in flight are kept track of. */
  tracker?: AccountCallTracker;
  /** What the collectors keep for the whole run; one per run, shared by its accounts (a new one when absent). */
  runCache?: RunCache;
  /** The collectors to run, the registry's unless given. */
  collectors?: readonly RegisteredCollector[];
}

/** Not audited because the run was stopped before the account was finished. */
export function stoppedAccountAudit(account: OrgAccount): AccountAudit {
  return unreachableAccountAudit(account, runStopped());
}

/**
 * An account past its deadline: what its collectors handed back once aborted (null when they did
 * not in time), with the deadline as the first reason. Whatever failed only because the calls were
 * aborted is not listed apart: the deadline is its reason.
 */
export function timedOutAccountAudit(account: OrgAccount, reason: CoverageReason, collected: AccountAudit | null): AccountAudit {
  if (collected === null) return unreachableAccountAudit(account, reason);
  const otherErrors = collected.coverage.errors.filter((error) => error.kind !== 'aborted');
  const audited = collected.coverage.audited === 'no' ? 'no' : 'partial';
  return { ...collected, coverage: { ...collected.coverage, audited, errors: [reason, ...otherErrors] } };
}

export interface AccountLimits {
  timeoutSeconds: number;
  /** Aborted when a stopped run's grace has run out: the account is then given up as `run stopped`. */
  stopNow?: AbortSignal;
}

function delay(milliseconds: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, milliseconds);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

/**
 * The account's audit within its deadline and the run's stop. Past the deadline its calls are
 * aborted and it is recorded as `partial` (something was collected) or `no`, with the reason
 * `timed out after N s in <operation>`; on a stop it is `no`, `run stopped`. Never throws.
 */
export async function auditAccountWithinLimits(account: OrgAccount, context: AccountContext, limits: AccountLimits): Promise<AccountAudit> {
  const controller = new AbortController();
  const tracker = new AccountCallTracker();
  const aborted = new Promise<AccountAbort>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(controller.signal.reason as AccountAbort), { once: true });
  });
  const deadline = setTimeout(() => controller.abort(new AccountAbort('deadline', timedOutReason(limits.timeoutSeconds, tracker.operations()))), limits.timeoutSeconds * 1000);
  const stop = () => controller.abort(new AccountAbort('stop', runStopped()));
  limits.stopNow?.addEventListener('abort', stop, { once: true });
  if (limits.stopNow?.aborted) stop();
  const work = auditAccount(account, { ...context, signal: controller.signal, tracker }).catch((error: unknown) =>
    // auditAccount records every collector failure itself; this is the safety net that keeps an
    // unexpected bug in one account from ending the run.
    unreachableAccountAudit(account, failureReason('audit failed', error)),
  );
  try {
    const first = await Promise.race([work, aborted]);
    if (!(first instanceof AccountAbort)) return first;
    if (first.kind === 'stop') return stoppedAccountAudit(account);
    const unwind = delay(UNWIND_AFTER_ABORT_MS);
    const collected = await Promise.race([work, unwind.done.then(() => null)]);
    unwind.cancel();
    return timedOutAccountAudit(account, first.reason, collected);
  } finally {
    clearTimeout(deadline);
    limits.stopNow?.removeEventListener('abort', stop);
  }
}

export async function auditAccount(account: OrgAccount, context: AccountContext): Promise<AccountAudit> {
  const { options, clients, now, signal } = context;
  const tracker = context.tracker ?? new AccountCallTracker();
  // The account's own clients are tracked and bound to its signal; the shared STS client is only
  // seen through a bound view, so other accounts' calls are untouched.
  const bound = <Client extends { send(command: never): Promise<unknown> }>(client: Client): Client => (signal === undefined ? client : withAbortSignal(client, signal));
  const credentials = assumedRoleCredentials({
    sts: bound(clients.sts()),
    partition: context.partition,
    accountId: account.id,
    roleName: options.roleName,
    sessionName: context.sessionName,
    externalId: options.externalId,
  });
  try {
    // Assumed once up front so that a missing or refusing role is told apart from a collector
    // failing later; the clients below reuse these credentials and renew them when needed.
    await tracker.during('AssumeRole', () => credentials());
  } catch (error) {
    const detail = error instanceof AssumeRoleError ? error.message : failureReason('AssumeRole failed', error).detail;
    return unreachableAccountAudit(account, { kind: causedByAbort(error) ? 'aborted' : 'unreachable', detail });
  }
  const collection: AccountCollectorContext = {
    account,
    now,
    settings: options,
    clients: accountClients(clients, { credentials, tracking: tracker, bound }),
    run: context.runCache ?? new RunCache(),
  };
  const collectors = (context.collectors ?? ACCOUNT_COLLECTORS).filter((collector) => collector.runsWhen(options));
  const outcomes = await Promise.all(collectors.map((collector) => collector.run(collection, failureReason)));
  return collectedAccountAudit(account, outcomes);
}
