// The set-up's one deadline: everything the run needs before its first account (the auditor's
// identity, the organization, the account listing, the exemptions file, and the previous run and
// history read from S3) runs under one signal, aborted when `--setup-timeout` passes or the run is
// stopped. Each call carries it (withAbortSignal), so a call that is never answered is cut, not
// waited on, and a paginator that never ends is ended.
import { DEFAULT_CLIENT_TIMEOUTS } from '../values/client-timeouts';

/** The largest organization the set-up is sized for: 10,000 accounts (`npm run bench` audits as many). */
const LARGEST_ORGANIZATION_ACCOUNTS = 10_000;
/** ListAccounts answers at most 20 accounts a page. */
const LIST_ACCOUNTS_PAGE_SIZE = 20;
/** A page answers in about 100 ms; twice that leaves room for Organizations' throttling. */
const LIST_ACCOUNTS_PAGE_MS = 200;
/** The previous JSON report of the largest organization, read back from S3. */
const PREVIOUS_REPORT_MEGABYTES = 500;
/** What S3 gives one stream from inside the region, at the least. */
const S3_READ_MEGABYTES_PER_SECOND = 10;

/**
 * Default `--setup-timeout`, in seconds, from the work the set-up needs: one attempt the endpoint
 * never answers (the clients' 60 s response timeout, then retried), the listing of the largest
 * organization (500 pages at 200 ms: 100 s) and the previous report of that organization read
 * from S3 (500 MB at 10 MB/s: 50 s), rounded up to the minute: 240 s. The identity, the
 * organization and the exemptions file are a few calls within that.
 */
export const DEFAULT_SETUP_TIMEOUT_SECONDS =
  Math.ceil(
    (DEFAULT_CLIENT_TIMEOUTS.requestMs +
      Math.ceil(LARGEST_ORGANIZATION_ACCOUNTS / LIST_ACCOUNTS_PAGE_SIZE) * LIST_ACCOUNTS_PAGE_MS +
      (PREVIOUS_REPORT_MEGABYTES / S3_READ_MEGABYTES_PER_SECOND) * 1000) /
      60_000,
  ) * 60;
export const MAX_SETUP_TIMEOUT_SECONDS = 3600;

/** The set-up was cut: its deadline passed (`kind: 'deadline'`) or the run was stopped. */
export class SetupAborted extends Error {
  override readonly name = 'SetupAborted';
  constructor(
    readonly kind: 'deadline' | 'stop',
    message: string,
  ) {
    super(message);
  }
}

export interface SetupDeadline {
  /** Aborted, with a SetupAborted reason, at the deadline or the stop. */
  readonly signal: AbortSignal;
  /**
   * Clears the timer and the listener, and cuts whatever still carries the signal (reads of a run
   * that failed before it needed them), so nothing of the set-up outlives the run.
   */
  dispose(): void;
}

/** Starts the set-up's deadline of `seconds` now; `stop` aborts it too. */
export function setupDeadline(seconds: number, stop?: AbortSignal): SetupDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new SetupAborted('deadline', `the set-up did not finish within --setup-timeout (${seconds} s)`)), seconds * 1000);
  timer.unref();
  const onStop = (): void => {
    const why = stop?.reason instanceof Error ? stop.reason.message : 'the run was stopped';
    controller.abort(new SetupAborted('stop', why));
  };
  if (stop?.aborted) onStop();
  else stop?.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      if (!controller.signal.aborted) controller.abort(new SetupAborted('deadline', 'the run ended'));
    },
  };
}

/** When `signal` cut the set-up, why, naming the step it was in; null otherwise. */
export function setupAbortMessage(signal: AbortSignal | undefined, step: string): string | null {
  if (signal?.aborted !== true) return null;
  const reason = signal.reason instanceof SetupAborted ? signal.reason : new SetupAborted('deadline', 'the set-up was cut');
  return reason.kind === 'deadline'
    ? `${reason.message}: still in ${step}; nothing was audited (raise --setup-timeout, or check the endpoint that does not answer)`
    : `${reason.message} during the set-up, in ${step}: nothing was audited and no report was written`;
}
