// iam_audit_<ts>.json: the whole run as the model holds it (with its schemaVersion), plus the
// summary, so one file carries everything the CSV files do.
import type { RunComparison } from '../compare';
import type { Finding, FindingThresholds } from '../findings';
import type { MaturitySummary } from '../maturity';
import type { AuditRun } from '../model';
import type { RunAnalysis } from '../run-analysis';
import { summarizeRun, type RunSummary } from '../summary';

/** With the run's analysis, also its findings, maturity and (with a previous run) comparison. */
export type JsonReport = AuditRun & {
  summary: RunSummary;
  thresholds?: FindingThresholds;
  findings?: Finding[];
  maturity?: MaturitySummary;
  comparison?: RunComparison;
};

export function jsonReport(run: AuditRun, analysis?: RunAnalysis): string {
  const report: JsonReport = { ...run, summary: summarizeRun(run) };
  if (analysis !== undefined) {
    report.thresholds = analysis.thresholds;
    report.findings = analysis.findings;
    report.maturity = analysis.maturity;
    if (analysis.comparison !== undefined) report.comparison = analysis.comparison;
  }
  return `${JSON.stringify(report, null, 2)}\n`;
}
