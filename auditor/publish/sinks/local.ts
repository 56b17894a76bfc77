// Reports into a local directory. Each file is written to a temporary name beside it and renamed
// into place, so a reader (or a crash) never sees half a report under the final name.
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ReportFile } from '../../reports';
import { errorMessage, type SinkOutcome } from './sink-outcome';

/** Creates the directory if needed and checks it can be written, before the audit spends any time. */
export async function prepareOutputDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await access(directory, constants.W_OK);
}

/** Pieces are gathered up to this size before a write, so small pieces do not mean many small writes. */
const WRITE_BUFFER_CHARS = 1 << 20;

async function writeFileAtomically(target: string, file: ReportFile): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      // A file's pieces are written as they are built: a large report never has to be one string.
      let pending = '';
      for (const chunk of file.chunks?.() ?? [file.body]) {
        pending += chunk;
        if (pending.length >= WRITE_BUFFER_CHARS) {
          await handle.writeFile(pending, 'utf8');
          pending = '';
        }
      }
      if (pending.length > 0) await handle.writeFile(pending, 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
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
