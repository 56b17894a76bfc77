// The closing summary: the figures an auditor reads first, computed from the run alone so the
// JSON report and the terminal agree.
import type { AuditRun } from '../model';

/** Keys older than this are counted as due for rotation (CIS AWS Foundations 1.14). */
export const KEY_ROTATION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RunSummary {
  accounts: { listed: number; audited: number; partial: number; notAudited: number; skipped: number };
  users: number;
  consoleUsers: number;
  /** Users with a password and no MFA device. */
  consoleUsersWithoutMfa: number;
  accessKeys: { total: number; active: number; activeOlderThan90Days: number; activeNeverUsed: number };
  cloudTrailEvents: number;
  /** True when every account that was not deliberately skipped was audited completely. */
  complete: boolean;
}

export function summarizeRun(run: AuditRun): RunSummary {
  // Key age is measured from the start of the run, not the wall clock, so a report re-read later
  // says the same thing.
  const reference = Date.parse(run.startedAt);
  const summary: RunSummary = {
    accounts: { listed: run.accounts.length, audited: 0, partial: 0, notAudited: 0, skipped: 0 },
    users: 0,
    consoleUsers: 0,
    consoleUsersWithoutMfa: 0,
    accessKeys: { total: 0, active: 0, activeOlderThan90Days: 0, activeNeverUsed: 0 },
    cloudTrailEvents: 0,
    complete: true,
  };
  for (const account of run.accounts) {
    if (account.coverage.skipped !== null) summary.accounts.skipped += 1;
    else if (account.coverage.audited === 'yes') summary.accounts.audited += 1;
    else if (account.coverage.audited === 'partial') summary.accounts.partial += 1;
    else summary.accounts.notAudited += 1;

    summary.cloudTrailEvents += account.events.length;
    for (const user of account.users) {
      summary.users += 1;
      if (user.passwordEnabled) {
        summary.consoleUsers += 1;
        if (user.mfaType === 'None') summary.consoleUsersWithoutMfa += 1;
      }
      for (const key of user.accessKeys) {
        summary.accessKeys.total += 1;
        if (key.status !== 'Active') continue;
        summary.accessKeys.active += 1;
        if (reference - Date.parse(key.createdDate) > KEY_ROTATION_DAYS * DAY_MS) summary.accessKeys.activeOlderThan90Days += 1;
        if (key.lastUsedDate === null) summary.accessKeys.activeNeverUsed += 1;
      }
    }
  }
  summary.complete = summary.accounts.partial === 0 && summary.accounts.notAudited === 0;
  return summary;
}

export function formatSummary(summary: RunSummary, reportLocations: readonly string[]): string {
  const { accounts, accessKeys } = summary;
  const lines = [
    'Audit summary',
    `  accounts: ${accounts.listed} listed, ${accounts.audited} audited, ${accounts.partial} partial, ${accounts.notAudited} not audited, ${accounts.skipped} skipped`,
    `  IAM users: ${summary.users} (${summary.consoleUsers} with console access, ${summary.consoleUsersWithoutMfa} of them without MFA)`,
    `  access keys: ${accessKeys.total} (${accessKeys.active} active, ${accessKeys.activeOlderThan90Days} active and older than ${KEY_ROTATION_DAYS} days, ${accessKeys.activeNeverUsed} active and never used)`,
    `  CloudTrail events: ${summary.cloudTrailEvents}`,
  ];
  if (reportLocations.length > 0) lines.push('  reports:', ...reportLocations.map((location) => `    ${location}`));
  if (!summary.complete) lines.push('  not every account was audited completely: see the coverage report');
  return `${lines.join('\n')}\n`;
}
