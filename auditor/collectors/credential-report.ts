// The IAM credential report: every user of an account, with password, key and MFA facts, in two or
// three calls. AWS builds it asynchronously and keeps it for four hours, so fetching means asking
// for it until it is COMPLETE and then downloading it.

import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { isAwsError } from '../aws/aws-error';

export const CREDENTIAL_REPORT_ACTIONS = ['iam:GenerateCredentialReport', 'iam:GetCredentialReport'] as const;

export const ROOT_ACCOUNT_USER = '<root_account>';

export interface CredentialReportKey {
  /** The report's `access_key_1_*` or `access_key_2_*` columns. */
  slot: 1 | 2;
  active: boolean;
  /** When the key was created (or last changed); matches the key's `CreateDate`. */
  lastRotated: string | null;
  /**
   * Whether the report says when the key was last used (a date, or `N/A` for never). Reports from
   * some AWS-compatible endpoints lack the last-used columns; the key's last use is then asked for.
   */
  lastUsedKnown: boolean;
  lastUsedDate: string | null;
  lastUsedRegion: string | null;
  lastUsedService: string | null;
}

export interface CredentialReportRow {
  user: string;
  arn: string;
  isRoot: boolean;
  userCreationTime: string | null;
  /** null when the report says `not_supported` (the root user) or anything unexpected. */
  passwordEnabled: boolean | null;
  passwordLastUsed: string | null;
  passwordLastChanged: string | null;
  /** null when the report does not say (no `mfa_active` column or an unexpected value). */
  mfaActive: boolean | null;
  /** Only the key columns that show a key (active, or with a creation date). */
  accessKeys: CredentialReportKey[];
  signingCertificatesActive: boolean;
}

export interface CredentialReport {
  /** When AWS generated the report (ISO-8601), null if the response did not say. */
  generatedTime: string | null;
  rows: CredentialReportRow[];
}

/** `N/A`, `no_information`, `not_supported`, empty or unparseable: no date. */
export function parseReportDate(value: string | undefined): string | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function parseReportBoolean(value: string | undefined): boolean | null {
  const text = value?.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return null;
}

function parseReportText(value: string | undefined): string | null {
  const text = value?.trim() ?? '';
  return text === '' || text === 'N/A' || text === 'no_information' || text === 'not_supported' ? null : text;
}

/**
 * Parses the report's CSV by column name, so added or reordered columns do not break it. A
 * document that is not a credential report is refused rather than read as an account without
 * users: it must have a header with the `user` and `arn` columns and exactly one `<root_account>`
 * row (AWS always writes one). An empty answer, `garbage`, an HTML page or a header alone would
 * otherwise be an account with nothing to find.
 */
