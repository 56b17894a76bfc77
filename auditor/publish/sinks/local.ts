// Reports into a local directory. Each file is written to a temporary name beside it and renamed
// into place, so a reader (or a crash) never sees half a report under the final name. Temporary
// files of this process are removed on any exit; those a killed run left behind, by the next run.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { access, constants, mkdir, open, readdir, rename, rm, rmdir, stat, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { isByteStreamReport, type ReportFile, type TextReportFile } from '../../reports/report-file';
import { type SinkOutcome } from './sink-outcome';
import { errorMessage } from '../../values/error-text';

/**
 * Filesystems of the kernel's own (proc, sys, cgroups, debugfs...) accept no reports, and Node 20's
 * recursive mkdir loops forever on some of them (`/proc/nope`): they are refused by their magic
 * number (statfs(2)) before anything is created.
 */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x1cd1, 'devpts'],
]);

/** A directory that does not answer in this time (a hung network mount) is given up on. */
export const OUTPUT_DIRECTORY_PROBE_MS = 10_000;

export class OutputDirectoryError extends Error {
  override readonly name = 'OutputDirectoryError';
}

function withinTime<T>(work: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new OutputDirectoryError(`${what} did not answer within ${milliseconds / 1000} s`)), milliseconds);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

async function existingAncestor(directory: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  let current = directory;
  for (;;) {
    try {
      const found = await stat(current);
      if (!found.isDirectory()) throw new OutputDirectoryError(`${current} is not a directory`);
      return { existing: current, missing };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) throw error;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** Returns the topmost directory it created, if any. */
async function probeOutputDirectory(directory: string): Promise<string | undefined> {
  const absolute = path.resolve(directory);
  const { existing, missing } = await existingAncestor(absolute);
  const filesystem = PSEUDO_FILESYSTEMS.get((await statfs(existing)).type);
  if (filesystem !== undefined) throw new OutputDirectoryError(`${existing} is on the kernel's ${filesystem} filesystem, where no report can be written`);
  await access(existing, constants.W_OK);
  // One level at a time: each step is an ordinary mkdir whose failure says which directory it was.
  let current = existing;
  for (const name of missing) {
    current = path.join(current, name);
    await mkdir(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await access(absolute, constants.W_OK);
  return missing.length > 0 ? path.join(existing, missing[0]) : undefined;
}

/**
 * Creates the directory if needed and checks it can be written, before the audit spends any time:
 * the first existing ancestor must be a writable directory on an ordinary filesystem, and the whole
 * probe ends within OUTPUT_DIRECTORY_PROBE_MS. Returns the topmost directory it created, if any,
 * for `removeCreatedDirectoryIfEmpty`.
 */
export async function prepareOutputDirectory(directory: string, probeMs = OUTPUT_DIRECTORY_PROBE_MS): Promise<string | undefined> {
  return withinTime(probeOutputDirectory(directory), probeMs, directory);
}

// `.<file name>.<pid>.<8 hex>.tmp`: the pid says whose file it is, the random part keeps two writes
// of one file apart.
const TEMPORARY_FILE = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The temporary files this process is writing; removed on any exit by `removeOwnTemporaryFiles`. */
const ownTemporaryFiles = new Set<string>();

/** Removes this process's temporary files. Synchronous, so it can run in an `exit` handler. */
export function removeOwnTemporaryFiles(): void {
  for (const file of ownTemporaryFiles) rmSync(file, { force: true });
  ownTemporaryFiles.clear();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A temporary file is left over when its writer is gone: its pid runs no process here and it has
 * not changed for a minute, or it has not changed for an hour whatever its pid says (pids are
 * reused, and a directory shared by containers sees pids of other namespaces). A live writer
 * touches its file at every megabyte, so neither takes a file that is still being written.
 */
export const LEFTOVER_OF_DEAD_PID_AFTER_MS = 60 * 1000;
export const LEFTOVER_AFTER_MS = 60 * 60 * 1000;

/** Removes the temporary files earlier, killed runs left in `directory`; returns their names. */
export async function removeLeftoverTemporaryFiles(directory: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY_FILE.exec(name);
    if (match === null) continue;
    const file = path.join(directory, name);
    if (ownTemporaryFiles.has(file)) continue;
    const pid = Number(match[2]);
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      const idleMs = now - info.mtimeMs;
      const dead = pid !== process.pid && !isRunning(pid);
      if (idleMs > LEFTOVER_AFTER_MS || (dead && idleMs > LEFTOVER_OF_DEAD_PID_AFTER_MS)) {
        await rm(file, { force: true });
        removed.push(name);
      }
    } catch {
      // Gone meanwhile, or not ours to remove: either way nothing to do.
    }
  }
  return removed;
}

/**
 * A run that failed before writing anything leaves no empty `--out-dir` behind: the directories
 * `prepareOutputDirectory` created, from `directory` up to `createdRoot`, are removed while empty.
 * Anything written into them, by this run or another, keeps them.
 */
export async function removeCreatedDirectoryIfEmpty(directory: string, createdRoot: string): Promise<void> {
  const root = path.resolve(createdRoot);
  let current = path.resolve(directory);
  for (;;) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    const parent = path.dirname(current);
    if (current === root || parent === current) return;
    current = parent;
  }
}

/** Pieces are gathered up to this size before a write, so small pieces do not mean many small writes. */
const WRITE_BUFFER_CHARS = 1 << 20;

// A file's pieces are written as they are built: a large report never has to be one string.
async function writeTextInPieces(handle: FileHandle, file: TextReportFile): Promise<void> {
  let pending = '';
  for (const chunk of file.chunks?.() ?? [file.body]) {
    pending += chunk;
    if (pending.length >= WRITE_BUFFER_CHARS) {
      await handle.writeFile(pending, 'utf8');
      pending = '';
    }
  }
  if (pending.length > 0) await handle.writeFile(pending, 'utf8');
}

// Each piece is written before the next is read, so the producer waits for the disk.
async function writeBytes(handle: FileHandle, bytes: Readable): Promise<void> {
  for await (const chunk of bytes) await handle.write(chunk as Buffer);
}

async function writeFileAtomically(target: string, file: ReportFile): Promise<void> {
  const temporary = temporaryPathFor(target);
  ownTemporaryFiles.add(temporary);
  try {
    const handle = await open(temporary, 'wx');
    try {
      if (isByteStreamReport(file)) await writeBytes(handle, file.stream());
      else await writeTextInPieces(handle, file);
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    ownTemporaryFiles.delete(temporary);
  }
}

/** Writes every file it can; one failing file does not stop the others. */
export async function writeReportsToDirectory(directory: string, files: readonly ReportFile[]): Promise<SinkOutcome> {
  const outcome: SinkOutcome = { written: [], failed: [] };
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    const reason = `cannot create directory ${directory}: ${errorMessage(error)}`;
    for (const file of files) outcome.failed.push({ fileName: file.fileName, location: path.join(directory, file.fileName), reason });
    return outcome;
  }
  for (const file of files) {
    const target = path.join(directory, file.fileName);
    try {
      await writeFileAtomically(target, file);
      outcome.written.push({ fileName: file.fileName, location: target });
    } catch (error) {
      outcome.failed.push({ fileName: file.fileName, location: target, reason: errorMessage(error) });
    }
  }
  return outcome;
}
