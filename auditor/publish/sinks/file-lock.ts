// A lock file beside a file that several runs update (history.json, read, merged and written by
// every run into the same directory): `<file>.lock`, created exclusively, holding its owner's pid
// and when it was taken. A run that finds it waits; a lock whose owner is gone (its pid runs no
// process here) or that is older than LOCK_STALE_AFTER_MS is stale, left by a killed run, and is
// taken over. The work under the lock is a read, a merge and an atomic write: milliseconds.
import { open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** A lock older than this was left by a run that died holding it (the work under it takes milliseconds). */
export const LOCK_STALE_AFTER_MS = 10_000;
/** How long a run waits for a lock another live run holds, before it gives up on the update. */
export const LOCK_WAIT_MS = 15_000;
const LOCK_POLL_MS = 50;

export class FileLockTimeout extends Error {
  override readonly name = 'FileLockTimeout';
}

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file)}.lock`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The content of the lock at `lockPath` when it was left by a run that is gone, else null. */
async function staleLock(lockPath: string, now: number, staleAfterMs: number): Promise<string | null> {
  let info;
  let content;
  try {
    info = await stat(lockPath);
    content = await readFile(lockPath, 'utf8');
  } catch {
    // Released meanwhile: not stale, just free; the next attempt takes it.
    return null;
  }
  if (now - info.mtimeMs > staleAfterMs) return content;
  const pid = Number(content.split('\n')[0]);
  // A pid that is ours belongs to another run of this process (tests run two at once): not stale.
  return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid) ? content : null;
}

export interface FileLockOptions {
  waitMs?: number;
  staleAfterMs?: number;
}

/**
 * Runs `work` holding the lock of `file`, and releases it however `work` ends. Throws
 * FileLockTimeout, without running `work`, when a live owner holds it longer than `waitMs`.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lockPath = lockPathFor(file);
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const staleAfterMs = options.staleAfterMs ?? LOCK_STALE_AFTER_MS;
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n${new Date().toISOString()}\n`, 'utf8');
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stale = await staleLock(lockPath, Date.now(), staleAfterMs);
    if (stale !== null) {
      // Removed only if it is still the lock judged stale (its pid and time are its own), so a run
      // that took it over a moment ago does not lose it to a second run clearing the same stale lock.
      const now = await readFile(lockPath, 'utf8').catch(() => null);
      if (now === stale) await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > waitMs) throw new FileLockTimeout(`${lockPath} is held by another run for more than ${waitMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
