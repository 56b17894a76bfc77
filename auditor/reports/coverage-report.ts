// coverage_<ts>.csv: every account Organizations listed, exactly once, with whether it was audited
// and why not. An account that is not in this file was not listed by Organizations.
import { coverageReasonText } from '../coverage-reasons';
import type { AccountAudit, AuditRun } from '../model';
import type { ColumnKinds } from './column-kinds';
import { toCsv } from './csv';
import { defineCsvReport, plainRows } from './csv-report';

export const COVERAGE_HEADER = ['account_id', 'account_name', 'state', 'audited', 'error'] as const;

export const COVERAGE_COLUMN_KINDS: ColumnKinds<typeof COVERAGE_HEADER> = { account_id: 'id', error: 'prose' };

/** Joins the messages of one account; none of them is dropped. */
export const ERROR_SEPARATOR = ' | ';

export const PER_USER_FALLBACK_NOTE = 'users listed with per-user calls: the IAM credential report could not be had';

/** The account's reasons as text, then how its users were read when that was the slower way. */
export function coverageMessages(audit: AccountAudit): string[] {
  const messages = audit.coverage.errors.map(coverageReasonText);
  if (audit.coverage.userSource === 'per-user') messages.push(PER_USER_FALLBACK_NOTE);
  return messages;
}

export function coverageRows(run: AuditRun): string[][] {
  return run.accounts.map((audit) => [
    audit.account.id,
    audit.account.name,
    audit.coverage.state,
    audit.coverage.audited,
    coverageMessages(audit).join(ERROR_SEPARATOR),
  ]);
}

export function coverageCsv(run: AuditRun): string {
  return toCsv(COVERAGE_HEADER, coverageRows(run));
}

export const COVERAGE_REPORT = defineCsvReport({
  stem: 'coverage',
  header: COVERAGE_HEADER,
  kinds: COVERAGE_COLUMN_KINDS,
  sheet: 'Coverage',
  rows: (run) => plainRows(coverageRows(run)),
});
