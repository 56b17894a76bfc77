// What the audit's records mean: findings, exemptions, maturity, the comparison with the previous
// run and the run history. Pure, like the rules; the CLI feeds it and hands the result to the writers.
import { applyExemptions, openFindings, type ExemptionsOutcome } from './apply-exemptions';
import { compareRuns, formatComparison, type RunComparison } from './comparison';
import { describeExemption, type ExemptionList } from './exemptions';
import { countBySeverity, evaluateFindings, isAtOrAbove, SEVERITIES, type Finding, type FindingThresholds, type Severity } from './findings';
import { appendToHistory, emptyHistory, historyEntry, isEntryOf, type RunHistory } from './history';
import { assessMaturity, formatMaturity, type MaturitySummary } from './maturity';
import type { AuditRun } from '../model';
import { plural } from '../values/plural';

export interface RunAnalysis {
  thresholds: FindingThresholds;
  /** Every finding, worst first; those an exemption mutes carry `muted`. */
  findings: Finding[];
  maturity: MaturitySummary;
  comparison?: RunComparison;
  /** Earlier runs and this one, oldest first. */
  history: RunHistory;
  /** With an exemptions file: what it muted, and its expired and unused entries. */
  exemptions?: ExemptionsOutcome;
}

export function analyseRun(run: AuditRun, thresholds: FindingThresholds, previous?: AuditRun, history: RunHistory = emptyHistory(), exemptions?: ExemptionList): RunAnalysis {
  const ruleFindings = evaluateFindings(run, thresholds);
  const applied = exemptions === undefined ? undefined : applyExemptions(ruleFindings, exemptions, run, thresholds);
  const findings = applied?.findings ?? ruleFindings;
  const maturity = assessMaturity(run, thresholds.keyMaxAgeDays);
  let runs = history;
  // Without a history the previous report still gives the trend its first point.
  if (previous !== undefined && !runs.entries.some((entry) => isEntryOf(entry, previous))) {
    runs = appendToHistory(runs, historyEntry(previous, evaluateFindings(previous, thresholds), assessMaturity(previous, thresholds.keyMaxAgeDays)));
  }
  runs = appendToHistory(runs, historyEntry(run, openFindings(findings), maturity));
  const analysis: RunAnalysis = { thresholds, findings, maturity, history: runs };
  // Compared on the rules' findings: muting or un-muting a finding, or an exemption expiring,
  // changes nothing in the organization, so it is neither a new nor a resolved finding.
  if (previous !== undefined) analysis.comparison = compareRuns(previous, run, thresholds, ruleFindings);
  if (applied !== undefined) analysis.exemptions = applied.outcome;
  return analysis;
}

/** The lines printed after the run summary: open findings by severity, exemptions, maturity and what changed. */
export function formatAnalysis(analysis: RunAnalysis): string {
  const counts = countBySeverity(openFindings(analysis.findings));
  const muted = analysis.findings.length - openFindings(analysis.findings).length;
  const mutedNote = analysis.exemptions === undefined ? '' : ` (${muted} more muted by exemptions)`;
  const parts = [`Findings: ${SEVERITIES.map((severity) => `${counts[severity]} ${severity}`).join(', ')}${mutedNote}\n`];
  if (analysis.exemptions !== undefined) parts.push(formatExemptionsOutcome(analysis.exemptions));
  parts.push(formatMaturity(analysis.maturity));
  if (analysis.comparison !== undefined) parts.push(formatComparison(analysis.comparison));
  return parts.join('');
}

function formatExemptionsOutcome(outcome: ExemptionsOutcome): string {
  const lines = [`Exemptions (${outcome.source}): ${plural(outcome.entries, 'entry', 'entries')}, ${plural(outcome.mutedFindings, 'finding')} muted, ${outcome.expired.length} expired, ${outcome.unused.length} unused`];
  for (const entry of outcome.expired) lines.push(`  expired: ${entry.declaredAt}, ${describeExemption(entry)}, on ${entry.expires} (an exemption-expired finding)`);
  return `${lines.join('\n')}\n`;
}

/** True when `--fail-on` is given and an open (not muted) finding is at or above it. */
export function reachesFailOn(analysis: RunAnalysis, failOn: Severity | undefined): boolean {
  return failOn !== undefined && openFindings(analysis.findings).some((finding) => isAtOrAbove(finding.severity, failOn));
}
