// The remediation trend: what each CloudTrail event of the timeline did to the organization's
// long-lived credentials, progress or regression, counted per ISO week. The dashboard draws it and
// docs/reports.md#remediation-trend says how each event counts; both read this table.
import type { AccountAudit, CloudTrailEventRecord } from '../model';

export type RemediationDirection = 'progress' | 'regression';

export type RemediationChange =
  | 'key-created'
  | 'key-deleted'
  | 'key-deactivated'
  | 'key-activated'
  | 'mfa-enabled'
  | 'mfa-deactivated'
  | 'virtual-mfa-deleted'
  | 'password-created'
  | 'password-deleted'
  | 'user-created'
  | 'user-deleted';

export interface RemediationChangeKind {
  direction: RemediationDirection;
  /** Said after a count: `2 access keys deleted`. */
  label: string;
}

/** Every change, in the order the dashboard lists them: progress first. */
export const REMEDIATION_CHANGES: Readonly<Record<RemediationChange, RemediationChangeKind>> = {
  'key-deleted': { direction: 'progress', label: 'access keys deleted' },
  'key-deactivated': { direction: 'progress', label: 'access keys deactivated' },
  'mfa-enabled': { direction: 'progress', label: 'MFA devices enabled' },
  'password-deleted': { direction: 'progress', label: 'console passwords removed' },
  'user-deleted': { direction: 'progress', label: 'IAM users deleted' },
  'key-created': { direction: 'regression', label: 'access keys created' },
  'key-activated': { direction: 'regression', label: 'access keys reactivated' },
  'mfa-deactivated': { direction: 'regression', label: 'MFA devices deactivated' },
  'virtual-mfa-deleted': { direction: 'regression', label: 'virtual MFA devices deleted' },
  'password-created': { direction: 'regression', label: 'console passwords created' },
  'user-created': { direction: 'regression', label: 'IAM users created' },
};

const CHANGE_OF_EVENT: Readonly<Record<string, RemediationChange>> = {
  CreateAccessKey: 'key-created',
  DeleteAccessKey: 'key-deleted',
  EnableMFADevice: 'mfa-enabled',
  DeactivateMFADevice: 'mfa-deactivated',
  DeleteVirtualMFADevice: 'virtual-mfa-deleted',
  CreateLoginProfile: 'password-created',
  DeleteLoginProfile: 'password-deleted',
  CreateUser: 'user-created',
  DeleteUser: 'user-deleted',
};

/**
 * What an event did, or null when it changed no long-lived credential (a root sign-in) or cannot
 * be told (an UpdateAccessKey whose status the event does not carry).
 */
export function remediationChange(event: CloudTrailEventRecord): RemediationChange | null {
  if (event.eventName === 'UpdateAccessKey') {
    return event.accessKeyStatus === 'Inactive' ? 'key-deactivated' : event.accessKeyStatus === 'Active' ? 'key-activated' : null;
  }
  return CHANGE_OF_EVENT[event.eventName] ?? null;
}

export interface WeeklyRemediation {
  /** Monday of the ISO week, `YYYY-MM-DD` (UTC). */
  weekStart: string;
  progress: number;
  regressions: number;
  /** The changes of the week with their counts; only those that happened. */
  changes: Partial<Record<RemediationChange, number>>;
}

function weekStart(isoDate: string): string | null {
  const time = Date.parse(isoDate);
  if (Number.isNaN(time)) return null;
  const date = new Date(time);
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - daysSinceMonday)).toISOString().slice(0, 10);
}

/** Progress and regressions per ISO week, oldest week first; weeks without a change are left out. */
export function weeklyRemediation(accounts: readonly Pick<AccountAudit, 'events'>[]): WeeklyRemediation[] {
  const weeks = new Map<string, WeeklyRemediation>();
  for (const account of accounts) {
    for (const event of account.events) {
      const change = remediationChange(event);
      const week = change && weekStart(event.eventTime);
      if (!change || !week) continue;
      const entry = weeks.get(week) ?? { weekStart: week, progress: 0, regressions: 0, changes: {} };
      if (REMEDIATION_CHANGES[change].direction === 'progress') entry.progress += 1;
      else entry.regressions += 1;
      entry.changes[change] = (entry.changes[change] ?? 0) + 1;
      weeks.set(week, entry);
    }
  }
  return [...weeks.values()].sort((a, b) => a.weekStart.localeCompare(b.weekStart));
}
