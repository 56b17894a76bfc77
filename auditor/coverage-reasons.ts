// A coverage reason as the text every report, the progress line and the findings show: written
// here only. The JSON report holds this text (`coverage.errors`), so a run read back from one
// (a previous run, a shard's part) carries its reasons as `recorded` text.
import type { AccountCoverage, CoverageReason } from './model';

export function coverageReasonText(reason: CoverageReason): string {
  switch (reason.kind) {
    case 'skipped':
      return `skipped: ${reason.detail}`;
    case 'timed-out':
      return `timed out after ${reason.detail}`;
    case 'stopped':
      return 'run stopped';
    default:
      return reason.detail;
  }
}

/** A reason read back from a JSON report: its text, as written. */
export function recordedReason(text: string): CoverageReason {
  return { kind: 'recorded', detail: text };
}

/** An account's coverage as its JSON report writes it, `errors` in the order the model holds them. */
export function writtenCoverage(coverage: AccountCoverage): WrittenCoverage {
  return { ...coverage, errors: coverage.errors.map(coverageReasonText) };
}

/** The coverage of an account in a JSON report: what the model holds, every reason as its text. */
export type WrittenCoverage = Omit<AccountCoverage, 'errors'> & { errors: string[] };
