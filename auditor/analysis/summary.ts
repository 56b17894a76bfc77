// The closing summary: the figures an auditor reads first, computed from the run alone so the
// JSON report and the terminal agree.
import type { AuditRun } from '../model';
import { coverageCounts, credentialCounts, isCoverageComplete, runReference } from './facts';

export interface RunSummary {
  accounts: { listed: number; audited: number; partial: number; notAudited: number; skipped: number };
  users: number;
  consoleUsers: number;
  /** Users with a password and no MFA device. */
  consoleUsersWithoutMfa: number;
  accessKeys: {
    total: number;
    active: number;
    /** The maximum age the run judged keys by (`--key-max-age-days`). */
    keyMaxAgeDays: number;
    /** Active keys older than `keyMaxAgeDays`. */
    activeOlderThanMaxAge: number;
    activeNeverUsed: number;
  };
  cloudTrailEvents: number;
  /** True when every account that was not deliberately skipped was audited completely. */
  complete: boolean;
}

/** `keyMaxAgeDays`: the run's `--key-max-age-days`. */
export function summarizeRun(run: AuditRun, keyMaxAgeDays: number): RunSummary {
  const coverage = coverageCounts(run.accounts);
  const credentials = credentialCounts(run.accounts, runReference(run), keyMaxAgeDays);
  return {
    accounts: { listed: coverage.listed, audited: coverage.audited, partial: coverage.partial, notAudited: coverage.notAudited, skipped: coverage.skipped },
    users: credentials.users,
    consoleUsers: credentials.consoleUsers,
    consoleUsersWithoutMfa: credentials.consoleUsers - credentials.consoleUsersWithMfa,
    accessKeys: {
      total: credentials.accessKeys,
      active: credentials.activeAccessKeys,
      keyMaxAgeDays,
      activeOlderThanMaxAge: credentials.activeKeysOlderThanMaxAge,
      activeNeverUsed: credentials.activeKeysNeverUsed,
    },
    cloudTrailEvents: run.accounts.reduce((total, account) => total + account.events.length, 0),
    complete: isCoverageComplete(coverage),
  };
}

/** `notes`: what the run could not read or save besides the accounts (the previous run, the history), one line each. */
export function formatSummary(summary: RunSummary, reportLocations: readonly string[], notes: readonly string[] = []): string {
  const { accounts, accessKeys } = summary;
  const lines = [
    'Audit summary',
    `  accounts: ${accounts.listed} listed, ${accounts.audited} audited, ${accounts.partial} partial, ${accounts.notAudited} not audited, ${accounts.skipped} skipped`,
    `  IAM users: ${summary.users} (${summary.consoleUsers} with console access, ${summary.consoleUsersWithoutMfa} of them without MFA)`,
    `  access keys: ${accessKeys.total} (${accessKeys.active} active, ${accessKeys.activeOlderThanMaxAge} active and older than ${accessKeys.keyMaxAgeDays} days, ${accessKeys.activeNeverUsed} active and never used)`,
    `  CloudTrail events: ${summary.cloudTrailEvents}`,
  ];
  if (reportLocations.length > 0) lines.push('  reports:', ...reportLocations.map((location) => `    ${location}`));
  for (const note of notes) lines.push(`  ${note}`);
  if (!summary.complete) lines.push('  not every account was audited completely: see the coverage report');
  return `${lines.join('\n')}\n`;
}
