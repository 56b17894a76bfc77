// What a run is asked to do and which accounts it leaves out: plain options, apart from the run
// itself so that one account's audit (audit-account.ts) and the run (run-audit.ts) share them
// without importing each other.
import type { OrgAccount } from '../model';
import type { ShardSelection } from '../shard/shard';

/**
 * What the run needs, validated by the command's configuration (cli/audit-config.ts, which
 * extends this) before anything reaches AWS; the run trusts it.
 */
export interface AuditOptions {
  /** The role to assume in every account, optionally after its path. */
  roleName: string;
  externalId?: string;
  /** `--accounts`: audit only these ids; the others are listed as skipped (`filter`). */
  includeAccounts?: string[];
  /** `--exclude-accounts`. */
  excludeAccounts?: string[];
  /** Accounts audited at once. */
  concurrency: number;
  cloudTrail: { enabled: boolean; region: string; sinceDays: number };
  /**
   * IAM Identity Center, read once for the organization in its home region (by the first shard of a
   * sharded run); absent: not read.
   */
  identityCenter?: { region: string };
  /** `--run-time`: the run's reference time (key ages, CloudTrail window, report timestamp) instead of the clock. */
  runTime?: Date;
  /**
   * `--shard`: audit only this slice of the listing. The run then holds only the slice's accounts
   * and is tagged with the whole listing, for `merge`.
   */
  shard?: ShardSelection;
  /** `--account-timeout`: the deadline of one account (default DEFAULT_ACCOUNT_TIMEOUT_SECONDS). */
  accountTimeoutSeconds?: number;
  /**
   * Aborted to stop the run (SIGTERM, SIGINT): no account starts after it, the accounts in flight
   * are given `stopGraceSeconds` to finish, and every account not finished is then `no`, `run
   * stopped`. The run still returns, with every listed account, for its reports to be written.
   */
  stop?: AbortSignal;
  /** The run's id (AuditRun.runId), drawn at random when absent; tests fix it. */
  runId?: string;
  /** `--stop-grace` (default DEFAULT_STOP_GRACE_SECONDS). */
  stopGraceSeconds?: number;
  /**
   * The set-up's deadline and the stop (run/setup-deadline.ts): the auditor's identity, the
   * organization and the account listing carry it, and a set-up it cuts fails the run, naming the call.
   */
  setup?: AbortSignal;
}

export interface AccountFilters {
  includeAccounts?: readonly string[];
  excludeAccounts?: readonly string[];
}

/** Why an account is left out, as data: the kind (for counting and colour) and the detail. */
export interface SkipDecision {
  skipped: 'state' | 'filter';
  /** `not in --accounts`: the detail of the account's `skipped` coverage reason (coverage-reasons.ts writes `skipped: ` before it). */
  reason: string;
}

/** Why an account is not audited, or null when it is. A filter wins over the state. */
export function skipDecision(account: OrgAccount, filters: AccountFilters): SkipDecision | null {
  if (filters.excludeAccounts?.includes(account.id)) return { skipped: 'filter', reason: 'excluded by --exclude-accounts' };
  if (filters.includeAccounts && filters.includeAccounts.length > 0 && !filters.includeAccounts.includes(account.id)) {
    return { skipped: 'filter', reason: 'not in --accounts' };
  }
  if (account.state !== 'ACTIVE') return { skipped: 'state', reason: `account state is ${account.state}` };
  return null;
}
