// iam_audit_<ts>.json: the whole run as the model holds it (with its schemaVersion), plus the
// summary, so one file carries everything the CSV files do.
import type { AuditRun } from '../model';
import { summarizeRun, type RunSummary } from '../summary';

export type JsonReport = AuditRun & { summary: RunSummary };

export function jsonReport(run: AuditRun): string {
  const report: JsonReport = { ...run, summary: summarizeRun(run) };
  return `${JSON.stringify(report, null, 2)}\n`;
}
