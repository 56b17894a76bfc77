// What remains of a stop: ECS kills the task TASK_STOP_TIMEOUT_SECONDS after its SIGTERM, so
// everything that may still wait on the network once the run is stopped (uploads, the bucket's
// history, the notification, Security Hub) shares one deadline that ends before that, whatever S3
// is doing. The local reports are written before any of it and need no network.
import { TASK_STOP_TIMEOUT_SECONDS } from '../values/run-limits';

/**
 * Seconds kept back from the task's stopTimeout for what follows the last upload: the closing
 * lines, the exit, and a slow host. Uploads after a stop therefore end at most 110 s after it.
 */
export const STOP_EXIT_MARGIN_SECONDS = 10;

/** How long after the stop signal the network work of a stopped run may still go on. */
export const STOP_NETWORK_BUDGET_MS = (TASK_STOP_TIMEOUT_SECONDS - STOP_EXIT_MARGIN_SECONDS) * 1000;

/** The reason the deadline aborts with: named in every upload it cuts. */
export class StopDeadlinePassed extends Error {
  override readonly name = 'StopDeadlinePassed';
}

export interface StopDeadline {
  /** Aborted `budgetMs` after `stop` was (never, without a stop). */
  readonly signal: AbortSignal;
  /** Clears the timer and the listener. */
  dispose(): void;
}

/**
 * A signal that aborts `budgetMs` after `stop` does. Made before the run starts, so the budget
 * is counted from the signal itself, not from when the reports are ready: the grace, the analysis
 * and the local reports all come out of it, and the uploads get what remains.
 */
export function stopDeadline(stop: AbortSignal | undefined, budgetMs: number = STOP_NETWORK_BUDGET_MS): StopDeadline {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const start = (): void => {
    const seconds = Math.round(budgetMs / 1000);
    timer = setTimeout(() => controller.abort(new StopDeadlinePassed(`the run was stopped and its ${seconds} s before the task is killed ran out`)), budgetMs);
    // The deadline never keeps a process alive that has nothing else to do.
    timer.unref();
  };
  if (stop?.aborted) start();
  else stop?.addEventListener('abort', start, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      stop?.removeEventListener('abort', start);
    },
  };
}
