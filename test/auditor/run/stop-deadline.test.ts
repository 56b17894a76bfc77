import assert from 'node:assert/strict';
import { STOP_NETWORK_BUDGET_MS, stopDeadline, StopDeadlinePassed } from '../../../auditor/run/stop-deadline';
import { TASK_STOP_TIMEOUT_SECONDS } from '../../../auditor/values/run-limits';

describe('the deadline after a stop', () => {
  it('ends before the task is killed', () => {
    assert.ok(STOP_NETWORK_BUDGET_MS < TASK_STOP_TIMEOUT_SECONDS * 1000);
    assert.ok(STOP_NETWORK_BUDGET_MS >= (TASK_STOP_TIMEOUT_SECONDS - 15) * 1000);
  });

  it('is counted from the stop signal, and never passes without one', async () => {
    const stop = new AbortController();
    const deadline = stopDeadline(stop.signal, 200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(deadline.signal.aborted, false, 'no stop, no deadline');
    const stoppedAt = Date.now();
    stop.abort();
    await new Promise<void>((resolve) => deadline.signal.addEventListener('abort', () => resolve(), { once: true }));
    const afterMs = Date.now() - stoppedAt;
    assert.ok(afterMs >= 190 && afterMs < 1_000, `aborted ${afterMs} ms after the stop`);
    assert.ok(deadline.signal.reason instanceof StopDeadlinePassed);
    deadline.dispose();
  });

  it('starts at once for a run stopped before it was made, and is cleared by dispose', async () => {
    const stop = new AbortController();
    stop.abort();
    const started = stopDeadline(stop.signal, 50);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(started.signal.aborted, true);
    const disposed = stopDeadline(stop.signal, 50);
    disposed.dispose();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(disposed.signal.aborted, false);
  });
});
