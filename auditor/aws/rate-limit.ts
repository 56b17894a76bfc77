// A sliding-window call pacer: at most `maxCalls` calls start in any `intervalMs` window. Used to
// keep CloudTrail LookupEvents under its per-account quota (2 calls per second), which the SDK's
// retry would otherwise discover the hard way, one throttling error at a time.

export interface Clock {
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

export interface CallPacer {
  /** Resolves when the next call may start, and counts that call. */
  waitForTurn(): Promise<void>;
}

export function createCallPacer(options: { maxCalls: number; intervalMs: number; clock?: Clock }): CallPacer {
  const { maxCalls, intervalMs } = options;
  if (!Number.isInteger(maxCalls) || maxCalls < 1) throw new Error(`maxCalls must be a positive integer, got ${maxCalls}`);
  if (!(intervalMs > 0)) throw new Error(`intervalMs must be positive, got ${intervalMs}`);
  const clock = options.clock ?? systemClock;
  const recentStarts: number[] = [];
  // Callers may ask concurrently; turns are handed out one at a time so two waiters never both
  // claim the same free slot.
  let queue: Promise<void> = Promise.resolve();

  async function takeTurn(): Promise<void> {
    for (;;) {
      const now = clock.now();
      while (recentStarts.length > 0 && now - recentStarts[0] >= intervalMs) recentStarts.shift();
      if (recentStarts.length < maxCalls) {
        recentStarts.push(now);
        return;
      }
      await clock.sleep(recentStarts[0] + intervalMs - now);
    }
  }

  return {
    waitForTurn() {
      const turn = queue.then(takeTurn);
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
