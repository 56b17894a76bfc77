// The root user's credentials, from the credential report's `<root_account>` row and the account
// summary. The summary is authoritative for "is MFA on", "is there a root password" and "are there
// root keys"; the report adds
// what only it knows (password last used, which keys are active, signing certificates).

import { GetAccountSummaryCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { MfaDeviceRecord, RootRecord } from '../model';
import type { CredentialReportRow } from './credential-report';

export const ROOT_ACTIONS = ['iam:GetAccountSummary'] as const;

export interface AccountSummaryFacts {
  mfaEnabled: boolean;
  accessKeysPresent: number;
  /** `AccountPasswordPresent`; null when the summary does not say (older endpoints). */
  passwordPresent: boolean | null;
}

export async function getAccountSummaryFacts(iam: IAMClient): Promise<AccountSummaryFacts> {
  const response = await iam.send(new GetAccountSummaryCommand({}));
  const summary = response.SummaryMap ?? {};
  return {
    mfaEnabled: (summary.AccountMFAEnabled ?? 0) > 0,
    accessKeysPresent: summary.AccountAccessKeysPresent ?? 0,
    passwordPresent: summary.AccountPasswordPresent === undefined ? null : summary.AccountPasswordPresent > 0,
  };
}

export interface RootSources {
  reportRow: CredentialReportRow | null;
  summary: AccountSummaryFacts | null;
  /** Root's virtual devices from `ListVirtualMFADevices`; null when that list could not be read. */
  rootVirtualDevices: readonly MfaDeviceRecord[] | null;
}

/** null when neither the report nor the summary could be read. */
export function buildRootRecord({ reportRow, summary, rootVirtualDevices }: RootSources): RootRecord | null {
  if (!reportRow && !summary) return null;
  const mfaEnabled = summary ? summary.mfaEnabled : reportRow?.mfaActive === true;
  let mfaType: RootRecord['mfaType'];
  if (!mfaEnabled) mfaType = 'None';
  else if (rootVirtualDevices === null) mfaType = 'Unknown';
  // Root MFA that is not a virtual device is a hardware token or a FIDO key; the root user's
  // devices cannot be listed by ListMFADevices from inside the account, so they are not told apart.
  else mfaType = rootVirtualDevices.length > 0 ? 'Virtual' : 'Hardware';
  const reportKeys = reportRow?.accessKeys ?? null;
  return {
    mfaEnabled,
    mfaType,
    // The summary is current, the report up to four hours old: no keys now means none active.
    accessKeysActive:
      summary?.accessKeysPresent === 0
        ? false
        : reportKeys
          ? reportKeys.some((key) => key.active)
          : (summary?.accessKeysPresent ?? 0) > 0,
    accessKeysPresent: summary ? summary.accessKeysPresent : (reportKeys?.length ?? 0),
    // The summary says whether a root password exists (none after centralized root access); the
    // report's root row writes `not_supported` there, so it only speaks when the summary cannot.
    passwordEnabled: summary?.passwordPresent ?? reportRow?.passwordEnabled ?? null,
    passwordLastUsed: reportRow?.passwordLastUsed ?? null,
    signingCertificatesActive: reportRow?.signingCertificatesActive ?? false,
  };
}
