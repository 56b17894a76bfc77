// iam_audit_report_<ts>.csv: the seed's columns, one row per access key and one row for each user
// without keys, so console users without keys (the seed's blind spot) are listed too. The seed's
// columns come first and unchanged; what the seed did not have is only ever added after them.
import type { AccessKeyRecord, AccountAudit, AuditRun, IamUserRecord } from '../model';
import type { ColumnKinds } from './column-kinds';
import { csvChunks } from './csv';
import { defineCsvReport, plainRows } from './csv-report';
import { dateOrNever } from './dates';

export const IAM_USERS_HEADER = [
  'account_id',
  'account_name',
  'username',
  'password_status',
  'password_last_used',
  'access_key_id',
  'status',
  'created_date',
  'last_used_date',
  'service_name',
  'mfa_status',
  'user_arn',
  'user_created_date',
] as const;

export const IAM_USERS_COLUMN_KINDS: ColumnKinds<typeof IAM_USERS_HEADER> = {
  account_id: 'id',
  access_key_id: 'id',
  password_last_used: 'date',
  created_date: 'date',
  last_used_date: 'date',
  user_created_date: 'date',
};

/** `service_name` of a key that was never used (the seed's value). */
export const NO_SERVICE = 'N/A';

function userKeyRow(account: AccountAudit, user: IamUserRecord, key: AccessKeyRecord | null): string[] {
  return [
    account.account.id,
    account.account.name,
    user.userName,
    user.passwordEnabled ? 'Configured' : 'Not configured',
    // A user without a password has never signed in with one: `Never`, and password_status says why.
    dateOrNever(user.passwordLastUsed),
    key?.accessKeyId ?? '',
    key?.status ?? '',
    key?.createdDate ?? '',
    key === null ? '' : dateOrNever(key.lastUsedDate),
    key === null ? '' : key.lastUsedService ?? NO_SERVICE,
    user.mfaType,
    user.arn,
    user.createdDate,
  ];
}

/** The rows one at a time, so the report can be written without holding them all. */
export function* iamUsersRowStream(run: AuditRun): Generator<string[]> {
  for (const account of run.accounts) {
    for (const user of account.users) {
      if (user.accessKeys.length === 0) yield userKeyRow(account, user, null);
      for (const key of user.accessKeys) yield userKeyRow(account, user, key);
    }
  }
}

export function iamUsersCsvChunks(run: AuditRun): Generator<string> {
  return csvChunks(IAM_USERS_HEADER, iamUsersRowStream(run));
}

export const IAM_USERS_REPORT = defineCsvReport({
  stem: 'iam_audit_report',
  header: IAM_USERS_HEADER,
  kinds: IAM_USERS_COLUMN_KINDS,
  sheet: 'Users',
  rows: (run) => plainRows(iamUsersRowStream(run)),
});
