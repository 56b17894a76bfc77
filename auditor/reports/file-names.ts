// Every file of a run carries the run's one timestamp (`AuditRun.runTimestamp`, like
// `20240131T120000Z`), so the files of one run sort and travel together.

/** `<stem>_<timestamp>.<extension>`, e.g. `coverage_20240131T120000Z.csv`. */
export function reportFileName(stem: string, runTimestamp: string, extension: string): string {
  // The timestamp becomes part of a path: refuse anything that could leave the output directory.
  if (!/^[0-9A-Za-z_.-]+$/.test(runTimestamp) || runTimestamp.startsWith('.')) {
    throw new Error(`run timestamp ${JSON.stringify(runTimestamp)} cannot be used in a file name`);
  }
  return `${stem}_${runTimestamp}.${extension}`;
}
