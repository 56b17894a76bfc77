// iam_audit_<ts>.json: the whole run as the model holds it (with its schemaVersion), plus the
// summary, so one file carries everything the CSV files do.
import type { ExemptionsOutcome } from '../analysis/apply-exemptions';
import type { RunComparison } from '../analysis/comparison';
import { DEFAULT_THRESHOLDS, type Finding, type FindingThresholds } from '../analysis/findings';
import type { MaturitySummary } from '../analysis/maturity';
import { writtenCoverage, type WrittenCoverage } from '../coverage-reasons';
import type { AccountAudit, AuditRun } from '../model';
import type { RunAnalysis } from '../analysis/run-analysis';
import { summarizeRun, type RunSummary } from '../analysis/summary';
import { prettyJsonChunks } from './json-chunks';

/** With the run's analysis, also its findings, maturity and (with a previous run) comparison. */
export type JsonReport = Omit<AuditRun, 'accounts'> & {
  accounts: (Omit<AccountAudit, 'coverage'> & { coverage: WrittenCoverage })[];
  summary: RunSummary;
  thresholds?: FindingThresholds;
  findings?: Finding[];
  maturity?: MaturitySummary;
  comparison?: RunComparison;
  exemptions?: ExemptionsOutcome;
};

function buildJsonReport(run: AuditRun, analysis?: RunAnalysis): JsonReport {
  // Without an analysis (a shard's part) no report flags were given: the defaults judge the figures.
  const thresholds = analysis?.thresholds ?? DEFAULT_THRESHOLDS;
  // The reasons are written as their text; the rest of each account as the model holds it.
  const accounts = run.accounts.map((audit) => ({ ...audit, coverage: writtenCoverage(audit.coverage) }));
  const report: JsonReport = { ...run, accounts, summary: summarizeRun(run, thresholds.keyMaxAgeDays) };
  if (analysis !== undefined) {
    report.thresholds = analysis.thresholds;
    report.findings = analysis.findings;
    report.maturity = analysis.maturity;
    if (analysis.comparison !== undefined) report.comparison = analysis.comparison;
    if (analysis.exemptions !== undefined) report.exemptions = analysis.exemptions;
  }
  return report;
}

/** The report in pieces, an account or a finding at a time; joined, the pretty-printed JSON of the whole report. */
export function* jsonReportChunks(run: AuditRun, analysis?: RunAnalysis): Generator<string> {
  yield* prettyJsonChunks(buildJsonReport(run, analysis), ['accounts', 'findings']);
  yield '\n';
}
