// How a finished run is told in brief: one line for people (printed even with `--quiet`) and one
// JSON document for scripts and CI (`--format json`). Both are built from the same figures as the
// closing summary and the reports, never counted again.
import { SEVERITIES, type FindingCounts } from '../analysis/findings';
import type { MaturityLevel } from '../analysis/maturity';
import type { ComparisonCounts } from '../analysis/comparison';
import type { RunSummary } from '../analysis/summary';
import type { AuditRun } from '../model';
import { isAuditIncomplete } from '../analysis/facts';
import { coverageReasonText } from '../coverage-reasons';

/** Bumped when a field changes meaning or goes away; new fields do not bump it. */
export const RUN_RESULT_SCHEMA_VERSION = 1;

export interface AccountNotAudited {
  accountId: string;
  accountName: string;
  audited: 'partial' | 'no';
  errors: string[];
}

export interface RunResult {
  schemaVersion: number;
  runTimestamp: string;
  /** With the timestamp, the run's name in its file names (`<runTimestamp>-<runId>`); null for a run without one. */
  runId: string | null;
  exitCode: number;
  /** Every account not deliberately skipped was audited completely. */
  complete: boolean;
  summary: Omit<RunSummary, 'complete'>;
  /** The accounts that were listed and meant to be audited but were not, or only in part, and why. */
  coverageGaps: AccountNotAudited[];
  /** Open findings by severity: those no exemption mutes. */
  findings: FindingCounts;
  /** Findings muted by `--exemptions`; null without an exemptions file. */
  mutedFindings: number | null;
  maturity: { mfa: MaturityLevel; temporaryCredentials: MaturityLevel };
  reports: {
    /** The local directory and, with `--s3-uri`, the run's S3 prefix. */
    locations: string[];
    /** The dashboard's local path, when it was written. */
    dashboard: string | null;
    /** Files that could not be written, with the reason. */
    failed: { location: string; reason: string }[];
  };
  /** Null when there was no previous run to compare with (or `--no-compare`). */
  comparison: ComparisonCounts | null;
}

export function coverageGaps(run: AuditRun): AccountNotAudited[] {
  return run.accounts
    .filter(isAuditIncomplete)
    .map((account) => ({
      accountId: account.account.id,
      accountName: account.account.name,
      audited: account.coverage.audited === 'partial' ? 'partial' : 'no',
      errors: account.coverage.errors.map(coverageReasonText),
    }));
}

function outcomeWord(result: RunResult): string {
  if (result.exitCode === 1) return 'failed';
  if (result.exitCode === 3) return 'findings at or above --fail-on';
  return result.complete ? 'complete' : 'incomplete';
}

/** `iam-audit 20240301T120000Z: complete; 3 of 3 accounts audited; findings 1 critical, ...; dashboard <path>` */
export function formatResultLine(result: RunResult): string {
  const { accounts } = result.summary;
  const inScope = accounts.listed - accounts.skipped;
  const findings = SEVERITIES.map((severity) => `${result.findings[severity]} ${severity}`).join(', ');
  const parts = [
    `${accounts.audited} of ${inScope} accounts audited${accounts.partial + accounts.notAudited > 0 ? ` (${accounts.partial} partial, ${accounts.notAudited} not audited)` : ''}`,
    `findings ${findings}${result.mutedFindings === null ? '' : ` (${result.mutedFindings} muted)`}`,
  ];
  if (result.comparison !== null) parts.push(`since ${result.comparison.previousRunTimestamp}: ${result.comparison.newFindings} new, ${result.comparison.resolvedFindings} resolved`);
  if (result.reports.dashboard !== null) parts.push(`dashboard ${result.reports.dashboard}`);
  else if (result.reports.locations.length > 0) parts.push(`reports ${result.reports.locations.join(', ')}`);
  return `iam-audit ${result.runId === null ? result.runTimestamp : `${result.runTimestamp}-${result.runId}`}: ${outcomeWord(result)}; ${parts.join('; ')}`;
}
