// root_audit_report_<ts>.csv: one row per account whose root credentials could be read; the
// others are in the coverage report with the reason.
import type { AuditRun, RootRecord } from '../model';
import type { ColumnKinds } from './column-kinds';
import { toCsv } from './csv';
import { defineCsvReport, plainRows } from './csv-report';
import { dateOrNever } from './dates';
import { rootCredentials } from '../analysis/facts';

export const ROOT_HEADER = ['account_id', 'account_name', 'mfa_enabled', 'mfa_type', 'access_key_active', 'password_last_used', 'credentials'] as const;

export const ROOT_COLUMN_KINDS: ColumnKinds<typeof ROOT_HEADER> = { account_id: 'id', password_last_used: 'date' };

/** `password`, `access key`, both, or `no root credentials` (centralized root access). */
export function rootCredentialsText(root: RootRecord): string {
  const credentials = rootCredentials(root);
  return credentials.length === 0 ? 'no root credentials' : credentials.join(', ');
}

export function rootRows(run: AuditRun): string[][] {
  const rows: string[][] = [];
  for (const account of run.accounts) {
    const root = account.root;
    if (root === null) continue;
    rows.push([
      account.account.id,
      account.account.name,
      String(root.mfaEnabled),
      root.mfaType,
      String(root.accessKeysActive),
      dateOrNever(root.passwordLastUsed),
      rootCredentialsText(root),
    ]);
  }
  return rows;
}

export function rootCsv(run: AuditRun): string {
  return toCsv(ROOT_HEADER, rootRows(run));
}

export const ROOT_REPORT = defineCsvReport({
  stem: 'root_audit_report',
  header: ROOT_HEADER,
  kinds: ROOT_COLUMN_KINDS,
  sheet: 'Root',
  rows: (run) => plainRows(rootRows(run)),
});
