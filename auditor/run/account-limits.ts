// What bounds one account's audit: its deadline, and a stop of the whole run. Either aborts the
// account's signal, which every call of its clients carries (withAbortSignal): the request in
// flight is cut, a retry stops waiting, and every later call fails at once, so the collectors
// unwind in moments and nothing of the account is left running. The calls in flight are tracked
// so that a timed-out account says where it was stuck.
import type { MiddlewareStack } from '@smithy/types';
import { coverageReasonText } from '../coverage-reasons';
import type { CoverageReason } from '../model';

/**
 * Default deadline of one account, in seconds. An account of 50 users takes 2 to 3 s at 50 ms per
 * call (`npm run bench`); IAM allows 5,000 users per account, a hundred times that, or about
 * 5 minutes of per-user calls at the same pace, and CloudTrail's lookups are paced at 2 calls a
 * second. Ten minutes covers the largest account IAM allows with room for throttling, and still
 * lets a weekly task end the same hour when an endpoint stops answering.
 */
export const DEFAULT_ACCOUNT_TIMEOUT_SECONDS = 600;
export const MAX_ACCOUNT_TIMEOUT_SECONDS = 7200;

/**
 * After the deadline aborts an account, how long its collectors are given to hand back what they
 * had. Every call then fails at once; what remains are the collectors' own short waits (the
 * credential report's polling, CloudTrail's pacing).
 */
export const UNWIND_AFTER_ABORT_MS = 5_000;

/**
 * How long accounts in flight may still finish once the run is stopped. ECS kills a task at most
 * 120 s after its SIGTERM; the rest of that time is left for the analysis and the reports.
 */
export const DEFAULT_STOP_GRACE_SECONDS = 10;

/** The reason a stopped run gives every account it did not finish (`run stopped`). */
export function runStopped(): CoverageReason {
  return { kind: 'stopped', detail: '' };
}

/** The operations in flight in one account's clients. */
export class AccountCallTracker {
  private readonly inFlight = new Map<number, string>();
  private counter = 0;
  private lastStarted: string | null = null;

  /** Marks `operation` as started; call the returned function when it ends. */
  started(operation: string): () => void {
    const id = (this.counter += 1);
    this.inFlight.set(id, operation);
    this.lastStarted = operation;
    return () => this.inFlight.delete(id);
  }

  /** Runs `work` as `operation` (for calls made outside the account's own clients, like AssumeRole). */
  async during<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const ended = this.started(operation);
    try {
      return await work();
    } finally {
      ended();
    }
  }

  /** The operations in flight, oldest first and each once; the last one started when none is. */
  operations(): string[] {
    const names = [...new Set(this.inFlight.values())];
    if (names.length > 0) return names;
    return this.lastStarted === null ? [] : [this.lastStarted];
  }

  /**
   * A view of a client shared with other accounts (the management side's Organizations client)
   * whose calls are tracked here; the client's own middleware is left as it is.
   */
  sharedView<Client extends { send(command: never, ...rest: never[]): Promise<unknown> }>(client: Client): Client {
    const send = client.send.bind(client) as (command: object, ...rest: unknown[]) => Promise<unknown>;
    const view = Object.create(client) as Client;
    Object.defineProperty(view, 'send', {
      value: (command: object, ...rest: unknown[]) => this.during(command.constructor.name.replace(/Command$/, ''), () => send(command, ...rest)),
    });
    return view;
  }

  /** Tracks every command `client` sends (a middleware of its own stack, so the client should be the account's own). */
  track<Input extends object, Output extends object>(client: { middlewareStack: MiddlewareStack<Input, Output> }): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const ended = this.started((context.commandName ?? 'an AWS call').replace(/Command$/, ''));
        try {
          return await next(args);
        } finally {
          ended();
        }
      },
      { step: 'initialize', priority: 'high', name: 'accountCallTrackerMiddleware' },
    );
  }
}

/** The deadline's reason: `timed out after 600 s in GetAccountSummary`. */
export function timedOutReason(timeoutSeconds: number, operations: readonly string[]): CoverageReason {
  const where = operations.length === 0 ? '' : ` in ${operations.join(', ')}`;
  return { kind: 'timed-out', detail: `${timeoutSeconds} s${where}` };
}

/** Why an account's signal was aborted: its deadline passed, or the run was stopped. */
export class AccountAbort extends Error {
  override readonly name = 'AccountAbort';
  constructor(
    readonly kind: 'deadline' | 'stop',
    readonly reason: CoverageReason,
  ) {
    super(coverageReasonText(reason));
  }
}
