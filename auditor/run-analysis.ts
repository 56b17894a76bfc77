// What the audit's records mean: findings, maturity, the comparison with the previous run and the
// run history. Pure, like the rules; the CLI feeds it and hands the result to the writers.
import { compareRuns, type RunComparison } from './compare';
import { evaluateFindings, type Finding, type FindingThresholds } from './findings';
import { appendToHistory, emptyHistory, historyEntry, type RunHistory } from './history';
import { assessMaturity, type MaturitySummary } from './maturity';
import type { AuditRun } from './model';

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
