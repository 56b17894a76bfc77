import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileLockTimeout, lockPathFor, withFileLock } from '../../../../auditor/publish/sinks/file-lock';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('the lock beside a shared file', () => {
  let directory: string;
  let file: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'iam-audit-lock-'));
    file = path.join(directory, 'history.json');
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('runs one holder at a time and removes the lock after', async () => {
    const order: string[] = [];
    const hold = (name: string) => withFileLock(file, async () => {
      order.push(`${name} in`);
      await sleep(100);
      order.push(`${name} out`);
    });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let index = 0; index < order.length; index += 2) assert.equal(order[index + 1], order[index].replace(' in', ' out'), order.join(', '));
    assert.deepEqual(await readdir(directory), []);
  });

  it('releases the lock when the work throws', async () => {
    await assert.rejects(withFileLock(file, async () => Promise.reject(new Error('boom'))), /boom/);
    assert.deepEqual(await readdir(directory), []);
  });

  it('takes over a lock whose owner is gone, and one too old to be held by a live run', async () => {
    // A pid no process has (the kernel's pid_max is at most 2^22).
    await writeFile(lockPathFor(file), `${2 ** 22 + 1}\n2024-01-01T00:00:00.000Z\n`);
    assert.equal(await withFileLock(file, async () => 'dead owner', { waitMs: 1_000 }), 'dead owner');
    await writeFile(lockPathFor(file), `1\n2024-01-01T00:00:00.000Z\n`);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPathFor(file), old, old);
    assert.equal(await withFileLock(file, async () => 'old lock', { waitMs: 1_000 }), 'old lock');
  });

  it('gives up, without running the work, on a fresh lock of a live run', async () => {
    // pid 1 is always running.
    await writeFile(lockPathFor(file), `1\n${new Date().toISOString()}\n`);
    let ran = false;
    await assert.rejects(
      withFileLock(file, async () => {
        ran = true;
      }, { waitMs: 300 }),
      (error: unknown) => error instanceof FileLockTimeout && /history\.json\.lock is held by another run/.test(error.message),
    );
    assert.equal(ran, false);
  });
});