export function parseCredentialReport(csvText: string): CredentialReportRow[] {
  if (csvText.trim() === '') throw new Error('the credential report is empty');
  let records: Record<string, string | undefined>[];
  let header: string[] = [];
  try {
    records = parse(csvText, {
      columns: (names: string[]) => (header = names.map((name) => name.trim().toLowerCase())),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string | undefined>[];
  } catch (error) {
    throw new Error(`the credential report is not CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!header.includes('user') || !header.includes('arn')) {
    throw new Error('the credential report has no "user" or "arn" column');
  }
  const roots = records.filter((record) => (record.user ?? '').trim() === ROOT_ACCOUNT_USER).length;
  if (roots !== 1) throw new Error(`the credential report has ${roots} ${ROOT_ACCOUNT_USER} rows, not exactly one`);
  return records
    .filter((record) => (record.user ?? '').trim() !== '')
    .map((record) => {
      const user = (record.user ?? '').trim();
      const accessKeys: CredentialReportKey[] = [];
      for (const slot of [1, 2] as const) {
        const prefix = `access_key_${slot}_`;
        const active = parseReportBoolean(record[`${prefix}active`]) === true;
        const lastRotated = parseReportDate(record[`${prefix}last_rotated`]);
        if (!active && lastRotated === null) continue;
        const lastUsedText = record[`${prefix}last_used_date`]?.trim();
        const lastUsedDate = parseReportDate(lastUsedText);
        accessKeys.push({
          slot,
          active,
          lastRotated,
          lastUsedKnown: lastUsedDate !== null || lastUsedText === 'N/A',
          lastUsedDate,
          lastUsedRegion: parseReportText(record[`${prefix}last_used_region`]),
          lastUsedService: parseReportText(record[`${prefix}last_used_service`]),
        });
      }
      return {
        user,
        arn: (record.arn ?? '').trim(),
        isRoot: user === ROOT_ACCOUNT_USER,
        userCreationTime: parseReportDate(record.user_creation_time),
        passwordEnabled: parseReportBoolean(record.password_enabled),
        passwordLastUsed: parseReportDate(record.password_last_used),
        passwordLastChanged: parseReportDate(record.password_last_changed),
        mfaActive: parseReportBoolean(record.mfa_active),
        accessKeys,
        signingCertificatesActive:
          parseReportBoolean(record.cert_1_active) === true || parseReportBoolean(record.cert_2_active) === true,
      };
    });
}

export interface FetchCredentialReportOptions {
  /** Waits between polls; injected so tests do not wait. */
  sleep: (milliseconds: number) => Promise<void>;
  /** Calls made before giving up (default 20, about a minute and a half of waiting). */
  maxAttempts?: number;
}

// A small account's report is usually ready within a second or two; large ones take longer.
const POLL_DELAYS_MS = [250, 500, 1000, 2000, 3000, 5000];
const LIMIT_EXCEEDED_DELAYS_MS = [2000, 4000, 8000, 10000];

function delayFor(delays: readonly number[], attempt: number): number {
  return delays[Math.min(attempt, delays.length - 1)];
}

export async function fetchCredentialReport(
  iam: IAMClient,
  options: FetchCredentialReportOptions,
): Promise<CredentialReport> {
  const maxAttempts = options.maxAttempts ?? 20;
  let mustGenerate = true;
  let polls = 0;
  let limitBackoffs = 0;
  let lastState = 'not requested';
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    try {
      if (mustGenerate) {
        const generated = await iam.send(new GenerateCredentialReportCommand({}));
        lastState = generated.State ?? 'unknown';
        if (generated.State !== 'COMPLETE') {
          await options.sleep(delayFor(POLL_DELAYS_MS, polls++));
          continue;
        }
        mustGenerate = false;
      }
      const report = await iam.send(new GetCredentialReportCommand({}));
      if (report.Content === undefined) throw new Error('GetCredentialReport returned no content');
      if (report.ReportFormat !== undefined && report.ReportFormat !== 'text/csv') {
        throw new Error(`GetCredentialReport returned format ${report.ReportFormat}, expected text/csv`);
      }
      return {
        generatedTime: report.GeneratedTime ? new Date(report.GeneratedTime).toISOString() : null,
        rows: parseCredentialReport(new TextDecoder('utf-8').decode(report.Content)),
      };
    } catch (error) {
      if (isAwsError(error, 'ReportInProgress', 'CredentialReportNotReadyException')) {
        lastState = 'ReportInProgress';
        await options.sleep(delayFor(POLL_DELAYS_MS, polls++));
      } else if (
        isAwsError(error, 'ReportNotPresent', 'CredentialReportNotPresentException', 'ReportExpired', 'CredentialReportExpiredException')
      ) {
        lastState = 'ReportNotPresent';
        mustGenerate = true;
      } else if (isAwsError(error, 'LimitExceeded', 'LimitExceededException')) {
        lastState = 'LimitExceeded';
        await options.sleep(delayFor(LIMIT_EXCEEDED_DELAYS_MS, limitBackoffs++));
      } else {
        throw error;
      }
    }
  }
  throw new Error(`the credential report was not ready after ${maxAttempts} attempts (last state: ${lastState})`);
}
