// Every file of a run carries the run's name: its one timestamp (`AuditRun.runTimestamp`, like
// `20240131T120000Z`) and its short id (`AuditRun.runId`, six hex digits), so the files of one run
// sort and travel together and two runs started in the same second never share a name.
import type { AuditRun } from '../model';

/**
 * `20240131T120000Z-3f9a1c`: what the run's file names and its S3 folder carry. A run without an
 * id (a shard's part, whose shards share one name; a report of an older auditor) is named by its
 * timestamp alone.
 */
export function runName(run: Pick<AuditRun, 'runTimestamp' | 'runId'>): string {
  return run.runId === undefined ? run.runTimestamp : `${run.runTimestamp}-${run.runId}`;
}

/** A run's name in a file name or key, as a pattern whose first group is the timestamp. */
export const RUN_NAME_PATTERN = '(\\d{8}T\\d{6}Z)(?:-[0-9a-f]{6})?';

/** `<stem>_<run name>.<extension>`, e.g. `coverage_20240131T120000Z-3f9a1c.csv`. */
export function reportFileName(stem: string, runTimestamp: string, extension: string): string {
  // The timestamp becomes part of a path: refuse anything that could leave the output directory.
  if (!/^[0-9A-Za-z_.-]+$/.test(runTimestamp) || runTimestamp.startsWith('.')) {
    throw new Error(`run timestamp ${JSON.stringify(runTimestamp)} cannot be used in a file name`);
  }
  return `${stem}_${runTimestamp}.${extension}`;
}
