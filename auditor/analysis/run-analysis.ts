// What the audit's records mean: findings, maturity, the comparison with the previous run and the
// run history. Pure, like the rules; the CLI feeds it and hands the result to the writers.
import { compareRuns, formatComparison, type RunComparison } from './comparison';
import { countBySeverity, evaluateFindings, isAtOrAbove, SEVERITIES, type Finding, type FindingThresholds, type Severity } from './findings';
import { appendToHistory, emptyHistory, historyEntry, type RunHistory } from './history';
import { assessMaturity, formatMaturity, type MaturitySummary } from './maturity';
import type { AuditRun } from '../model';

export interface RunAnalysis {
  thresholds: FindingThresholds;
  findings: Finding[];
  maturity: MaturitySummary;
  comparison?: RunComparison;
  /** Earlier runs and this one, oldest first. */
  history: RunHistory;
}

export function analyseRun(run: AuditRun, thresholds: FindingThresholds, previous?: AuditRun, history: RunHistory = emptyHistory()): RunAnalysis {
  const findings = evaluateFindings(run, thresholds);
  const maturity = assessMaturity(run, thresholds.keyMaxAgeDays);
  let runs = history;
  // Without a history the previous report still gives the trend its first point.
  if (previous !== undefined && !runs.entries.some((entry) => entry.runTimestamp === previous.runTimestamp)) {
    runs = appendToHistory(runs, historyEntry(previous, evaluateFindings(previous, thresholds), assessMaturity(previous, thresholds.keyMaxAgeDays)));
  }
  runs = appendToHistory(runs, historyEntry(run, findings, maturity));
  const analysis: RunAnalysis = { thresholds, findings, maturity, history: runs };
  if (previous !== undefined) analysis.comparison = compareRuns(previous, run, thresholds, findings);
  return analysis;
}

/** The lines printed after the run summary: findings by severity, maturity and what changed. */
export function formatAnalysis(analysis: RunAnalysis): string {
  const counts = countBySeverity(analysis.findings);
  const parts = [`Findings: ${SEVERITIES.map((severity) => `${counts[severity]} ${severity}`).join(', ')}\n`, formatMaturity(analysis.maturity)];
  if (analysis.comparison !== undefined) parts.push(formatComparison(analysis.comparison));
  return parts.join('');
}

/** True when `--fail-on` is given and a finding is at or above it. */
export function reachesFailOn(analysis: RunAnalysis, failOn: Severity | undefined): boolean {
  return failOn !== undefined && analysis.findings.some((finding) => isAtOrAbove(finding.severity, failOn));
}
