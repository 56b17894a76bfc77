import { strict as assert } from 'assert';
import { createCallPacer, type Clock } from '../../../auditor/aws/rate-limit';

function fakeClock(): Clock & { sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      time += milliseconds;
    },
  };
}

describe('createCallPacer', () => {
  it('lets the first calls through at once and then at most maxCalls per interval', async () => {
    const clock = fakeClock();
    const pacer = createCallPacer({ maxCalls: 2, intervalMs: 1000, clock });
    const starts: number[] = [];
    for (let call = 0; call < 7; call += 1) {
      await pacer.waitForTurn();
      starts.push(clock.now());
    }
    assert.deepEqual(starts, [0, 0, 1000, 1000, 2000, 2000, 3000]);
  });

  it('hands out turns one at a time to concurrent callers', async () => {
    const clock = fakeClock();
    const pacer = createCallPacer({ maxCalls: 2, intervalMs: 1000, clock });
    const starts = await Promise.all(
      Array.from({ length: 5 }, () => pacer.waitForTurn().then(() => clock.now())),
    );
    for (let index = 2; index < starts.length; index += 1) {
      assert.ok(starts[index] - starts[index - 2] >= 1000, `calls ${index - 2} and ${index}: ${starts}`);
    }
  });

  it('does not wait when calls are already spaced out', async () => {
    const clock = fakeClock();
    const pacer = createCallPacer({ maxCalls: 2, intervalMs: 1000, clock });
    for (let call = 0; call < 4; call += 1) {
      await pacer.waitForTurn();
      await clock.sleep(600);
    }
    assert.deepEqual(clock.sleeps, [600, 600, 600, 600]);
  });

  it('rejects a limit that cannot be met', () => {
    assert.throws(() => createCallPacer({ maxCalls: 0, intervalMs: 1000 }), /maxCalls/);
    assert.throws(() => createCallPacer({ maxCalls: 2, intervalMs: 0 }), /intervalMs/);
  });
});
