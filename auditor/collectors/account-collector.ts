// The seam every source of an account's audit plugs into. A collector declares what it collects,
// the actions it calls (the audit role's and the management side's policies are built from these
// lists: permissions.ts), the part of the account's audit it fills and what that part holds when
// it fails; the account's audit (run/audit-account.ts) runs every collector of the registry
// (registry.ts) side by side and turns their failures into the account's coverage. A new source is
// one collector file plus one line in the registry.
import type { AccountClients } from './account-clients';
import type { AccountAudit, AccountCoverage, AuditRun, CoverageReason, OrgAccount } from '../model';

/** What a collector may read of the run's options. */
export interface CollectorSettings {
  cloudTrail: AuditRun['cloudTrail'];
}

/**
 * The parts of an account's audit that collectors fill: everything of `AccountAudit` but the
 * account, its coverage (of which only `userSource` comes from a collector) and what the analysis
 * decides from them (`access`). A new field of `AccountAudit` is a part a collector can fill; an
 * optional one is absent from the audit unless a collector that ran filled it.
 */
export type CollectedParts = Omit<AccountAudit, 'account' | 'coverage' | 'access'> & { userSource: AccountCoverage['userSource'] };

export type CollectedPart = keyof CollectedParts;

/** A typed key of the run's cache: what is stored under it is a `Value`. */
export interface RunCacheKey<Value> {
  readonly description: string;
  /** Never set: it only carries the type. */
  readonly value?: Value;
}

export function runCacheKey<Value>(description: string): RunCacheKey<Value> {
  return { description };
}

/**
 * What collectors keep for the whole run, shared by every account (an SCP read once for every
 * account it applies to): one value per key, made the first time it is asked for.
 */
export class RunCache {
  private readonly values = new Map<RunCacheKey<unknown>, unknown>();

  get<Value>(key: RunCacheKey<Value>, make: () => Value): Value {
    if (this.values.has(key)) return this.values.get(key) as Value;
    const value = make();
    this.values.set(key, value);
    return value;
  }
}

export interface AccountCollectorContext {
  account: OrgAccount;
  /** The run's reference time. */
  now: Date;
  settings: CollectorSettings;
  clients: AccountClients;
  run: RunCache;
}

/** What a collector gives back: its value, and the problems that make the account partial without failing the collector. */
export interface Collected<Output> {
  value: Output;
  errors: CoverageReason[];
}

/** `iam:ListUsers`: the service prefix and the action, as IAM policies name them. */
export type ActionName = `${string}:${string}`;

export interface CollectorActions {
  /** Called in each audited account through the audit role (the member-account template and the management-account role). */
  auditRole: readonly ActionName[];
  /** Called with the auditor's own credentials (the task role's management-side policy). */
  management: readonly ActionName[];
}

export interface AccountCollector<Output, Part extends CollectedPart> {
  /** Short, unique: `users and root`. */
  name: string;
  /** What it collects, one line, for the architecture page. */
  collects: string;
  actions: CollectorActions;
  /** Whether the run asks for it (CloudTrail only with it enabled); always when absent. */
  runsWhen?(settings: CollectorSettings): boolean;
  /** Throws when nothing of its part could be read; the account is then partial, with `failedStep`. */
  collect(context: AccountCollectorContext): Promise<Collected<Output>>;
  /** Its part of the account's audit, from what it collected. */
  fill(output: Output): Pick<CollectedParts, Part>;
  /** Its part when `collect` threw: never an empty inventory passed off as seen, the coverage says why. */
  unavailable: Pick<CollectedParts, Part>;
  /** The start of the coverage reason when `collect` throws: `CloudTrail LookupEvents failed`. */
  failedStep: string;
}

/** One collector's run in one account, as the account's audit assembles it. */
export interface CollectorOutcome {
  parts: Partial<CollectedParts>;
  /** Problems that make the account partial; a collector that threw gives its `failedStep` reason. */
  errors: CoverageReason[];
  /** Whether anything was read (the collector did not throw). */
  collected: boolean;
}

/** A collector with its output type closed over, so that collectors of different outputs share one registry. */
export interface RegisteredCollector {
  name: string;
  collects: string;
  actions: CollectorActions;
  fills: readonly CollectedPart[];
  runsWhen(settings: CollectorSettings): boolean;
  /** Never throws: a failure is `failure(error)`'s reason. */
  run(context: AccountCollectorContext, failure: (step: string, error: unknown) => CoverageReason): Promise<CollectorOutcome>;
}

export function defineAccountCollector<Output, Part extends CollectedPart>(collector: AccountCollector<Output, Part>): RegisteredCollector {
  return {
    name: collector.name,
    collects: collector.collects,
    actions: collector.actions,
    fills: Object.keys(collector.unavailable) as Part[],
    runsWhen: (settings) => collector.runsWhen?.(settings) ?? true,
    async run(context, failure) {
      try {
        const { value, errors } = await collector.collect(context);
        return { parts: collector.fill(value), errors, collected: true };
      } catch (error) {
        return { parts: collector.unavailable, errors: [failure(collector.failedStep, error)], collected: false };
      }
    },
  };
}
